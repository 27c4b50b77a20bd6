"""Config tables of a newsletter: its sources, fetching, teasers, sections, schedule and look."""

from __future__ import annotations

import ipaddress
import re
from datetime import timedelta
from email.utils import parseaddr
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from digest.config.base import _is_url, _Model, _resolve_path
from digest.config.theme import ThemeOverrides, Values, check_value_names
from digest.segments import Segment, segment_of
from digest.slots import Schedule, parse_duration, parse_schedule


class MirrorConfig(_Model):
    """Read every URL under ``url`` from the local folder ``dir`` instead of the network."""

    url: str
    dir: str

    _paths = field_validator("dir")(_resolve_path)

    @field_validator("url")
    @classmethod
    def _base(cls, value: str) -> str:
        if not _is_url(value):
            raise ValueError(f"must be an absolute http(s) URL, got '{value}'")
        return value.rstrip("/") + "/"


class SourceConfig(_Model):
    """One source by URL or path: a feed (RSS, Atom or JSON Feed) unless ``type`` names another kind."""

    url: str
    type: str = "feed"
    pages: bool = False
    mirror: MirrorConfig | None = None
    section: str = ""
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    max_items: Annotated[int, Field(ge=1)] | None = None  # keep only this source's N newest items
    priority: int = 0  # when more is new than the issue holds, higher priorities go in first

    @field_validator("include", "exclude")
    @classmethod
    def _rules(cls, rules: list[str]) -> list[str]:
        for rule in rules:
            kind, _, value = rule.partition(":")
            if kind not in ("category", "url") or not value.strip():
                raise ValueError(
                    f"'{rule}' is not a filter; write 'category:NAME' or 'url:PATTERN' (* matches anything)"
                )
        return rules

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        from digest.sources import source_kinds  # the registry: built in, plug-ins, registered

        kinds = source_kinds()
        if value not in kinds:
            raise ValueError(f"'{value}' is not a kind of source; installed: {', '.join(kinds)}")
        return value

    @field_validator("url")
    @classmethod
    def _url_or_path(cls, value: str, info: ValidationInfo) -> str:
        if not value.strip():
            raise ValueError("must be a feed URL or a path, not empty")
        scheme = urlsplit(value).scheme
        if scheme and len(scheme) > 1 and scheme not in ("http", "https"):
            raise ValueError(f"scheme '{scheme}' is not supported (use http, https or a path)")
        return _resolve_path(value, info)


class FetchConfig(_Model):
    """How feeds and pages are fetched: politely, in parallel, within limits."""

    concurrency: Annotated[int, Field(ge=1, le=256)] = 32
    per_host: Annotated[int, Field(ge=1, le=64)] = 8
    timeout: Annotated[float, Field(gt=0, le=300)] = 20.0
    max_redirects: Annotated[int, Field(ge=0, le=20)] = 5
    max_bytes: Annotated[int, Field(ge=1024)] = 5 * 1024 * 1024
    deadline: Annotated[float, Field(gt=0, le=3600)] = 120.0  # seconds for a whole run's fetching
    # Hosts that may be fetched although they are not on the public internet (loopback, private,
    # link-local …): exact host names, IP addresses, or networks such as "10.1.0.0/16".
    allow_hosts: list[str] = Field(default_factory=list)

    @field_validator("allow_hosts")
    @classmethod
    def _hosts(cls, hosts: list[str]) -> list[str]:
        for host in hosts:
            if not _is_host_or_network(host):
                raise ValueError(
                    f"'{host}' is not a host name, an IP address or a network such as '10.1.0.0/16'"
                )
        return [host.strip().lower().rstrip(".") for host in hosts]


def _is_host_or_network(value: str) -> bool:
    try:
        ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return bool(_HOST_NAME.fullmatch(value.strip().rstrip(".")))
    return True


_HOST_NAME = re.compile(r"(?i)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*")


class LintConfig(_Model):
    """Limits the rendered email is checked against before every send."""

    warn_kb: Annotated[int, Field(ge=1)] = 90
    max_kb: Annotated[int, Field(ge=1)] = 102  # Gmail clips messages past about 102 KB of HTML
    max_subject: Annotated[int, Field(ge=10)] = 78
    clip_budget: bool = True  # shorten the issue to fit max_kb instead of refusing to send

    @model_validator(mode="after")
    def _ordered(self) -> LintConfig:
        if self.warn_kb > self.max_kb:
            raise ValueError(f"warn_kb ({self.warn_kb}) exceeds max_kb ({self.max_kb})")
        return self


class TeaserConfig(_Model):
    """How long a teaser's lede may be, what its link says and the words before its image credit."""

    min_words: Annotated[int, Field(ge=1)] = 40
    max_words: Annotated[int, Field(ge=10)] = 120
    keep_reading: str = "keep reading"
    # The house card's caption ("Top image credit: Jane Doe"); empty shows the credit alone.
    credit_label: str = "Top image credit:"

    @model_validator(mode="after")
    def _ordered(self) -> TeaserConfig:
        if self.min_words > self.max_words:
            raise ValueError(f"min_words ({self.min_words}) exceeds max_words ({self.max_words})")
        return self


# Names that stand where a page or feed has no section: WordPress's default category (in its main
# languages), a template's placeholder or its tag list, a flag for the home page.
_NO_SECTION = re.compile(
    r"(?i)undefined|null|none|nan|n/a|tags?|uncategori[sz]ed|sin categor[i\u00ed]a|non class\u00e9e?s?"
    r"|senza categoria|sem categoria|allgemein|ohne kategorie|\u672a\u5206\u985e|\u672a\u5206\u7c7b"
    r"|featured(?: stories| posts| articles)?|default|home(?: ?page)?|articles?|posts?|stories"
)


