"""The frozen values that cross each stage boundary: collect → ledes → compose → render → deliver."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from digest.words import count_words

if TYPE_CHECKING:  # variants builds on personalize, which builds on these models
    from digest.variants import Variants


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that went wrong with one input (a feed, a page, a row) while the rest went on."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Article:
    """One article found in a feed, enriched with what its page says when it was fetched."""

    url: str
    title: str
    published: datetime
    source: str
    guid: str = ""
    dated: bool = True
    section: str = ""
    categories: tuple[str, ...] = ()
    author: str = ""
    summary: str = ""
    paragraphs: tuple[str, ...] = ()
    image_url: str = ""
    image_alt: str = ""
    image_credit: str = ""
    image_caption: str = ""


@dataclass(frozen=True, slots=True)
class Skipped:
    """An item collect left out of the issue, and why (outside window, already sent, ...)."""

    url: str
    title: str
    reason: str
    source: str = ""


class Fate(enum.StrEnum):
    """Where a collected article ends up in one issue."""

    ISSUE = "issue"  # a teaser in the issue
    LISTED = "listed"  # a link in the "More this week" list
    CARRIED = "carried"  # offered again in the next issue
    DROPPED = "dropped"  # left out, for the reason given


@dataclass(frozen=True, slots=True)
class Placement:
    """One article's fate in an issue, with the reason an editor reads (empty for a plain teaser)."""

    url: str
    title: str
    state: Fate
    reason: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Collection:
    """What collect found for one issue: articles in the window, newest first, and the problems."""

    articles: tuple[Article, ...]
    problems: tuple[Problem, ...] = ()
    window_start: datetime | None = None
    window_end: datetime | None = None
    skipped: tuple[Skipped, ...] = ()
    # Articles that can enter the issue but rank below the page budget: their pages were not read,
    # and they are offered as links, carried over or dropped by the newsletter's overflow.
    spare: tuple[Article, ...] = ()

    @property
    def candidates(self) -> tuple[Article, ...]:
        """Every article that can enter the issue, best first: those with their pages read, then spare."""
        return self.articles + self.spare


@dataclass(frozen=True, slots=True)
class Teaser:
    """A "keep reading" teaser: the article's own lede with its image, credit and section."""

    url: str
    title: str
    section: str
    paragraphs: tuple[str, ...]
    published: datetime
    author: str = ""
    image_url: str = ""
    image_alt: str = ""
    image_credit: str = ""
    truncated: bool = False
    dropped: tuple[Problem, ...] = ()
    source: str = ""  # the source it came from, for the counts per source

    @property
    def word_count(self) -> int:
        """Number of words in the teaser text (as the word budget counts them)."""
        return sum(count_words(p) for p in self.paragraphs)


@dataclass(frozen=True, slots=True)
class Section:
    """A titled group of teasers in an issue, in the order they are shown."""

    title: str
    teasers: tuple[Teaser, ...]


@dataclass(frozen=True, slots=True)
class Issue:
    """One issue of a newsletter, ready to render: what goes in it and in which order."""

    id: str
    newsletter: str
    title: str
    subject: str
    preheader: str
    sections: tuple[Section, ...]
    created: datetime
    intro: str = ""
    more: tuple[Teaser, ...] = ()  # overflow shown as a compact list of links
    placements: tuple[Placement, ...] = ()  # every collected article's fate, in the issue's order

    @property
    def teasers(self) -> tuple[Teaser, ...]:
        """Every teaser of the issue in display order."""
        return tuple(t for s in self.sections for t in s.teasers)

    def placed(self, state: Fate) -> tuple[Placement, ...]:
        """The articles that ended in one state."""
        return tuple(p for p in self.placements if p.state is state)

    @property
    def lead(self) -> Teaser:
        """The first teaser of the issue (the subject line usually names it)."""
        return self.teasers[0]


@dataclass(frozen=True, slots=True)
class RenderedIssue:
    """The issue compiled once to HTML and text, with per-recipient placeholders left in."""

    issue_id: str
    newsletter: str
    subject: str
    html: str
    text: str
    warnings: tuple[str, ...] = ()
    reply_to: str = ""  # the newsletter's Reply-To, when it has one
    listed: tuple[str, ...] = ()  # teasers the clip budget moved to the list of links (their URLs)
    variants: Variants | None = None  # one copy per class of reader the template tests; html/text: the last
    links: tuple[str, ...] = ()  # position → where each article link lands (UTM tags on), for the redirect
    notes: tuple[str, ...] = ()  # what the render did that is no problem (the variants it compiled)

    def documents(self, values: Mapping[str, str]) -> tuple[str, str]:
        """The (html, text) with placeholders that a recipient with these values gets."""
        if self.variants is None:
            return self.html, self.text
        return self.variants.select(values)


class SubscriberStatus(enum.StrEnum):
    """Where a subscriber stands on a list."""

    PENDING = "pending"
    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"
    COMPLAINED = "complained"


NO_ATTRIBUTES: Mapping[str, str] = MappingProxyType({})


def text_attributes(stored: Any) -> Mapping[str, str]:
    """A subscriber's attributes as the store's JSON column holds them, every value as text."""
    if not stored:
        return NO_ATTRIBUTES
    return {str(key): "" if value is None else str(value) for key, value in dict(stored).items()}


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A person on a list."""

    id: int
    email: str
    list: str
    name: str = ""
    status: SubscriberStatus = SubscriberStatus.ACTIVE
    # Their CSV columns (city, plan, …) for templates' recipient.attributes; not part of who they are.
    attributes: Mapping[str, str] = field(default_factory=dict, compare=False)


class DeliveryStatus(enum.StrEnum):
    """The state of one (issue, subscriber) row in the ledger."""

    PENDING = "pending"
    IN_FLIGHT = "in_flight"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One personalized message handed to a provider."""

    issue_id: str
    subscriber_id: int
    to: str
    sender: str
    subject: str
    html: str
    text: str
    headers: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class SendResult:
    """What the provider said about one message of a batch."""

    subscriber_id: int
    accepted: bool
    message_id: str = ""
    error: str = ""
    permanent: bool = False
