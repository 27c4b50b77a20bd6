"""When each newsletter goes out: `send_at` parsed by digest, not by APScheduler.

`send_at` is either day names and a 24-hour time ("fri 09:00", "mon,thu 07:30", "mon-fri 06:00",
"daily 08:00") or a 5-field cron string with its standard meaning: 0 and 7 are Sunday, and when both
day-of-month and day-of-week are restricted a day matching either one fires. Times are wall-clock times
in the newsletter's IANA zone. A time that does not exist on a spring-forward day fires at the first
moment after the gap — `sun 02:00`, `02:30` and `02:59` in New York all fire at 03:00 EDT on that day —
which is what cron users expect: Vixie cron and cronie run the jobs whose time was skipped by a forward
change as soon as the clock has jumped, so the day is never skipped and the send is as close as it can
be to the time asked for (never an hour later, as 02:30 read with the winter offset would be). A time
that happens twice on a fall-back day fires once, at its first occurrence. APScheduler only ever sees
the exact UTC instants computed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SIMPLE = re.compile(r"^\s*(?P<days>[a-z,\-]+)\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*$", re.IGNORECASE)
_SEARCH_DAYS = 366 * 8  # enough for "29 feb" on a given weekday
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A parsed send_at: the sets of minutes, hours, days, months and weekdays (0 = Monday) it allows."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None  # None: any day of the month
    months: frozenset[int]
    weekdays: frozenset[int] | None  # None: any day of the week
    zone: ZoneInfo

    def next_after(self, moment: datetime) -> datetime | None:
        """The first firing strictly after ``moment`` (UTC), or None if there is none."""
        start = moment.astimezone(self.zone).date()
        for offset in range(_SEARCH_DAYS):
            day = start + timedelta(days=offset)
            for fire in self._firings(day):
                if fire > moment:
                    return fire
        return None

    def previous_before(self, moment: datetime) -> datetime | None:
        """The last firing at or before ``moment`` (UTC), or None if there is none."""
        start = moment.astimezone(self.zone).date()
        for offset in range(_SEARCH_DAYS):
            day = start - timedelta(days=offset)
            for fire in reversed(self._firings(day)):
                if fire <= moment:
                    return fire
        return None

    def upcoming(self, after: datetime, count: int) -> list[datetime]:
        """The next ``count`` firings after a moment."""
        found: list[datetime] = []
        moment = after
        while len(found) < count and (fire := self.next_after(moment)) is not None:
            found.append(fire)
            moment = fire
        return found

    def _matches(self, day: date) -> bool:
        if day.month not in self.months:
            return False
        by_day = self.days is None or day.day in self.days
        by_weekday = self.weekdays is None or day.weekday() in self.weekdays
        if self.days is not None and self.weekdays is not None:
            return by_day or by_weekday  # cron: either restriction matches
        return by_day and by_weekday

    def _firings(self, day: date) -> list[datetime]:
        if not self._matches(day):
            return []
        fires = {wall_time(day, time(h, m), self.zone) for h in self.hours for m in self.minutes}
        return sorted(fires)


def wall_time(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time: the end of a spring-forward gap, first of a repeat."""
    local = datetime.combine(day, clock, tzinfo=zone)  # fold=0: the first of two repeated times
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return instant
    # Inside a gap fold=0 reads the time with the offset from before it and fold=1 with the one after:
    # the two instants lie on either side of the change, and the change itself is the first moment after.
    return _change_between(local.replace(fold=1).astimezone(UTC), instant, zone)


def _change_between(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The first instant (to the second) whose UTC offset differs from ``before``'s."""
    offset = before.astimezone(zone).utcoffset()
    while after - before > _SECOND:
        middle = before + (after - before) // _SECOND // 2 * _SECOND
        if middle.astimezone(zone).utcoffset() == offset:
            before = middle
        else:
            after = middle
    return after


def parse_schedule(text: str, zone: str) -> Schedule:
    """Parse send_at; ValueError says what is wrong and what is allowed."""
    tz = ZoneInfo(zone)
    simple = _SIMPLE.match(text)
    if simple:
        return _simple(simple, tz)
    fields = text.split()
    if len(fields) == 5:
        return _cron(fields, tz)
    raise ValueError(
        f"'{text}' is neither like 'fri 09:00' (day names, 24-hour time) nor a 5-field cron string"
    )


def _simple(match: re.Match[str], zone: ZoneInfo) -> Schedule:
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        raise ValueError(f"{hour:02d}:{minute:02d} is not a time of day (00:00 to 23:59)")
    days = match["days"].lower()
    weekdays = None if days in ("daily", "day", "every") else frozenset(_day_list(days))
    return Schedule(frozenset({minute}), frozenset({hour}), None, frozenset(range(1, 13)), weekdays, zone)


def _day_list(text: str) -> set[int]:
    found: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        start, end = _day(first), _day(last or first)
        found.update(range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)])
    return found


def _day(name: str) -> int:
    key = name.strip()[:3]
    if key not in DAYS:
        raise ValueError(f"'{name}' is not a day name (mon, tue, wed, thu, fri, sat, sun)")
    return DAYS.index(key)


def _cron(fields: list[str], zone: ZoneInfo) -> Schedule:
    minute, hour, day, month, weekday = fields
    minutes = _field(minute, 0, 59, "minute")
    hours = _field(hour, 0, 23, "hour")
    days = None if day == "*" else frozenset(_field(day, 1, 31, "day of month"))
    months = _field(month, 1, 12, "month")
    weekdays = (
        None if weekday == "*" else frozenset((d - 1) % 7 for d in _field(weekday, 0, 7, "day of week"))
    )
    # cron counts Sunday as 0 (and 7), Monday as 1; Python's weekday() counts Monday as 0.
    return Schedule(frozenset(minutes), frozenset(hours), days, frozenset(months), weekdays, zone)


def _field(text: str, low: int, high: int, name: str) -> set[int]:
    values: set[int] = set()
    for part in text.split(","):
        values.update(_part(part, low, high, name))
    return values


def _part(part: str, low: int, high: int, name: str) -> range:
    span, _, step_text = part.partition("/")
    step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else None
    if step_text and step is None:
        raise ValueError(f"'{part}' in the {name} field has a bad step")
    if span == "*":
        first, last = low, high
    elif re.fullmatch(r"\d+-\d+", span):
        first, last = (int(x) for x in span.split("-"))
    elif span.isdigit():
        first = last = int(span)
        if step:
            last = high
    else:
        raise ValueError(f"'{part}' is not a valid {name} ({low}-{high}, *, ranges, lists and steps)")
    if not (low <= first <= last <= high):
        raise ValueError(f"'{part}' is outside the {name} range {low}-{high}")
    return range(first, last + 1, step or 1)


_DURATION = re.compile(r"(\d+)\s*(d|h|m|s)")
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta:
    """'6h', '90m', '1d', '2h30m' → a timedelta; ValueError for anything else."""
    compact = text.replace(" ", "").lower()
    parts = _DURATION.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        raise ValueError(f"'{text}' is not a duration like '6h', '90m', '1d' or '2h30m'")
    return timedelta(seconds=sum(int(n) * _UNITS[u] for n, u in parts))
