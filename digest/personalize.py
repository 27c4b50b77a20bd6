"""Per-recipient placeholders: put in once at render time, filled in cheaply for each recipient.

One Personalizer makes every recipient's values for an issue — a subscriber on the list (send,
`preview --as`, the desk), a test address (`send --test`), the preview's sample reader, and the
archive's public copy, which carries nobody's address and nobody's unsubscribe token.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote

from digest.clicks import ANONYMOUS, click_values
from digest.links import Links
from digest.mime import sender_domain
from digest.models import NO_ATTRIBUTES

FIELDS = ("email", "name", "first_name", "unsubscribe_url", "web_url")
ATTRIBUTE = "attr:"  # a subscriber attribute's placeholder: %%digest:attr:NAME%% or …|FALLBACK%%
# A name or fallback is percent-encoded (urllib quote, nothing safe), so a placeholder holds only
# letters, digits, _.~- and %XX: HTML, JSON and MJML leave it as it is, and "%%" never occurs inside.
_ENCODED = r"(?:[A-Za-z0-9_.~-]|%[0-9A-F]{2})"
# A click field (click:3, click:3a) is an article link's tracked URL; its fallback is the article itself.
PLACEHOLDER_FIELD = (
    r"(?:" + "|".join(FIELDS) + r"|" + ATTRIBUTE + _ENCODED + r"+|click:\d{1,4}a?)(?:\|" + _ENCODED + r"*)?"
)
_PLACEHOLDER = re.compile(r"%%digest:(" + PLACEHOLDER_FIELD + r")%%")


class Marker(str):
    """A placeholder that a template put in on purpose: the only text that is ever filled in."""

    __slots__ = ()

    def or_else(self, fallback: str) -> Marker:
        """This placeholder, filled with ``fallback`` where the recipient has no value for it."""
        field = self[len("%%digest:") : -2].partition("|")[0]
        return Marker(f"%%digest:{field}|{quote(fallback, safe='')}%%")


def placeholder(field: str) -> Marker:
    """The marker a template emits where a recipient's value goes."""
    if field not in FIELDS:
        raise KeyError(field)
    return Marker(f"%%digest:{field}%%")


def attribute_placeholder(name: str) -> Marker:
    """The marker for one of the subscriber's own attributes (a CSV column), empty when they have none."""
    return Marker(f"%%digest:{ATTRIBUTE}{quote(name, safe='')}%%")


@functools.lru_cache(maxsize=1024)  # a letter has a few distinct placeholders, met once per recipient
def lookup(field: str) -> tuple[str, str | None]:
    """A placeholder field's key in a recipient's values, and its fallback (None: the value must exist).

    An attribute's key is ``attr:`` and its plain name; it falls back to "" when no default was given.
    """
    name, bar, fallback = field.partition("|")
    if name.startswith(ATTRIBUTE):
        return ATTRIBUTE + unquote(name[len(ATTRIBUTE) :]), unquote(fallback)
    return name, unquote(fallback) if bar else None


def value_of(values: Mapping[str, str], field: str) -> str:
    """A recipient's value for one placeholder field: theirs, else its fallback."""
    key, fallback = lookup(field)
    if fallback is None:
        return values[key]
    return values.get(key) or fallback


def provider_key(field: str) -> str:
    """A name for the field that every provider's substitution syntax takes (letters, digits, _).

    A plain field keeps its name; an attribute or a fallback gets a short digest of the whole field.
    """
    if field in FIELDS:
        return field
    return "v_" + hashlib.blake2s(field.encode(), digest_size=8).hexdigest()


_FORGED = re.compile(r"%%(digest):", re.IGNORECASE)


def neutralized(text: str) -> str:
    """Text from outside (a feed, a page, a draft) with anything shaped like a placeholder disarmed.

    A zero-width joiner goes between the name and the colon: the text reads the same, but it is no
    longer a placeholder, so no recipient's address or unsubscribe link can be made to appear in it.
    """
    return _FORGED.sub("%%\\1\u200d:", text) if "%%" in text else text


@dataclass(frozen=True, slots=True)
class ProviderTags:
    """A provider's own per-recipient substitution syntax, which feed text could spell out literally.

    ``opener`` matches the one character that starts such a tag (a lookahead checks the rest), and
    that character is broken wherever it occurs, so the provider fills in nothing but the tags made
    from real placeholders afterwards. In HTML it becomes its character reference: the page reads and
    links exactly the same, but the provider's plain string match no longer sees a tag. In plain text
    a zero-width joiner follows it, as ``neutralized`` does for digest's own placeholders.
    """

    opener: re.Pattern[str]

    def disarm(self, text: str, *, html: bool) -> str:
        """``text`` with every tag opener broken (``html``: the text is HTML markup)."""
        if html:
            return self.opener.sub(lambda m: f"&#{ord(m.group())};", text)
        return self.opener.sub(lambda m: f"{m.group()}\u200d", text)


