"""What `digest status` and the alerts read: heartbeats, slot outcomes, source health, alerts sent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, delete, select, update

from digest.store.schema import alerts_sent, heartbeats, slot_outcomes, source_health
from digest.store.sql import insert_ignoring_duplicates, utc


@dataclass(frozen=True, slots=True)
class Beat:
    """A scheduler's last sign of life."""

    owner: str
    started_at: datetime
    beat_at: datetime


@dataclass(frozen=True, slots=True)
class SlotOutcome:
    """What became of one slot."""

    newsletter: str
    slot: str
    outcome: (
        str  # sent | sent_late | resumed | skipped_late | skipped_empty | failed | paused | held | nobody
    )
    detail: str
    at: datetime
    late_seconds: int = 0


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """A source's run of failures (0: its last collect worked)."""

    source: str
    failures: int
    last_error: str
    last_ok_at: datetime | None


class WatchRepository:
    """The heartbeats, slot_outcomes, source_health and alerts_sent tables."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def beat(self, owner: str, started_at: datetime, now: datetime) -> None:
        """Record that the scheduler ``owner`` is alive at ``now``."""
        with self._engine.begin() as conn:
            _upsert(
                conn, self._engine, heartbeats, {"owner": owner}, {"started_at": started_at, "beat_at": now}
            )

    def last_beat(self) -> Beat | None:
        """The most recent heartbeat of any scheduler."""
        query = select(heartbeats).order_by(heartbeats.c.beat_at.desc()).limit(1)
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return Beat(row.owner, utc(row.started_at) or row.started_at, utc(row.beat_at) or row.beat_at)

    def record(self, outcome: SlotOutcome) -> None:
        """Record (or replace) what became of a slot."""
        values = {"outcome": outcome.outcome, "detail": outcome.detail[:2000], "at": outcome.at,
                  "late_seconds": outcome.late_seconds}  # fmt: skip
        with self._engine.begin() as conn:
            key = {"newsletter": outcome.newsletter, "slot": outcome.slot}
            _upsert(conn, self._engine, slot_outcomes, key, values)

    def outcomes(self, newsletter: str, limit: int = 10) -> list[SlotOutcome]:
        """A newsletter's latest slot outcomes, newest first."""
        query = (
            select(slot_outcomes)
            .where(slot_outcomes.c.newsletter == newsletter)
            .order_by(slot_outcomes.c.slot.desc())
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [
                SlotOutcome(r.newsletter, r.slot, r.outcome, r.detail, utc(r.at) or r.at, r.late_seconds)
                for r in conn.execute(query)
            ]

    def sources_checked(self, newsletter: str, results: Mapping[str, str | None], now: datetime) -> None:
        """Record a collect's result per source: None for a source that worked, else its error."""
        with self._engine.begin() as conn:
            for source, error in results.items():
                key = {"newsletter": newsletter, "source": source[:2000]}
                found = conn.execute(
                    select(source_health.c.failures).where(_match(source_health, key))
                ).first()
                failures = 0 if error is None else (found.failures if found else 0) + 1
                values: dict[str, Any] = {"failures": failures, "updated_at": now}
                if error is None:
                    values["last_ok_at"] = now
                else:
                    values["last_error"] = error[:2000]
                _upsert(conn, self._engine, source_health, key, values)

    def sources(self, newsletter: str) -> list[SourceHealth]:
        """A newsletter's sources as the last collects left them, the most broken first."""
        query = (
            select(source_health)
            .where(source_health.c.newsletter == newsletter)
            .order_by(source_health.c.failures.desc(), source_health.c.source)
        )
        with self._engine.connect() as conn:
            return [
                SourceHealth(r.source, r.failures, r.last_error, utc(r.last_ok_at))
                for r in conn.execute(query)
            ]

    def claim_alert(self, key: str, now: datetime) -> bool:
        """True the first time an alert key is claimed: that alert may be sent, and never again."""
        statement = insert_ignoring_duplicates(self._engine, alerts_sent).values(key=key[:300], sent_at=now)
        with self._engine.begin() as conn:
            return conn.execute(statement.returning(alerts_sent.c.key)).first() is not None

    def release_alert(self, key: str) -> None:
        """Forget a claimed alert whose delivery failed, so that it is tried again."""
        with self._engine.begin() as conn:
            conn.execute(delete(alerts_sent).where(alerts_sent.c.key == key[:300]))


def _match(table: Table, key: Mapping[str, Any]) -> Any:
    return and_(*(table.c[name] == value for name, value in key.items()))


def _upsert(
    conn: Connection, engine: Engine, table: Table, key: Mapping[str, Any], values: Mapping[str, Any]
) -> None:
    """Update the row with ``key``, or insert it (when a concurrent insert won, update that)."""
    if conn.execute(update(table).where(_match(table, key)).values(**values)).rowcount:
        return
    first = table.c[next(iter(key))]
    inserted = conn.execute(
        insert_ignoring_duplicates(engine, table).values(**key, **values).returning(first)
    )
    if inserted.first() is None:
        conn.execute(update(table).where(_match(table, key)).values(**values))
