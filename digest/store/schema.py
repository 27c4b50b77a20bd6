"""The store's tables (SQLAlchemy Core): subscribers, issues, the delivery ledger, settings."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

lists = Table(
    "lists",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# One row per (list, normalized address); a status change is never a delete, so that an import
# cannot bring back someone who left. Each change of status has its own timestamp.
subscribers = Table(
    "subscribers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list", String(100), nullable=False),
    Column("email", String(320), nullable=False),
    Column("name", String(200), nullable=False, default=""),
    Column("status", String(20), nullable=False),
    Column("source", String(200), nullable=False, default=""),
    Column("attributes", JSON, nullable=False, server_default="{}"),
    Column("soft_bounces", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("confirm_sent_at", DateTime(timezone=True)),
    Column("subscribed_at", DateTime(timezone=True)),
    Column("unsubscribed_at", DateTime(timezone=True)),
    Column("bounced_at", DateTime(timezone=True)),
    Column("complained_at", DateTime(timezone=True)),
    UniqueConstraint("list", "email", name="uq_subscribers_list_email"),
    Index("ix_subscribers_list_status", "list", "status", "id"),
    Index("ix_subscribers_email", "email"),
)

# Provider feedback already applied, so a replayed webhook changes nothing.
webhook_events = Table(
    "webhook_events",
    metadata,
    Column("provider", String(20), primary_key=True),
    Column("event_id", String(200), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("email", String(320), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

# Signature nonces a provider's webhook has used (Mailgun's token), with the SHA-256 of the body they
# came with: the same body again is the provider's retry, another body is a forgery.
webhook_tokens = Table(
    "webhook_tokens",
    metadata,
    Column("provider", String(20), primary_key=True),
    Column("token", String(200), primary_key=True),
    Column("body_sha256", String(64), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    Index("ix_webhook_tokens_seen_at", "seen_at"),
)

issues = Table(
    "issues",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("newsletter", String(100), nullable=False),
    Column("slot", String(40), nullable=False),
    Column("list", String(100), nullable=False),
    Column("subject", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("window_start", DateTime(timezone=True)),
    Column("window_end", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Column("variants", Text),  # JSON of digest.variants.Variants, when the template tests recipients
    UniqueConstraint("newsletter", "slot", name="uq_issues_newsletter_slot"),
)

issue_articles = Table(
    "issue_articles",
    metadata,
    Column("issue_id", String(200), ForeignKey("issues.id"), nullable=False),
    Column("newsletter", String(100), nullable=False),
    Column("url", Text, nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("position", Integer, nullable=False),
    # Where a tracked click on this article lands (the URL with UTM tags): the redirect goes only here.
    Column("target", Text),
    Column("section", Text),
    UniqueConstraint("newsletter", "url", name="uq_issue_articles_newsletter_url"),
)

# Articles an issue carried over (overflow = "carry"): the next collect lets them in although they
# were published before its window. Replaced by each new issue of the newsletter.
carried_articles = Table(
    "carried_articles",
    metadata,
    Column("newsletter", String(100), primary_key=True),
    Column("url", String(2000), primary_key=True),
    Column("issue_id", String(200), nullable=False),
    Column("carried_at", DateTime(timezone=True), nullable=False),
    # The article as its feed gave it (JSON): offered again even when the feed has moved on.
    Column("article", Text, nullable=True),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("issue_id", String(200), ForeignKey("issues.id"), primary_key=True),
    Column("subscriber_id", Integer, ForeignKey("subscribers.id"), primary_key=True),
    Column("email", String(320), nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("message_id", String(300), nullable=False, default=""),
    Column("error", Text, nullable=False, default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # The request a row was last handed to the provider in: its idempotency key (Resend) and
    # what the provider's log is searched by after a crash (Postmark metadata, Mailgun variables).
    Column("batch_key", String(64), nullable=False, default=""),
    Column("claimed_at", DateTime(timezone=True)),
    Column("sent_at", DateTime(timezone=True)),
    Index("ix_deliveries_issue_status", "issue_id", "status", "subscriber_id"),
    # A webhook event is applied only when it names a message digest sent (Mailgun signs no event).
    Index("ix_deliveries_message_id", "message_id"),
)

# One sender per issue: the row names who sends and until when its lock holds without a heartbeat.
send_locks = Table(
    "send_locks",
    metadata,
    Column("issue_id", String(200), primary_key=True),
    Column("owner", String(200), nullable=False),
    Column("acquired_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

feed_cache = Table(
    "feed_cache",
    metadata,
    Column("url", String(2000), primary_key=True),
    Column("final_url", Text, nullable=False),
    Column("etag", Text, nullable=False, default=""),
    Column("last_modified", Text, nullable=False, default=""),
    Column("content_type", Text, nullable=False, default=""),
    Column("body", LargeBinary, nullable=False),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
)

seen_articles = Table(
    "seen_articles",
    metadata,
    Column("url", String(2000), primary_key=True),
    Column("first_seen", DateTime(timezone=True), nullable=False),
)

approvals = Table(
    "approvals",
    metadata,
    Column("newsletter", String(100), primary_key=True),
    Column("slot", String(40), primary_key=True),
    Column("approved_at", DateTime(timezone=True), nullable=False),
)

collections = Table(
    "collections",
    metadata,
    Column("newsletter", String(100), primary_key=True),
    Column("collected_at", DateTime(timezone=True), nullable=False),
    Column("data", Text, nullable=False),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

# What readers did with an issue: clicks recorded by digest serve, and the opens and clicks the
# providers' webhooks report. ``event_key`` de-duplicates a provider's event (its own id); a click on
# a digest link has none. ``subscriber_id`` is empty for an anonymous newsletter's clicks.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("issue_id", String(200), nullable=False),
    Column("kind", String(20), nullable=False),  # click | open
    Column("position", Integer),  # the article's position in the issue (issue_articles.position)
    Column("subscriber_id", Integer),
    Column("source", String(40), nullable=False),  # digest | postmark | sendgrid | …
    Column("event_key", String(300), unique=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user_agent", String(300), nullable=False, default=""),
    Column("machine", String(40), nullable=False, default=""),  # what the provider says it was, if anything
    # One issue's events are one index range: a report reads them in a single scan, in time order.
    Index("ix_events_issue_kind_at", "issue_id", "kind", "at"),
    # A subscriber's export and erasure (GDPR) find theirs without a scan.
    Index("ix_events_subscriber", "subscriber_id"),
)

# What is left of raw events once retention_days has deleted them: counts per issue and article.
event_totals = Table(
    "event_totals",
    metadata,
    Column("issue_id", String(200), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("position", Integer, primary_key=True),  # -1: not about one article (an open)
    Column("machine", String(40), primary_key=True),  # "" for people; else why it was a machine
    Column("total", Integer, nullable=False),
    Column("uniques", Integer, nullable=False),
)

# Addresses erased at their owner's request (subscribers remove --forget): only a hash is kept, so
# that no import brings them back by mistake.
forgotten = Table(
    "forgotten",
    metadata,
    Column("email_hash", String(64), primary_key=True),
    Column("forgotten_at", DateTime(timezone=True), nullable=False),
)

# Each running scheduler's heartbeat, written every [scheduler] heartbeat_seconds: `digest status`
# says "down" when the newest is older than [alerts] scheduler_down_minutes.
heartbeats = Table(
    "heartbeats",
    metadata,
    Column("owner", String(200), primary_key=True),  # host:pid
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("beat_at", DateTime(timezone=True), nullable=False),
)

# What became of each slot of each newsletter: sent (on time or late), skipped and why, failed, paused.
slot_outcomes = Table(
    "slot_outcomes",
    metadata,
    Column("newsletter", String(100), primary_key=True),
    Column("slot", String(40), primary_key=True),
    Column("outcome", String(20), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("late_seconds", Integer, nullable=False, default=0),
)

# A source's consecutive failures, for the "source broken for N issues" alert and `digest status`.
source_health = Table(
    "source_health",
    metadata,
    Column("newsletter", String(100), primary_key=True),
    Column("source", String(2000), primary_key=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=False, default=""),
    Column("last_ok_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Alerts already sent, by key (the trigger, the newsletter, the slot): never the same one twice.
alerts_sent = Table(
    "alerts_sent",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("sent_at", DateTime(timezone=True), nullable=False),
)
