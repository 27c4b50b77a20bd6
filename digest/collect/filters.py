"""Per-source include/exclude rules: ``category:NAME`` or ``url:PATTERN`` (``*`` matches anything)."""

from __future__ import annotations

from fnmatch import fnmatchcase

from digest.config import SourceConfig
from digest.models import Article


def matches(rule: str, article: Article) -> bool:
    """Whether one rule matches an article (categories compare without regard to case)."""
    kind, _, value = rule.partition(":")
    value = value.strip()
    if kind == "category":
        wanted = value.casefold()
        return any(c.casefold() == wanted for c in (*article.categories, article.section))
    return fnmatchcase(article.url, value)


def rejected_by(source: SourceConfig, article: Article) -> str | None:
    """Why the source's filters leave an article out, or None when they keep it."""
    if source.include and not any(matches(rule, article) for rule in source.include):
        return f"filtered: matches none of include = {source.include}"
    for rule in source.exclude:
        if matches(rule, article):
            return f"filtered: exclude '{rule}'"
    return None
