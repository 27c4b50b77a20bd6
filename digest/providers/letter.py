"""What a provider is handed: the issue's shared parts once (a Letter), and batches of addressees.

A provider either fills the placeholders itself (``Batch.messages()``, one cheap join per recipient)
or hands the document and each recipient's values to a provider that substitutes them (SendGrid
substitutions, Mailgun recipient-variables, SES template data).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

import orjson

from digest.models import OutgoingMessage
from digest.personalize import PLACEHOLDER_FIELD, ProviderTags, Template, provider_key, value_of
from digest.variants import Variants

Headers = tuple[tuple[str, str], ...]
_PLACEHOLDER = re.compile(r"%%digest:(" + PLACEHOLDER_FIELD + r")%%")


@dataclass(frozen=True, slots=True)
class Addressee:
    """One recipient of a batch: their placeholder values (unescaped) and their own headers."""

    subscriber_id: int
    email: str
    name: str
    values: Mapping[str, str]
    headers: Headers = ()

    @property
    def display(self) -> str:
        """'"Name" <address>' (quoted: a comma in a name is not a second recipient), or the address."""
        if not self.name:
            return self.email
        name = self.name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{name}" <{self.email}>'


@dataclass(frozen=True, slots=True)
class Letter:
    """The issue as every recipient shares it: sender, subject, bodies with placeholders, list headers."""

    issue_id: str
    sender: str
    subject: str
    html: str
    text: str
    headers: Headers = ()
    reply_to: str = ""  # the newsletter's Reply-To; each provider sends it its own way
    variants: Variants | None = None  # other copies for readers the template tells apart
    _html: Template = field(init=False, repr=False, compare=False)
    _text: Template = field(init=False, repr=False, compare=False)
    _disarmed: dict[ProviderTags, Letter] = field(init=False, repr=False, compare=False)

    _variants: dict[int, Letter] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_html", Template(self.html, escape=True))
        object.__setattr__(self, "_text", Template(self.text, escape=False))
        object.__setattr__(self, "_disarmed", {})
        object.__setattr__(self, "_variants", {})

    def variant(self, values: Mapping[str, str]) -> Letter:
        """The letter a recipient with these values gets: this one, or one of its variants (made once).

        A variant's letter has no variants of its own: a batch of it is one document for everyone.
        """
        if self.variants is None:
            return self
        index = self.variants.index(values)
        letter = self._variants.get(index)
        if letter is None:
            html_body, text_body = self.variants.documents[index]
            letter = replace(self, html=html_body, text=text_body, variants=None)
            self._variants[index] = letter
        return letter

    def variant_key(self, values: Mapping[str, str]) -> int:
        """Which variant these values get (0 when the letter has none)."""
        return 0 if self.variants is None else self.variants.index(values)

    def disarmed(self, tags: ProviderTags) -> Letter:
        """This letter with a provider's own tag syntax broken in the subject and bodies (made once).

        Only digest's placeholders, which ``tags`` never matches, stay live: a provider that
        substitutes values itself then fills in nothing that feed text spelt out as its tag.
        """
        letter = self._disarmed.get(tags)
        if letter is None:
            variants = self.variants
            if variants is not None:
                docs = variants.documents
                disarmed = tuple((tags.disarm(h, html=True), tags.disarm(t, html=False)) for h, t in docs)
                variants = replace(variants, documents=disarmed)
            letter = Letter(
                self.issue_id, self.sender, tags.disarm(self.subject, html=False),
                tags.disarm(self.html, html=True), tags.disarm(self.text, html=False), self.headers,
                self.reply_to, variants,
            )  # fmt: skip
            self._disarmed[tags] = letter
        return letter

    def message(self, addressee: Addressee) -> OutgoingMessage:
        """The personalized message for one addressee (a placeholder fill, never a render)."""
        if self.variants is not None:
            return self.variant(addressee.values).message(addressee)
        return OutgoingMessage(
            issue_id=self.issue_id,
            subscriber_id=addressee.subscriber_id,
            to=addressee.email,
            sender=self.sender,
            subject=self.subject,
            html=self._html.fill(addressee.values),
            text=self._text.fill(addressee.values),
            headers=addressee.headers + self.headers + self.reply_header(),
        )

    def reply_header(self) -> Headers:
        """The Reply-To header for a MIME message (SMTP, outbox); none when the newsletter sets none."""
        return (("Reply-To", self.reply_to),) if self.reply_to else ()

    def fields(self) -> frozenset[str]:
        """The placeholder names either body uses."""
        return self._html.fields | self._text.fields

    def with_markers(self, marker: str) -> tuple[str, str]:
        """The (html, text) bodies with each placeholder rewritten by ``marker.format(part, field)``.

        ``part`` is ``h`` in the HTML body and ``t`` in the text, so a provider that substitutes
        values itself can be given HTML-escaped values for one and raw values for the other;
        ``field`` is the placeholder's provider_key, a name every provider's tag syntax takes.
        """
        _one_document(self)
        html_body = _PLACEHOLDER.sub(lambda m: marker.format(part="h", field=provider_key(m[1])), self.html)
        text_body = _PLACEHOLDER.sub(lambda m: marker.format(part="t", field=provider_key(m[1])), self.text)
        return html_body, text_body


_PLACEHOLDER_BYTES = re.compile(rb"%%digest:(" + PLACEHOLDER_FIELD.encode() + rb")%%")


class JsonTemplate:
    """A body encoded once as the UTF-8 inside of a JSON string, split at its placeholders.

    The same split-and-join as personalize.Template, one level down: JSON escaping leaves the
    ``%%digest:…%%`` markers intact, so a recipient's body is a join of pre-encoded bytes with only
    their own values escaped (HTML, when the body is HTML; then JSON) — no per-recipient encode of
    the whole document, and no wide-string copies of it.
    """

    def __init__(self, document: str, *, escape: bool) -> None:
        self._parts = _PLACEHOLDER_BYTES.split(orjson.dumps(document)[1:-1])
        self._fields = [p.decode() for p in self._parts[1::2]]
        self._distinct = frozenset(self._fields)
        self._escape = escape

    def extend(self, out: list[bytes], values: Mapping[str, str]) -> None:
        """Append the filled body's pieces to ``out`` (join them once, for many recipients)."""
        encoded = {name: self._encode(value_of(values, name)) for name in self._distinct}
        parts = self._parts
        out.append(parts[0])
        for index, name in enumerate(self._fields):
            out.append(encoded[name])
            out.append(parts[2 * index + 2])

    def _encode(self, value: str) -> bytes:
        return orjson.dumps(html.escape(value, quote=True) if self._escape else value)[1:-1]


