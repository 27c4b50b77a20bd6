"""Build the MIME message (multipart/alternative, list headers) for one outgoing message.

Addresses go on the wire as RFC 6531 allows: an internationalized domain as punycode (any server
takes it), a UTF-8 local part raw (RFC 6532) — never as RFC 2047 encoded words, which are not
valid inside an address. Such a local part needs a server that offers SMTPUTF8.
"""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import lru_cache

from digest.errors import DigestError
from digest.models import OutgoingMessage

# Long headers are folded at spaces up to RFC 5322's hard limit rather than turned into encoded
# words: List-Unsubscribe must stay literal for mail clients to act on it.
WIRE_POLICY = policy.default.clone(max_line_length=998)
SMTP_POLICY = WIRE_POLICY.clone(linesep="\r\n")
_UTF8 = {False: WIRE_POLICY.clone(utf8=True), True: SMTP_POLICY.clone(utf8=True)}


class AddressError(DigestError):
    """An address that cannot go out as it is; only its own recipient fails."""


def serialize(mime: EmailMessage, *, smtp: bool = False) -> bytes:
    """The message as bytes, ready to store (LF line ends) or hand to an SMTP server (CRLF).

    A recipient whose local part is UTF-8 gets the whole header block in UTF-8 (RFC 6532)."""
    if needs_smtputf8(str(mime.get("To", ""))):
        return mime.as_bytes(policy=_UTF8[smtp])
    return mime.as_bytes(policy=SMTP_POLICY if smtp else WIRE_POLICY)


def wire_address(address: str) -> str:
    """The address as it goes on the wire: an internationalized domain in punycode (IDNA 2008)."""
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise AddressError(f"Address '{address}' cannot be sent: it has no local part or no domain")
    if domain.isascii():
        return address
    import idna  # only for the rare internationalized domain: keeps start-up light

    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise AddressError(
            f"Address '{address}' cannot be sent: its domain is not a valid internationalized name ({exc})",
            "correct or remove the subscriber",
        ) from None
    return f"{local}@{ascii_domain}"


def needs_smtputf8(address: str) -> bool:
    """True when the address's local part is not ASCII: only a server offering SMTPUTF8 takes it."""
    return not address.rpartition("@")[0].isascii()


def envelope_sender(sender: str) -> str:
    """The bare address of a 'Name <address>' sender, for the SMTP envelope."""
    return wire_address(parseaddr(sender)[1])


@lru_cache(maxsize=64)  # asked once per recipient for the same few senders; parsing is not free
def sender_domain(sender: str) -> str:
    """The domain of a 'Name <address>' sender."""
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def build_mime(message: OutgoingMessage, now: datetime, message_id: str | None = None) -> EmailMessage:
    """A multipart/alternative message with text and HTML parts and every header the message carries.

    Raises AddressError when the recipient's address cannot be written."""
    mime = EmailMessage()
    mime["From"] = message.sender
    mime["To"] = wire_address(message.to)
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(now)
    mime["Message-ID"] = message_id or make_msgid(domain=sender_domain(message.sender))
    for name, value in message.headers:
        mime[name] = value
    mime.set_content(message.text)
    mime.add_alternative(message.html, subtype="html")
    return mime
