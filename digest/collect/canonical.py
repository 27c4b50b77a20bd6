"""Canonical article URLs, so the same article found twice is recognised as one; and the addresses a
page may give for its article and its picture."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

from courlan import extract_domain
from courlan.clean import TRACKERS_RE

from digest.collect.guard import kind_of

# Trackers that real feeds add and courlan's list does not know: WebTrends (heise), the Guardian's
# CMP, the BBC's comScore (ns_) and AT Internet (at_) tags, and the usual campaign prefixes.
TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "ns_", "at_", "wt_", "wt.", "itm_", "mtm_", "hsa_", "_hs", "oly_")
TRACKING_PARAMS = frozenset(
    {"cmp", "cmpid", "smid", "ocid", "ito", "mkt_tok", "s_cid", "s_kwcid", "dm_i", "__twitter_impression"}
)
_TOKEN_END = re.compile(r"$|[_.\-]")
# The longest address a sitemap may list; real article and image addresses are a few hundred long.
MAX_URL = 2_048
# What a URL may not hold as it is (white space, quotes, angle brackets...): a page may write it in a
# link, and browsers percent-encode it; left as it is, a plain-text email would show two links.
_UNSAFE_IN_URL = re.compile(r'[\s"<>`{}|\\^]')
# A host whose last label is a number is an IPv4 address to a browser (WHATWG URL: "ends in a number").
_IPV4_NUMBER = re.compile(r"\d+|0[xX][0-9a-fA-F]*")


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
    path = parts.path.rstrip("/") if parts.path not in ("", "/") else ""
    return urlunsplit((scheme, host.lower(), path, _kept_query(parts.query), ""))


def _kept_query(query: str) -> str:
    """The query without its tracking parameters, each written as urlencode writes it; a parameter
    without "=" stays so (SPIP's "spip.php?article8532", which "?article8532=" is not)."""
    kept = []
    for piece in query.split("&"):
        pairs = parse_qsl(piece, keep_blank_values=True)
        if not pairs or is_tracking_param(pairs[0][0]):
            continue
        kept.append(urlencode(pairs) if "=" in piece else quote_plus(pairs[0][0]))
    return "&".join(kept)


def is_web_url(url: str) -> bool:
    """An absolute, well-formed http(s) URL with a host: never javascript:, data:, file: or a bad port."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 -- raises ValueError on a port out of range
    except ValueError:  # also a malformed IPv6 host ("http://[::1")
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def is_page_link(url: str, page: str) -> bool:
    """A web address a page may name (its canonical link, its image) for a newsletter to show.

    Not one that hides its host behind a user name ("https://news.example@evil.example/"), is
    longer than MAX_URL, or names a loopback, private or link-local host unless the page itself is on
    it: the email would send every reader's mail program to an address on the reader's own network.
    """
    if len(url) > MAX_URL or not is_web_url(url):
        return False
    parts = urlsplit(url.strip())
    if "@" in parts.netloc or _UNSAFE_IN_URL.search(parts.netloc):
        return False
    host = _host(url)
    return host == _host(page) or _is_public_host(host)


def escaped_url(url: str) -> str:
    """An address with what a URL may not hold as it is (a space, a quote, "<") percent-encoded.

    Only its path, query and fragment: a host that holds any of it is no host (is_page_link).
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # a malformed IPv6 host: is_page_link refuses it as it is
        return url
    path, query, fragment = (_escaped(part) for part in (parts.path, parts.query, parts.fragment))
    return urlunsplit((parts.scheme, parts.netloc, path, query, fragment))


def _escaped(part: str) -> str:
    return _UNSAFE_IN_URL.sub(lambda match: quote(match.group(), safe=""), part)


def _is_public_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        address = _ip_literal(host)
    except ValueError:  # an address that browsers refuse, or read otherwise than Python
        return False
    # A name may resolve anywhere; only what the address itself says is judged here.
    return address is None or kind_of(address) is None


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host names, read as browsers read it ("127.1", "0x7f000001"); None for a name."""
    if ":" in host:
        return ipaddress.IPv6Address(host.partition("%")[0])
    parts = host.split(".")
    if not _IPV4_NUMBER.fullmatch(parts[-1]):
        return None
    if len(parts) > 4:
        raise ValueError(host)
    *front, back = [_ipv4_number(part) for part in parts]
    if any(n > 255 for n in front) or back >= 256 ** (5 - len(parts)):
        raise ValueError(host)
    return ipaddress.IPv4Address(back + sum(n << 8 * (3 - i) for i, n in enumerate(front)))


def _ipv4_number(part: str) -> int:
    """One part of an IPv4 host as browsers read it: decimal, 0x hexadecimal, or octal with a 0."""
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    return int(part, 8) if len(part) > 1 and part.startswith("0") else int(part)


def file_name(url: str) -> str:
    """The last segment of an address's path ("ferry-1200x800.jpg"): what names a picture across its sizes."""
    return urlsplit(url).path.rsplit("/", 1)[-1]


def same_site(url: str, other: str) -> bool:
    """Whether two addresses are on one site: one registrable domain (example.co.uk), else one host.

    ``www.`` and ``m.`` hosts of a domain are one site; a blog on a shared host (name.github.io) is its own.
    """
    return _site(url) == _site(other)


def _site(url: str) -> str:
    return extract_domain(url) or _host(url).removeprefix("www.")


def _host(url: str) -> str:
    """A URL's host name, lower case and without a final dot; "" when it has none it can say."""
    try:
        return (urlsplit(url.strip()).hostname or "").rstrip(".")
    except ValueError:  # a malformed IPv6 host
        return ""


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
