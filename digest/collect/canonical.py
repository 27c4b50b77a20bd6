"""Canonical article URLs, so the same article found twice is recognised as one."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that only track where a click came from; they never change the article.
TRACKING_PREFIXES = ("utm_", "mc_", "pk_")
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "igshid", "ref", "ref_src"})


def canonical_url(url: str) -> str:
    """Normalize scheme/host case, drop tracking parameters, fragment and trailing slash."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMS and not key.lower().startswith(TRACKING_PREFIXES)
    ]
    path = parts.path.rstrip("/") if parts.path not in ("", "/") else ""
    return urlunsplit((scheme, host.lower(), path, urlencode(query), ""))
