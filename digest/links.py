"""The public links each message carries: signed unsubscribe URL and mailto, web version."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from digest.mime import sender_domain
from digest.tokens import make_token


@dataclass(frozen=True, slots=True)
class Links:
    """Makes a recipient's links from the public URL and the signing secret."""

    public_url: str
    secret: str
    sender: str

    def unsubscribe_url(self, list_name: str, subscriber_id: int, email: str) -> str:
        """The one-click unsubscribe URL (RFC 8058): the token is the only credential."""
        return f"{self.public_url}/u/{make_token(self.secret, list_name, subscriber_id, email)}"

    def unsubscribe_mailto(self, list_name: str, subscriber_id: int, email: str) -> str:
        """The mailto: alternative for clients that do not POST."""
        token = make_token(self.secret, list_name, subscriber_id, email)
        address = f"unsubscribe@{sender_domain(self.sender)}"
        return f"mailto:{address}?subject={quote('unsubscribe ' + token)}"

    def web_url(self, issue_id: str) -> str:
        """Where the issue's web version is published."""
        return f"{self.public_url}/archive/{quote(issue_id)}/"
