"""send_at parsed by digest: weekly local times across DST, cron's Sunday, gaps and repeats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from digest.slots import parse_duration, parse_schedule

YEAR = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/London"])
def test_friday_0900_fires_once_a_week_at_0900_local_all_year(zone: str) -> None:
    schedule = parse_schedule("fri 09:00", zone)
    fires = schedule.upcoming(YEAR, 53)
    local = [f.astimezone(schedule.zone) for f in fires]
    assert all(t.weekday() == 4 and (t.hour, t.minute) == (9, 0) for t in local)
    dates = [t.date() for t in local]
    assert all(b - a == timedelta(days=7) for a, b in pairwise(dates))
    # Both DST changes are inside the year, so the UTC hour moves while the local hour does not.
    assert len({f.hour for f in fires}) == 2


def test_monday_midnight_does_not_skip_the_week_of_spring_forward() -> None:
    schedule = parse_schedule("mon 00:00", "America/New_York")
    local = [f.astimezone(schedule.zone) for f in schedule.upcoming(datetime(2026, 3, 1, tzinfo=UTC), 3)]
    assert [t.date().isoformat() for t in local] == ["2026-03-02", "2026-03-09", "2026-03-16"]


def test_daily_midnight_fires_every_day_across_spring_forward() -> None:
    schedule = parse_schedule("daily 00:00", "America/New_York")
    days = [
        f.astimezone(schedule.zone).date() for f in schedule.upcoming(datetime(2026, 3, 6, tzinfo=UTC), 5)
    ]
    assert [d.day for d in days] == [6, 7, 8, 9, 10]


def test_a_time_inside_the_spring_forward_gap_fires_just_after_it() -> None:
    # Chile moves its clocks from 00:00 to 01:00 on Sunday 6 September 2026: midnight does not exist.
    schedule = parse_schedule("sun 00:00", "America/Santiago")
    fires = schedule.upcoming(datetime(2026, 8, 28, tzinfo=UTC), 3)
    local = [f.astimezone(schedule.zone) for f in fires]
    assert [t.date().isoformat() for t in local] == ["2026-08-30", "2026-09-06", "2026-09-13"]
    assert (local[1].hour, local[1].minute) == (1, 0)


@pytest.mark.parametrize("clock", ["02:00", "02:30", "02:59"])
def test_a_time_in_new_yorks_gap_fires_when_the_gap_ends_as_cron_does(clock: str) -> None:
    # New York moves its clocks from 02:00 to 03:00 on Sunday 8 March 2026.
    schedule = parse_schedule(f"sun {clock}", "America/New_York")
    fires = schedule.upcoming(datetime(2026, 3, 1, 12, tzinfo=UTC), 3)
    local = [f.astimezone(schedule.zone).isoformat() for f in fires]
    assert local == [
        "2026-03-08T03:00:00-04:00",
        f"2026-03-15T{clock}:00-04:00",
        f"2026-03-22T{clock}:00-04:00",
    ]


def test_the_minute_before_the_gap_keeps_its_own_time() -> None:
    fires = parse_schedule("sun 01:59", "America/New_York").upcoming(datetime(2026, 3, 8, tzinfo=UTC), 1)
    assert fires == [datetime(2026, 3, 8, 6, 59, tzinfo=UTC)]


def test_several_times_in_the_gap_fire_once_when_it_ends() -> None:
    schedule = parse_schedule("*/20 2 * * *", "America/New_York")
    fires = schedule.upcoming(datetime(2026, 3, 7, 12, tzinfo=UTC), 4)
    local = [f.astimezone(schedule.zone).strftime("%d %H:%M") for f in fires]
    assert local == ["08 03:00", "09 02:00", "09 02:20", "09 02:40"]


def test_a_half_hour_gap_ends_at_its_own_time() -> None:
    # Lord Howe Island moves its clocks from 02:00 to 02:30 on Sunday 4 October 2026.
    fires = parse_schedule("sun 02:15", "Australia/Lord_Howe").upcoming(datetime(2026, 10, 1, tzinfo=UTC), 1)
    assert fires[0].astimezone(ZoneInfo("Australia/Lord_Howe")).isoformat() == "2026-10-04T02:30:00+11:00"


def test_a_repeated_time_on_fall_back_fires_once() -> None:
    schedule = parse_schedule("daily 01:30", "America/New_York")
    fires = schedule.upcoming(datetime(2026, 10, 31, 12, tzinfo=UTC), 3)
    assert [f.astimezone(schedule.zone).day for f in fires] == [1, 2, 3]


@pytest.mark.parametrize(
    ("cron", "weekday"), [("0 9 * * 0", 6), ("0 9 * * 7", 6), ("0 9 * * 1", 0), ("0 9 * * 5", 4)]
)
def test_cron_day_of_week_has_its_standard_meaning(cron: str, weekday: int) -> None:
    fires = parse_schedule(cron, "UTC").upcoming(YEAR, 4)
    assert {f.weekday() for f in fires} == {weekday}
    assert {(f.hour, f.minute) for f in fires} == {(9, 0)}


def test_cron_with_day_of_month_and_weekday_fires_on_either() -> None:
    fires = parse_schedule("0 8 1 * 1", "UTC").upcoming(datetime(2026, 6, 1, tzinfo=UTC), 6)
    assert all(f.day == 1 or f.weekday() == 0 for f in fires)
    assert any(f.day == 1 and f.weekday() != 0 for f in fires)


def test_day_lists_and_ranges() -> None:
    fires = parse_schedule("mon-fri 07:30", "UTC").upcoming(YEAR, 10)
    assert {f.weekday() for f in fires} == {0, 1, 2, 3, 4}
    fires = parse_schedule("sat,sun 10:00", "UTC").upcoming(YEAR, 4)
    assert {f.weekday() for f in fires} == {5, 6}


def test_previous_firing_before_a_moment() -> None:
    schedule = parse_schedule("fri 09:00", "Europe/London")
    moment = datetime(2026, 11, 25, 12, tzinfo=UTC)  # a Wednesday
    previous = schedule.previous_before(moment)
    assert (
        previous is not None and previous.astimezone(schedule.zone).isoformat() == "2026-11-20T09:00:00+00:00"
    )
    assert schedule.next_after(previous) == datetime(2026, 11, 27, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fry 09:00", "'fry' is not a day name"),
        ("fri 25:00", "not a time of day"),
        ("0 9 * *", "neither like 'fri 09:00'"),
        ("61 9 * * *", "outside the minute range"),
        ("0 9 * * 8", "outside the day of week range"),
        ("0 9 * * mon", "not a valid day of week"),
    ],
)
def test_bad_schedules_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_schedule(text, "UTC")


def test_durations() -> None:
    assert parse_duration("6h") == timedelta(hours=6)
    assert parse_duration("2h30m") == timedelta(hours=2, minutes=30)
    assert parse_duration("1d") == timedelta(days=1)
    with pytest.raises(ValueError):
        parse_duration("6 hours")
