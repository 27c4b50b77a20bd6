"""Build the MIME message (multipart/alternative, list headers) for one outgoing message."""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import lru_cache

from digest.models import OutgoingMessage

# Long headers are folded at spaces up to RFC 5322's hard limit rather than turned into encoded
# words: List-Unsubscribe must stay literal for mail clients to act on it.
WIRE_POLICY = policy.default.clone(max_line_length=998)
SMTP_POLICY = WIRE_POLICY.clone(linesep="\r\n")


def serialize(mime: EmailMessage, *, smtp: bool = False) -> bytes:
    """The message as bytes, ready to store (LF line ends) or hand to an SMTP server (CRLF)."""
    return mime.as_bytes(policy=SMTP_POLICY if smtp else WIRE_POLICY)


def envelope_sender(sender: str) -> str:
    """The bare address of a 'Name <address>' sender, for the SMTP envelope."""
    return parseaddr(sender)[1]


@lru_cache(maxsize=64)  # asked once per recipient for the same few senders; parsing is not free
def sender_domain(sender: str) -> str:
    """The domain of a 'Name <address>' sender."""
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def build_mime(message: OutgoingMessage, now: datetime, message_id: str | None = None) -> EmailMessage:
    """A multipart/alternative message with text and HTML parts and every header the message carries."""
    mime = EmailMessage()
    mime["From"] = message.sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(now)
    mime["Message-ID"] = message_id or make_msgid(domain=sender_domain(message.sender))
    for name, value in message.headers:
        mime[name] = value
    mime.set_content(message.text)
    mime.add_alternative(message.html, subtype="html")
    return mime