class SectionsConfig(_Model):
    """How teasers are grouped: names mapped, an order, a rule by URL path, a default."""

    order: list[str] = Field(default_factory=list)
    rename: dict[str, str] = Field(default_factory=dict)
    from_url: dict[str, str] = Field(default_factory=dict)
    default: str = "More"

    def name_for(self, section: str, url: str) -> str:
        """The section a teaser is shown under: its own (renamed), else by URL path, else the default.

        A name a site's software writes where no section was given ("Uncategorized", "undefined",
        "tags", "Featured") is no section, unless ``rename`` names it.
        """
        renamed = {k.casefold(): v for k, v in self.rename.items()}
        if section.casefold() in renamed:
            return renamed[section.casefold()]
        if section and not _NO_SECTION.fullmatch(section.strip()):
            return section
        path = urlsplit(url).path
        for fragment, name in self.from_url.items():
            if fragment in path:
                return name
        return self.default


class LinksConfig(_Model):
    """What the issue does to its article links: UTM tags, click tracking, and how long clicks are kept."""

    utm: bool = False  # add utm_source, utm_medium and utm_campaign to every article link
    utm_source: str = ""  # default: the newsletter's name
    utm_medium: str = "email"
    utm_campaign: str = ""  # default: the id
    track_clicks: bool = False  # article links go through {public_url}/c/TOKEN on digest serve
    anonymous: bool = False  # a click records the issue and the article, never who clicked
    retention_days: Annotated[int, Field(ge=0)] = 0  # raw events older than this are deleted (0: kept)
    # A click this soon after its message was delivered is a security scanner, not a reader.
    machine_seconds: Annotated[int, Field(ge=0, le=3600)] = 30


class NewsletterConfig(_Model):
    """One newsletter: who it is from, which list gets it, its sources and its schedule."""

    title: str
    sender: str = Field(alias="from")
    list_name: str = Field(alias="list")
    postal_address: str
    send_at: str = "fri 09:00"
    timezone: str = "UTC"
    window_days: Annotated[int, Field(ge=1, le=366)] = 7
    max_articles: Annotated[int, Field(ge=1, le=200)] = 15
    # Past max_articles: "more" lists the rest as links, "carry" offers them in the next issue, "drop"
    # leaves them out; each is reported, never silent.
    overflow: Literal["more", "carry", "drop"] = "more"
    subject: str = "{{ newsletter.title }}: {{ issue.lead.title }}"
    intro: str = ""
    sources: Annotated[list[SourceConfig], Field(min_length=1)]
    teaser: TeaserConfig = TeaserConfig()
    sections: SectionsConfig = SectionsConfig()
    drafts_dir: str = "drafts"
    templates: str = ""  # a folder whose files override single default templates
    max_lateness: str = "6h"  # after downtime, a later send is skipped and reported
    draft_ahead: str = ""  # e.g. "24h": build the draft and a preview that long before the send
    approval: Literal["none", "required"] = "none"
    skip_if_empty: bool = True
    reply_to: str = ""  # where replies go, when not to the sender
    theme: ThemeOverrides = ThemeOverrides()  # this newsletter's changes to the shared [theme]
    # Free values editors define for templates (values.sponsor_name); the top-level [values] fill in
    # the keys a newsletter does not set (Config merges them).
    values: Values = Field(default_factory=dict)
    # Part of the list only: an expression over attributes, or tags (any of them); see digest.segments.
    segment: str | list[str] | None = None
    links: LinksConfig = LinksConfig()  # [newsletters.NAME.links]: UTM tags and click tracking

    _values = field_validator("values")(check_value_names)

    @field_validator("segment")
    @classmethod
    def _segment(cls, value: str | list[str] | None) -> str | list[str] | None:
        if value is not None:
            segment_of(value)  # raises SegmentError (a ValueError) saying where and what was expected
        return value

    @property
    def audience_segment(self) -> Segment | None:
        """The parsed segment the newsletter goes to, None for the whole list."""
        return None if self.segment is None else segment_of(self.segment)

    _drafts = field_validator("drafts_dir", "templates")(_resolve_path)

    @field_validator("send_at")
    @classmethod
    def _send_at(cls, value: str) -> str:
        parse_schedule(value, "UTC")  # the syntax; the zone is checked on its own key
        return value

    @field_validator("max_lateness", "draft_ahead")
    @classmethod
    def _duration(cls, value: str) -> str:
        if value:
            parse_duration(value)
        return value

    @property
    def schedule(self) -> Schedule:
        """When this newsletter goes out."""
        return parse_schedule(self.send_at, self.timezone)

    @property
    def lateness(self) -> timedelta:
        """How late a send may still go out after downtime."""
        return parse_duration(self.max_lateness)

    @field_validator("sender", "reply_to")
    @classmethod
    def _address(cls, value: str, info: ValidationInfo) -> str:
        if not value and info.field_name == "reply_to":
            return value
        _, address = parseaddr(value)
        if "@" not in address:
            raise ValueError(f"'{value}' is not an address like 'Name <newsletter@example.org>'")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a folder: OSError
            raise ValueError(f"'{value}' is not an IANA time zone such as 'Europe/Paris'") from None
        return value
