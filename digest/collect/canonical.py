"""Canonical article URLs, so the same article found twice is recognised as one."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan.clean import TRACKERS_RE

# Trackers that real feeds add and courlan's list does not know: WebTrends (heise), the Guardian's
# CMP, the BBC's comScore (ns_) and AT Internet (at_) tags, and the usual campaign prefixes.
TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "ns_", "at_", "wt_", "wt.", "itm_", "mtm_", "hsa_", "_hs", "oly_")
TRACKING_PARAMS = frozenset(
    {"cmp", "cmpid", "smid", "ocid", "ito", "mkt_tok", "s_cid", "s_kwcid", "dm_i", "__twitter_impression"}
)
_TOKEN_END = re.compile(r"$|[_.\-]")


def canonical_url(url: str) -> str:
    """Normalize scheme/host case, drop tracking parameters, fragment and trailing slash."""
    # Not courlan.normalize_url: it percent-encodes paths ("/@name/post" becomes "/%40name/post"),
    # sorts the parameters and drops empty ones, so the reader's link would change for no reason.
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address keeps its brackets, or its port could not be told from it
        host = f"[{host}]"
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(key)
    ]
    path = parts.path.rstrip("/") if parts.path not in ("", "/") else ""
    return urlunsplit((scheme, host.lower(), path, urlencode(query), ""))


def is_web_url(url: str) -> bool:
    """An absolute, well-formed http(s) URL with a host: never javascript:, data:, file: or a bad port."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 -- raises ValueError on a port out of range
    except ValueError:  # also a malformed IPv6 host ("http://[::1")
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def is_tracking_param(key: str) -> bool:
    """A query parameter that only says where a click came from (utm_source, fbclid, CMP, wt_mc …).

    courlan's tracker patterns decide, read as whole words: its ``ga`` is Google Analytics' ``_ga``,
    not ``game`` or ``gallery``, and its ``ref`` is not ``reference``.
    """
    name = key.lower()
    if name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES):
        return True
    for match in TRACKERS_RE.finditer(name):
        if match.group().endswith("_") or _TOKEN_END.match(name, match.end()):
            return True
    return False
