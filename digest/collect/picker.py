"""Decide, item by item, what can go into an issue, and record why the rest does not."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from digest.collect.canonical import is_web_url
from digest.collect.filters import rejected_by
from digest.config import SourceConfig
from digest.models import Article, Skipped


class SeenLog(Protocol):
    """Remembers when each URL was first seen, so undated items get a stable date."""

    def first_seen(self, urls: Sequence[str], now: datetime) -> dict[str, datetime]:
        """The first-seen time of each URL, recording ``now`` for new ones."""
        ...


@dataclass(frozen=True, slots=True)
class Window:
    """The span an issue covers: after ``start``, up to and including ``end``."""

    start: datetime
    end: datetime

    def __contains__(self, moment: datetime) -> bool:
        return self.start < moment <= self.end


class Picker:
    """Keeps the new items inside the window, once each, and says why each other one is left out."""

    def __init__(
        self,
        window: Window,
        sent: Mapping[str, str],
        seen: SeenLog | None,
        now: datetime,
        carried: Mapping[str, str] | None = None,
    ) -> None:
        self.window, self.sent, self.seen, self.now = window, sent, seen, now
        self.carried = carried or {}
        self.taken: dict[str, str] = {}
        self.skipped: list[Skipped] = []

    def pick(self, source: SourceConfig, articles: Sequence[Article]) -> list[Article]:
        """The source's items that are new, inside the window, not filtered out, within max_items."""
        kept = []
        for article in self._dated(list(articles)):
            try:
                reason = self._rejected(source, article)
            except Exception as exc:  # a plug-in's odd item (a naive date …) costs itself, not the issue
                reason = f"cannot be read ({type(exc).__name__}: {exc})"
            if reason:
                self.skip(article, reason)
                continue
            self.taken[article.url] = source.url
            kept.append(_web_image(article))
        return self._newest(source, kept)

    def still_new(self, article: Article, feed_url: str) -> bool:
        """After the page named its canonical URL: not sent before and not a second copy."""
        if article.url == feed_url:
            return True
        reason = self._repeat(article)
        if reason:
            self.skip(article, reason)
            return False
        self.taken[article.url] = article.source
        return True

    def skip(self, article: Article, reason: str) -> None:
        """Leave an article out, saying why."""
        self.skipped.append(Skipped(article.url, article.title, reason, article.source))

    def _rejected(self, source: SourceConfig, article: Article) -> str | None:
        if not is_web_url(article.url):
            return f"no web address ('{article.url}' is not an http or https URL)"
        return rejected_by(source, article) or self._repeat(article) or self._outside(article)

    def _newest(self, source: SourceConfig, kept: list[Article]) -> list[Article]:
        """At most the source's ``max_items`` newest; the rest are left out, and free again."""
        if source.max_items is None or len(kept) <= source.max_items:
            return kept
        ordered = sorted(kept, key=lambda a: a.published, reverse=True)
        for article in ordered[source.max_items :]:
            del self.taken[article.url]
            self.skip(article, f"over the source's max_items = {source.max_items} (only its newest count)")
        return ordered[: source.max_items]

    def _dated(self, articles: list[Article]) -> list[Article]:
        """Articles without a date, or dated in the future, dated when they were first seen.

        A date still to come is no publication date (a feed's wrong time zone, a typo): taken as
        written, the item would wait outside every window until then, and come late or never.
        """
        undated = {a.url for a in articles if not a.dated or _ahead(a.published, self.now)}
        if not undated:
            return articles
        first = self.seen.first_seen(sorted(undated), self.now) if self.seen is not None else {}
        return [replace(a, published=first.get(a.url, self.now)) if a.url in undated else a for a in articles]

    def _outside(self, article: Article) -> str | None:
        # A carried article keeps its original date: the issue it was carried from lets it back in.
        if article.published in self.window or article.url in self.carried:
            return None
        when = article.published.strftime("%Y-%m-%d %H:%M UTC")
        return f"outside the window (published {when})"

    def _repeat(self, article: Article) -> str | None:
        if article.url in self.sent:
            return f"already sent (issue {self.sent[article.url]})"
        if article.url in self.taken:
            return f"duplicate of the same article in {self.taken[article.url]}"
        return None


def _ahead(published: datetime, now: datetime) -> bool:
    """Whether a date is still to come; a date without a time zone is not compared (it is refused later)."""
    return published.tzinfo is not None and published > now


def _web_image(article: Article) -> Article:
    """An article whose image address is not a web address keeps no image, alt or credit."""
    if not article.image_url or is_web_url(article.image_url):
        return article
    return replace(article, image_url="", image_alt="", image_caption="", image_credit="")
