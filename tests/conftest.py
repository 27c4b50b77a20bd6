"""Shared fixtures: the demo site built at a fixed time, a demo project, both store backends."""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy.exc import OperationalError

from digest.config import FetchConfig, NewsletterConfig
from digest.store import Store, open_store
from digest.store.schema import metadata

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get("DIGEST_TEST_POSTGRES_URL", "")
# The test servers listen on loopback, which digest refuses to fetch from unless it is allowed.
# The newsletter the render, personalization and hostile-page tests write their issues for.
NEWSLETTER = NewsletterConfig.model_validate(
    {
        "title": "The Meridian Weekly",
        "from": "The Meridian <newsletter@example.org>",
        "list": "weekly",
        "postal_address": "1 Example Street, Springfield",
        "sources": [{"url": "https://example.org/feed.xml"}],
    }
)
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1"]


def fetch_settings(**limits: object) -> FetchConfig:
    """[fetch] settings that may fetch from the loopback test servers, with the limits given."""
    return FetchConfig.model_validate({"allow_hosts": LOOPBACK_HOSTS, **limits})


def demo_builder() -> ModuleType:
    """The demo/build.py script as a module (it is not part of the package)."""
    spec = importlib.util.spec_from_file_location("demo_build", ROOT / "demo" / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve string annotations through sys.modules, so register before running it.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site (pages, feeds, images) built as of NOW in a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    demo_builder().build(out, NOW)
    return out


def digest(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the digest command in a project folder, as a user does (extra environment variables allowed)."""
    return subprocess.run(
        [sys.executable, "-m", "digest", *args], cwd=project, capture_output=True, text=True, timeout=120,
        env={**os.environ, **env},
    )  # fmt: skip


@pytest.fixture(scope="module")
def live_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site built as of the real clock, for tests of commands that read the real clock."""
    out = tmp_path_factory.mktemp("live-site")
    demo_builder().build(out, datetime.now(UTC))
    return out


def write_config(folder: Path, site: Path, store_url: str | None = None, extra: str = "") -> Path:
    """A schedule.toml for the demo site in ``folder``, with the project's templates copied beside it."""
    shutil.copytree(ROOT / "templates", folder / "templates", dirs_exist_ok=True)
    store = store_url or "sqlite:///subscribers/digest.sqlite3"
    text = f"""
[store]
url = "{store}"

[provider]
name = "outbox"
outbox_dir = "outbox"

[server]
public_url = "https://news.example.org"

[newsletters.weekly]
title = "The Meridian Weekly"
from = "The Meridian <newsletter@example.org>"
list = "weekly"
postal_address = "1 Example Street, Springfield"
timezone = "America/New_York"

[[newsletters.weekly.sources]]
url = "{site / "feed.xml"}"
pages = true
mirror = {{ url = "https://meridian.example/", dir = "{site}" }}
{extra}
"""
    path = folder / "schedule.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def demo_config(tmp_path: Path, demo_site: Path) -> Path:
    """A demo project in a temporary folder: schedule.toml, templates, SQLite store path."""
    return write_config(tmp_path, demo_site)


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


@pytest.fixture(params=_backends())
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store on each backend: SQLite always, PostgreSQL when DIGEST_TEST_POSTGRES_URL is set."""
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}" if request.param == "sqlite" else POSTGRES_URL
    opened = open_store(url)
    if request.param == "postgresql":
        _again_on_deadlock(lambda: (metadata.drop_all(opened.engine), metadata.create_all(opened.engine)))
    yield opened
    if request.param == "postgresql":
        _again_on_deadlock(lambda: metadata.drop_all(opened.engine))
    opened.close()


def _again_on_deadlock(step: Callable[[], object], attempts: int = 3) -> None:
    """Run a schema step; again when PostgreSQL aborts it as one side of a deadlock with a connection a
    server thread is still closing, which then goes ahead."""
    for attempt in range(attempts):
        try:
            step()
            return
        except OperationalError as error:
            if "deadlock detected" not in str(error) or attempt == attempts - 1:
                raise


_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> None:
    """Refuse any connection that would leave this machine."""
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = str(address[0]) if isinstance(address, tuple) else ""
        if not ipaddress.ip_address(host.split("%")[0]).is_loopback:
            raise OSError(f"test tried to reach {host}: only loopback is allowed")
    _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk to loopback only; anything else fails loudly."""
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