# Handlebars and mustache tags ({{x}}, {{{x}}}): SES templates, Postmark's {{{ pm:unsubscribe }}}.
MUSTACHE_TAGS = ProviderTags(re.compile(r"\{(?=\{)"))


class RecipientAttributes:
    """What templates see as ``recipient.attributes``: any name is that attribute's placeholder."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Marker:
        if name.startswith("_"):  # Python's and Jinja's own probes are not attributes
            raise AttributeError(name)
        return attribute_placeholder(name)

    def __getitem__(self, name: str) -> Marker:
        return attribute_placeholder(str(name))


class RecipientPlaceholders:
    """What templates see as ``recipient``: every attribute is a placeholder, filled in later."""

    email = placeholder("email")
    name = placeholder("name")
    first_name = placeholder("first_name")
    unsubscribe_url = placeholder("unsubscribe_url")
    web_url = placeholder("web_url")
    attributes = RecipientAttributes()  # the subscriber's CSV columns (recipient.attributes.city)


class Template:
    """A compiled document split at its placeholders, so filling it is one join per recipient."""

    def __init__(self, document: str, *, escape: bool) -> None:
        self._parts = _PLACEHOLDER.split(document)
        self._escape = escape

    @property
    def fields(self) -> frozenset[str]:
        """The placeholder names the document uses."""
        return frozenset(self._parts[1::2])

    def fill(self, values: Mapping[str, str]) -> str:
        """Substitute each placeholder (HTML-escaped where the document is HTML)."""
        parts = self._parts[:]
        for index in range(1, len(parts), 2):
            value = value_of(values, parts[index])
            parts[index] = html.escape(value, quote=True) if self._escape else value
        return "".join(parts)


Headers = tuple[tuple[str, str], ...]
PREVIEW_READER = ("reader@example.org", "Reader")


@dataclass(frozen=True, slots=True)
class Personal:
    """One recipient's placeholder values and the headers only they get (List-Unsubscribe)."""

    values: dict[str, str]
    headers: Headers = ()


class Personalizer:
    """Every recipient's values for one issue of one list, made the same way wherever they are needed."""

    def __init__(
        self, links: Links, issue_id: str, list_name: str, clicks: frozenset[str] = frozenset()
    ) -> None:
        """``clicks``: the click fields of the issue's documents (clicks.click_fields), filled with
        each subscriber's tracked links; without them the links fall back to the articles."""
        self._links, self._list, self._issue = links, list_name, issue_id
        self.web_url = links.web_url(issue_id)
        anonymous = {f for f in clicks if f.endswith(ANONYMOUS)}
        self._clicks = tuple(clicks - anonymous)
        self._anonymous = click_values(links.secret, links.public_url, issue_id, anonymous, 0)
        # The mailto carries the URL's token (Links.unsubscribe_mailto's form): one HMAC per recipient.
        self._mailto = f"mailto:unsubscribe@{sender_domain(links.sender)}?subject=unsubscribe%20"

    def subscriber(
        self, subscriber_id: int, email: str, name: str, list_name: str = "",
        attributes: Mapping[str, str] = NO_ATTRIBUTES,
    ) -> Personal:  # fmt: skip
        """A subscriber's values: their address and name, their own signed unsubscribe link, their
        attributes (an attribute ``first_name`` wins over the one derived from the name)."""
        url = self._links.unsubscribe_url(list_name or self._list, subscriber_id, email)
        mailto = self._mailto + url.rpartition("/")[2]
        given = attributes.get("first_name") or first_name(name)
        values = {"email": email, "name": name, "first_name": given, "unsubscribe_url": url,
                  "web_url": self.web_url}  # fmt: skip
        for key, value in attributes.items():
            values[ATTRIBUTE + key] = value
        if self._clicks or self._anonymous:
            links = self._links
            values.update(self._anonymous)
            values.update(
                click_values(links.secret, links.public_url, self._issue, self._clicks, subscriber_id)
            )
        return Personal(values, (("List-Unsubscribe", f"<{url}>, <{mailto}>"),))

    def test(self, address: str) -> Personal:
        """A test address, outside the list: its link is signed for subscriber 0, who does not exist."""
        return self.subscriber(0, address, "")

    def preview(self) -> Personal:
        """The preview's sample reader: a real-looking address and a link that unsubscribes nobody."""
        email, name = PREVIEW_READER
        return Personal(
            {"email": email, "name": name, "first_name": first_name(name),
             "unsubscribe_url": f"{self._links.public_url}/u/preview", "web_url": self.web_url}
        )  # fmt: skip


def public_values(public_url: str, issue_id: str) -> dict[str, str]:
    """The archive's values: nobody's address, nobody's unsubscribe token."""
    base = f"{public_url}/archive/"
    return {"email": "you", "name": "", "first_name": "", "unsubscribe_url": base,
            "web_url": f"{base}{quote(issue_id)}/"}  # fmt: skip


def first_name(name: str) -> str:
    """The first word of a subscriber's name ("Ada Lovelace" → "Ada"); empty when there is no name."""
    words = name.split()
    return words[0] if words else ""
