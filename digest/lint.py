"""Checks on a rendered issue that catch what would hurt delivery, look broken, or break the law."""

from __future__ import annotations

import html as htmllib
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import lxml.html

from digest.config import LintConfig, NewsletterConfig
from digest.models import Issue
from digest.personalize import placeholder

PLACEHOLDER_PREFIX = "%%digest:"
MAX_LISTED = 5  # name a few offenders, not hundreds


@dataclass(frozen=True, slots=True)
class LintMessage:
    """One finding: an error stops the send, a warning is reported (and fails `check --strict`)."""

    level: Literal["error", "warning"]
    message: str


def lint(
    html: str, text: str, issue: Issue, newsletter: NewsletterConfig, limits: LintConfig | None = None
) -> list[LintMessage]:
    """Every finding for a rendered issue (errors first)."""
    limits = limits or LintConfig()
    found = _size(html, limits) + _required(html, text, newsletter)
    found += _links_and_images(html)
    if len(issue.subject) > limits.max_subject:
        found.append(_warn(f"subject is {len(issue.subject)} characters (over {limits.max_subject})"))
    return sorted(found, key=lambda m: m.level != "error")


def _warn(message: str) -> LintMessage:
    return LintMessage("warning", message)


def _size(html: str, limits: LintConfig) -> list[LintMessage]:
    size = len(html.encode("utf-8"))
    if size > limits.max_kb * 1024:
        why = f"HTML is {size // 1024} KB; Gmail clips messages over {limits.max_kb} KB"
        return [LintMessage("error", why)]
    if size > limits.warn_kb * 1024:
        return [_warn(f"HTML is {size // 1024} KB, close to Gmail's clipping at {limits.max_kb} KB")]
    return []


def _required(html: str, text: str, newsletter: NewsletterConfig) -> list[LintMessage]:
    """An unsubscribe link and the sender's postal address, in both parts (CAN-SPAM, RFC 8058)."""
    found = []
    unsubscribe = placeholder("unsubscribe_url")
    address = newsletter.postal_address
    for part, body in (("HTML", html), ("text", text)):
        if unsubscribe not in body:
            found.append(LintMessage("error", f"the {part} part has no unsubscribe link"))
        if address not in body and htmllib.escape(address) not in body:
            found.append(LintMessage("error", f"the {part} part lacks the postal address '{address}'"))
    return found


def _links_and_images(html: str) -> list[LintMessage]:
    try:
        doc = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    found = _schemes(doc)
    no_alt = [img.get("src", "") for img in doc.iter("img") if not (img.get("alt") or "").strip()]
    found += [_warn(f"image without alt text: {src}") for src in no_alt[:MAX_LISTED]]
    sources = [img.get("src", "") for img in doc.iter("img")]
    webp = [s for s in sources if _is_webp(s)]
    found += [_warn(f"WebP image (Outlook cannot show it): {s}") for s in webp[:MAX_LISTED]]
    links = [a.get("href", "") for a in doc.iter("a")]
    insecure = sorted({u for u in sources + links if u.startswith("http://")})
    found += [_warn(f"insecure http:// link or image: {u}") for u in insecure[:MAX_LISTED]]
    relative = sorted({u for u in sources + links if _relative(u)})
    found += [
        _warn(f"relative link or image (use an absolute https URL): {u}") for u in relative[:MAX_LISTED]
    ]
    return found


# Where an email's HTML names a URL that a reader's client may open or load.
_URL_ATTRIBUTES = ("href", "src", "background", "action", "poster", "data")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def _schemes(doc: lxml.html.HtmlElement) -> list[LintMessage]:
    """Any link or image whose scheme is not http(s) or mailto: javascript: and data: run or hide code."""
    found = {
        url
        for element in doc.iter()
        if isinstance(element.tag, str)
        for attribute in _URL_ATTRIBUTES
        if _unsafe(url := element.get(attribute) or "")
    }
    return [
        LintMessage("error", f"link or image '{url[:80]}': only http, https and mailto URLs are allowed")
        for url in sorted(found)[:MAX_LISTED]
    ]


def _unsafe(url: str) -> bool:
    if not url or url.startswith(PLACEHOLDER_PREFIX):
        return False
    try:
        # urlsplit drops the tabs, newlines and leading controls that browsers ignore in a scheme too.
        scheme = urlsplit(url).scheme.lower()
    except ValueError:  # malformed ("http://[::1"): no client should be handed it
        return True
    return bool(scheme) and scheme not in SAFE_SCHEMES


def _is_webp(src: str) -> bool:
    lowered = src.lower()
    return urlsplit(lowered).path.endswith(".webp") or "format=webp" in lowered or "fm=webp" in lowered


def _relative(url: str) -> bool:
    if not url or url.startswith(PLACEHOLDER_PREFIX):
        return False
    return not urlsplit(url).scheme