class JsonBodies:
    """A letter's HTML and text as JsonTemplates, made once per issue by the JSON providers."""

    def __init__(self, letter: Letter) -> None:
        _one_document(letter)
        self.letter = letter
        self.html = JsonTemplate(letter.html, escape=True)
        self.text = JsonTemplate(letter.text, escape=False)


def _one_document(letter: Letter) -> None:
    """A provider that is handed one document per batch must be handed one variant's letter."""
    if letter.variants is not None:
        raise ValueError("a letter with variants is sent one variant per batch (Letter.variant)")


def marker_values(addressee: Addressee, fields: frozenset[str]) -> dict[tuple[str, str], str]:
    """(part, key) → value for ``Letter.with_markers``: HTML-escaped for ``h``, raw for ``t``.

    ``key`` is each field's provider_key, as the markers name it."""
    values: dict[tuple[str, str], str] = {}
    for name in fields:
        raw, key = value_of(addressee.values, name), provider_key(name)
        values["h", key] = html.escape(raw, quote=True)
        values["t", key] = raw
    return values


@dataclass(frozen=True, slots=True)
class Batch:
    """Recipients sent in one request, under a key the ledger keeps (idempotency, reconciliation)."""

    key: str
    letter: Letter
    addressees: tuple[Addressee, ...]
    claimed_at: datetime | None = None

    def __len__(self) -> int:
        return len(self.addressees)

    def disarmed(self, tags: ProviderTags) -> Batch:
        """The same batch with its letter's text safe from the provider's own tags (Letter.disarmed)."""
        return Batch(self.key, self.letter.disarmed(tags), self.addressees, self.claimed_at)

    def messages(self) -> Iterator[OutgoingMessage]:
        """Each addressee's personalized message, made as it is consumed."""
        return (self.letter.message(a) for a in self.addressees)

    def by_email(self) -> dict[str, int]:
        """Lower-cased address → subscriber id, to match a provider's answers to rows."""
        return {a.email.lower(): a.subscriber_id for a in self.addressees}
