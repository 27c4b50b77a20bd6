"""What collect remembers between runs: feed validators for conditional GET, first sight of URLs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, insert, select

from digest.collect.fetch import CachedFeed
from digest.store.schema import feed_cache, seen_articles
from digest.store.sql import insert_ignoring_duplicates, utc


class FeedCacheRepository:
    """The feed_cache table: each feed's ETag, Last-Modified and last body."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._engine = engine
        self._clock = clock

    def get(self, url: str) -> CachedFeed | None:
        """The cached response for a feed URL, if any."""
        with self._engine.connect() as conn:
            row = conn.execute(select(feed_cache).where(feed_cache.c.url == url)).first()
        if row is None:
            return None
        return CachedFeed(row.final_url, bytes(row.body), row.content_type, row.etag, row.last_modified)

    def put(self, feed: CachedFeed) -> None:
        """Remember a feed's latest full response (replacing the previous one)."""
        with self._engine.begin() as conn:
            conn.execute(delete(feed_cache).where(feed_cache.c.url == feed.url))
            conn.execute(
                insert(feed_cache).values(
                    url=feed.url,
                    final_url=feed.url,
                    etag=feed.etag,
                    last_modified=feed.last_modified,
                    content_type=feed.content_type,
                    body=feed.body,
                    fetched_at=self._clock(),
                )
            )


class SeenRepository:
    """The seen_articles table: when digest first saw each article URL."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def first_seen(self, urls: Sequence[str], now: datetime) -> dict[str, datetime]:
        """The first-seen time of each URL, recording ``now`` for the ones never seen before."""
        if not urls:
            return {}
        with self._engine.begin() as conn:
            conn.execute(
                insert_ignoring_duplicates(self._engine, seen_articles),
                [{"url": url, "first_seen": now} for url in dict.fromkeys(urls)],
            )
            rows = conn.execute(select(seen_articles).where(seen_articles.c.url.in_(list(urls))))
            return {row.url: utc(row.first_seen) or now for row in rows}
