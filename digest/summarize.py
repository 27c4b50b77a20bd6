"""Summarize stage: each article's own lede, boilerplate-free, cut only at sentence ends."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from digest.config import TeaserConfig
from digest.models import Article, Problem, Teaser

ELLIPSIS = "…"

# Paragraphs that are page furniture, not the author's text. Each pattern names why it is dropped.
_BOILERPLATE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern))
    for reason, pattern in (
        ("image credit", r"(?i)^(?:top\s+)?(?:image|photo|picture|illustration)?\s*credits?\s*:"),
        ("image credit", r"(?i)^(?:photo(?:graph)?|illustration|image|picture)s?\s*(?:by\b|:)"),
        ("image credit", r"(?i)^\(?(?:getty images|ap photo|reuters|afp|epa)\b.{0,80}$"),
        ("image credit", r"(?i)\((?:getty images|ap photo[^)]*|reuters|afp via getty images)\)$"),
        ("byline", r"^[Bb]y\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}(?:,\s*[A-Z][\w ]{0,40})?$"),
        ("subscribe prompt", r"(?i)^(?=.{0,300}$).*\b(?:subscribe|sign up|sign-up)\b"),
        ("share prompt", r"(?i)^(?:share(?: this\b| on\b| via\b|:|$)|follow us\b|tweet this\b)"),
        ("related links", r"(?i)^(?:related|read more|see also|more on this|recommended)\s*:"),
        ("continue reading", r"(?i)^(?:continue|keep) reading\b"),
        ("advertisement", r"(?i)^(?:advertisement|sponsored|ad)$"),
        ("cookie notice", r"(?i)\bcookies?\b.{0,120}\b(?:agree|consent|accept|experience)\b"),
    )
)
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "sr",
        "jr",
        "gen",
        "sen",
        "rep",
        "gov",
        "lt",
        "col",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mt",
        "ft",
        "ave",
        "blvd",
        "dept",
        "est",
        "approx",
        "fig",
    ]
)
_CLOSERS = "\"'\u201d\u2019)\\]"
_OPENERS = "\"'\u201c\u2018(\\["
_SENTENCE_END = re.compile(rf"[.!?…][{_CLOSERS}]*(?=\s+[{_OPENERS}]?[A-Z0-9])")
_MIN_FRAGMENT_WORDS = 8


def summarize(articles: Sequence[Article], settings: TeaserConfig) -> list[Teaser]:
    """Write a "keep reading" teaser for each article, learning site boilerplate from all of them."""
    repeated = _repeated_paragraphs(articles)
    return [teaser(article, settings, repeated) for article in articles]


def teaser(article: Article, settings: TeaserConfig, repeated: frozenset[str] = frozenset()) -> Teaser:
    """Write one article's teaser: its first real paragraphs within the word budget."""
    candidates = article.paragraphs or _split_summary(article.summary)
    kept, dropped = _body_paragraphs(article, candidates, repeated)
    paragraphs, truncated = pick_lede(kept, settings.min_words, settings.max_words)
    return Teaser(
        url=article.url,
        title=article.title,
        section=article.section or "More",
        paragraphs=paragraphs,
        published=article.published,
        author=article.author,
        image_url=article.image_url,
        image_alt=article.image_alt or article.image_caption or article.title,
        image_credit=article.image_credit if article.image_url else "",
        truncated=truncated,
        dropped=tuple(dropped),
    )


def _split_summary(summary: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"\n\s*\n", summary) if p.strip())


def _body_paragraphs(
    article: Article, candidates: Sequence[str], repeated: frozenset[str]
) -> tuple[list[str], list[Problem]]:
    kept: list[str] = []
    dropped: list[Problem] = []
    echoes = {_key(t) for t in (article.title, article.image_caption, article.image_credit) if t}
    for text in candidates:
        reason = boilerplate_reason(text)
        if reason is None and _key(text) in echoes:
            reason = "repeats the title or image caption"
        if reason is None and _key(text) in repeated:
            reason = "repeats on other pages of the site"
        if reason is None and not kept and article.paragraphs and _echoes_summary(text, article.summary):
            reason = "repeats the summary line"
        if reason:
            dropped.append(Problem(text, reason))
        else:
            kept.append(text)
    return kept, dropped


def boilerplate_reason(text: str) -> str | None:
    """Why a paragraph is not body text, or None when it is."""
    for reason, pattern in _BOILERPLATE:
        if pattern.search(text):
            return reason
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return "all-caps label"
    if len(text.split()) < _MIN_FRAGMENT_WORDS and not text.rstrip().endswith((".", "?", "!")):
        return "short fragment"
    return None


def _echoes_summary(text: str, summary: str) -> bool:
    """A short first paragraph that is just the feed's summary line (the dek) again."""
    return bool(summary) and _key(text) == _key(summary) and len(text.split()) < 40


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def _repeated_paragraphs(articles: Sequence[Article]) -> frozenset[str]:
    """Paragraphs that appear on several pages of the issue are the site's, not an author's."""
    if len(articles) < 3:
        return frozenset()
    counts = Counter(key for a in articles for key in {_key(p) for p in a.paragraphs})
    threshold = max(3, len(articles) // 4)
    return frozenset(key for key, count in counts.items() if count >= threshold)


def pick_lede(paragraphs: Sequence[str], min_words: int, max_words: int) -> tuple[tuple[str, ...], bool]:
    """Whole paragraphs until min_words without passing max_words; else cut at a sentence end."""
    chosen: list[str] = []
    words = 0
    for paragraph in paragraphs:
        count = len(paragraph.split())
        if words + count <= max_words:
            chosen.append(paragraph)
            words += count
            if words >= min_words:
                break
            continue
        if not chosen:
            return (cut_at_sentence(paragraph, max_words),), True
        break
    return tuple(chosen), False


def cut_at_sentence(text: str, max_words: int) -> str:
    """The longest run of whole sentences within max_words (at least one sentence), plus '…'."""
    best = None
    for end in sentence_ends(text):
        head = text[:end]
        if len(head.split()) > max_words:
            break
        if _balanced(head):
            best = head
    if best is None:
        ends = sentence_ends(text)
        best = text[: ends[0]] if ends else text
    return best if best == text else f"{best} {ELLIPSIS}"


def sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence end; abbreviations, initials and decimals are not ends."""
    ends = []
    for match in _SENTENCE_END.finditer(text):
        if text[match.start()] == "." and _is_abbreviation(text, match.start()):
            continue
        ends.append(match.end())
    return ends


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([\w.]+)$", text[:dot])
    if not word:
        return False
    token = word.group(1)
    if "." in token:  # U.S., e.g., a.m.
        return True
    return token.lower() in _ABBREVIATIONS or (len(token) == 1 and token.isupper())


def _balanced(text: str) -> bool:
    """No dangling quote or parenthesis at the cut."""
    pairs = (("(", ")"), ("“", "”"), ("[", "]"))
    if any(text.count(a) != text.count(b) for a, b in pairs):
        return False
    return text.count('"') % 2 == 0
