"""Issue queries: an issue is stored once per (newsletter, slot) with its rendered content."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from digest.models import Article, RenderedIssue
from digest.store.collections import article_from_json, article_json
from digest.store.schema import approvals, carried_articles, issue_articles, issues
from digest.store.sql import insert_ignoring_duplicates, utc
from digest.variants import Variants


@dataclass(frozen=True, slots=True)
class StoredIssue:
    """An issue as the store keeps it: the rendered parts, so a resumed send sends the same thing."""

    id: str
    newsletter: str
    slot: str
    list_name: str
    subject: str
    html: str
    text: str
    status: str
    created: datetime
    sent: datetime | None
    variants: Variants | None = None

    def rendered(self) -> RenderedIssue:
        """The stored issue as the deliver stage takes it."""
        return RenderedIssue(
            self.id, self.newsletter, self.subject, self.html, self.text, variants=self.variants
        )


def _at(values: Sequence[str], position: int) -> str | None:
    return values[position] if position < len(values) else None


def _variants_json(rendered: RenderedIssue) -> str | None:
    return orjson.dumps(rendered.variants.to_json()).decode() if rendered.variants else None


class IssueRepository:
    """The issues and issue_articles tables."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, issue_id: str) -> StoredIssue | None:
        """One issue by id."""
        with self._engine.connect() as conn:
            row = conn.execute(select(issues).where(issues.c.id == issue_id)).first()
        if row is None:
            return None
        return StoredIssue(
            row.id,
            row.newsletter,
            row.slot,
            row.list,
            row.subject,
            row.html,
            row.text,
            row.status,
            utc(row.created_at) or datetime.min,
            utc(row.sent_at),
            Variants.from_json(orjson.loads(row.variants)) if row.variants else None,
        )

    def create(
        self,
        rendered: RenderedIssue,
        slot: str,
        list_name: str,
        article_urls: Sequence[str],
        now: datetime,
        window: tuple[datetime, datetime] | None = None,
        titles: Sequence[str] = (),
        carried: Sequence[Article] = (),
        sections: Sequence[str] = (),
    ) -> bool:
        """Store a new issue, its articles and those it carries over; False when the slot has an issue.

        ``carried`` replaces what the newsletter's previous issue carried: an article carried and not
        taken again is not offered a third time by accident, it is reported by the collect.
        """
        with self._engine.begin() as conn:
            created = conn.execute(
                insert_ignoring_duplicates(self._engine, issues)
                .values(
                    id=rendered.issue_id,
                    newsletter=rendered.newsletter,
                    slot=slot,
                    list=list_name,
                    subject=rendered.subject,
                    html=rendered.html,
                    text=rendered.text,
                    variants=_variants_json(rendered),
                    status="sending",
                    window_start=window[0] if window else None,
                    window_end=window[1] if window else None,
                    created_at=now,
                )
                .returning(issues.c.id)
            ).first()
            if created is None:
                return False
            named = list(titles) + [""] * (len(article_urls) - len(titles))
            rows = [
                {"issue_id": rendered.issue_id, "newsletter": rendered.newsletter, "url": url,
                 "title": title, "position": position, "section": _at(sections, position),
                 "target": _at(rendered.links, position)}
                for position, (url, title) in enumerate(zip(article_urls, named, strict=False))
            ]  # fmt: skip
            if rows:
                conn.execute(insert_ignoring_duplicates(self._engine, issue_articles), rows)
            _carry(conn, rendered.newsletter, rendered.issue_id, carried, now)
        return True

    def carried_articles(self, newsletter: str) -> list[Article]:
        """The articles the newsletter's latest issue carried over, as their feeds gave them."""
        query = select(carried_articles.c.article).where(
            carried_articles.c.newsletter == newsletter, carried_articles.c.article.is_not(None)
        )
        with self._engine.connect() as conn:
            return [article_from_json(text) for (text,) in conn.execute(query)]

    def carried(self, newsletter: str) -> dict[str, str]:
        """Canonical URL → issue id of each article the newsletter's latest issue carried over."""
        query = select(carried_articles.c.url, carried_articles.c.issue_id).where(
            carried_articles.c.newsletter == newsletter
        )
        with self._engine.connect() as conn:
            return {url: issue_id for url, issue_id in conn.execute(query)}

    def for_slot(self, newsletter: str, slot: str) -> StoredIssue | None:
        """The issue of one slot, if it was made."""
        query = select(issues.c.id).where(issues.c.newsletter == newsletter, issues.c.slot == slot)
        with self._engine.connect() as conn:
            issue_id = conn.execute(query).scalar()
        return self.get(issue_id) if issue_id else None

    def approve(self, newsletter: str, slot: str, now: datetime) -> bool:
        """Record an editor's approval of a slot's issue; False when it was approved already."""
        statement = insert_ignoring_duplicates(self._engine, approvals).values(
            newsletter=newsletter, slot=slot, approved_at=now
        )
        with self._engine.begin() as conn:
            return conn.execute(statement.returning(approvals.c.slot)).first() is not None

    def approved(self, newsletter: str, slot: str) -> bool:
        """Whether an editor approved the slot's issue."""
        query = select(approvals.c.slot).where(approvals.c.newsletter == newsletter, approvals.c.slot == slot)
        with self._engine.connect() as conn:
            return conn.execute(query).first() is not None

    def recent(self, newsletter: str | None = None, limit: int = 100) -> list[StoredIssue]:
        """The newest issues first (optionally of one newsletter)."""
        query = select(issues.c.id).order_by(issues.c.created_at.desc()).limit(limit)
        if newsletter:
            query = query.where(issues.c.newsletter == newsletter)
        with self._engine.connect() as conn:
            ids = list(conn.execute(query).scalars())
        return [issue for issue in (self.get(i) for i in ids) if issue is not None]

    def mark_sent(self, issue_id: str, now: datetime) -> None:
        """Record that every recipient of the issue has been handled."""
        with self._engine.begin() as conn:
            conn.execute(
                update(issues)
                .where(issues.c.id == issue_id, issues.c.status != "sent")
                .values(status="sent", sent_at=now)
            )

    def sent_articles(self, newsletter: str) -> dict[str, str]:
        """Canonical URL → issue id of every article that went into an issue of the newsletter."""
        query = select(issue_articles.c.url, issue_articles.c.issue_id).where(
            issue_articles.c.newsletter == newsletter
        )
        with self._engine.connect() as conn:
            return {url: issue_id for url, issue_id in conn.execute(query)}

    def articles(self, issue_id: str) -> list[tuple[str, str]]:
        """The (url, title) of each article of an issue, in the order it showed them."""
        query = (
            select(issue_articles.c.url, issue_articles.c.title)
            .where(issue_articles.c.issue_id == issue_id)
            .order_by(issue_articles.c.position)
        )
        with self._engine.connect() as conn:
            return [(url, title) for url, title in conn.execute(query)]

    def last_cutoff(self, newsletter: str) -> datetime | None:
        """Where the newsletter's latest issue stopped looking: the next one starts there."""
        query = select(func.max(issues.c.window_end)).where(issues.c.newsletter == newsletter)
        with self._engine.connect() as conn:
            return utc(conn.execute(query).scalar())


def _carry(
    conn: Connection, newsletter: str, issue_id: str, articles: Sequence[Article], now: datetime
) -> None:
    """Replace the newsletter's carried articles by this issue's (each kept whole, as its feed gave it)."""
    conn.execute(delete(carried_articles).where(carried_articles.c.newsletter == newsletter))
    unique = {a.url: a for a in articles}
    rows = [
        {
            "newsletter": newsletter,
            "url": url,
            "issue_id": issue_id,
            "carried_at": now,
            "article": article_json(a),
        }
        for url, a in unique.items()
    ]
    if rows:
        conn.execute(insert(carried_articles), rows)
