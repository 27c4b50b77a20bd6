"""Checks on a rendered issue that catch what would hurt delivery or break the law."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from digest.config import NewsletterConfig
from digest.models import Issue
from digest.personalize import placeholder

GMAIL_CLIP_BYTES = 102 * 1024
WARN_BYTES = 90 * 1024
MAX_SUBJECT = 78
_INSECURE = re.compile(r"""(?:href|src)\s*=\s*["'](http://[^"']+)""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LintMessage:
    """One finding: an error stops the send, a warning is reported."""

    level: Literal["error", "warning"]
    message: str


def lint(html: str, text: str, issue: Issue, newsletter: NewsletterConfig) -> list[LintMessage]:
    """Check size, unsubscribe link, postal address, insecure links and subject length."""
    found: list[LintMessage] = []
    size = len(html.encode("utf-8"))
    if size > GMAIL_CLIP_BYTES:
        found.append(LintMessage("error", f"HTML is {size // 1024} KB; Gmail clips over 102 KB"))
    elif size > WARN_BYTES:
        found.append(LintMessage("warning", f"HTML is {size // 1024} KB, close to Gmail's 102 KB clip"))
    unsubscribe = placeholder("unsubscribe_url")
    for part, body in (("HTML", html), ("text", text)):
        if unsubscribe not in body:
            found.append(LintMessage("error", f"the {part} part has no unsubscribe link"))
        if newsletter.postal_address not in body:
            found.append(LintMessage("error", f"the {part} part lacks the postal address"))
    for url in sorted(set(_INSECURE.findall(html)))[:5]:
        found.append(LintMessage("warning", f"insecure http:// link or image: {url}"))
    if len(issue.subject) > MAX_SUBJECT:
        found.append(LintMessage("warning", f"subject is {len(issue.subject)} characters (over 78)"))
    return found
