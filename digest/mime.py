"""Build the MIME message (multipart/alternative, list headers) for one outgoing message."""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from digest.models import OutgoingMessage

# Long headers are folded at spaces up to RFC 5322's hard limit rather than turned into encoded
# words: List-Unsubscribe must stay literal for mail clients to act on it.
WIRE_POLICY = policy.default.clone(max_line_length=998)


def serialize(mime: EmailMessage) -> bytes:
    """The message as bytes, ready to store or hand to an SMTP server."""
    return mime.as_bytes(policy=WIRE_POLICY)


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
