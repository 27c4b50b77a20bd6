"""Which moments an issue covers: the window's bounds, and where the next issue's window starts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from conftest import NOW, write_config

from digest import job
from digest.collect import Window
from digest.config import Config, load_config
from digest.models import RenderedIssue
from digest.store import Store

TICK = timedelta(microseconds=1)
WEEK = timedelta(days=7)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """The demo newsletter 'weekly' (window_days = 7); its sources are never read here."""
    return load_config(write_config(tmp_path, tmp_path))


def stored_issue(store: Store, issue_id: str, start: object, end: object) -> None:
    """An issue of 'weekly' that looked at the window (start, end]."""
    rendered = RenderedIssue(issue_id, "weekly", "Subject", "<p>html</p>", "text")
    store.issues.create(rendered, issue_id, "weekly", [], NOW, window=(start, end))  # type: ignore[arg-type]


def test_a_window_holds_what_came_after_its_start_up_to_and_including_its_end() -> None:
    window = Window(NOW - WEEK, NOW)
    assert NOW in window and NOW - WEEK + TICK in window
    assert NOW - WEEK not in window and NOW + TICK not in window


def test_the_first_issue_looks_back_window_days(config: Config, store: Store) -> None:
    assert job.issue_window(config, "weekly", store, NOW) == Window(NOW - WEEK, NOW)
    assert job.issue_window(config, "weekly", None, NOW) == Window(NOW - WEEK, NOW)


def test_the_next_issue_starts_exactly_where_the_last_one_stopped(config: Config, store: Store) -> None:
    cutoff = NOW - timedelta(days=2, minutes=7)
    stored_issue(store, "weekly-1", NOW - timedelta(days=12), NOW - timedelta(days=5))
    stored_issue(store, "weekly-2", NOW - timedelta(days=5), cutoff)
    assert job.issue_window(config, "weekly", store, NOW) == Window(cutoff, NOW)


@pytest.mark.parametrize("ahead", [timedelta(0), timedelta(hours=1)], ids=["at-now", "after-now"])
def test_a_cutoff_not_before_now_looks_back_window_days(
    config: Config, store: Store, ahead: timedelta
) -> None:
    # The clock went back (or two runs share an instant): an empty or reversed window would send nothing.
    stored_issue(store, "weekly-1", NOW - WEEK, NOW + ahead)
    assert job.issue_window(config, "weekly", store, NOW) == Window(NOW - WEEK, NOW)
