"""The clip budget: shorten an issue until its HTML fits under Gmail's clipping size, and say how."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from digest.models import Issue, Section

Measure = Callable[[Issue], int]


def fit(issue: Issue, size_of: Measure, limit: int) -> tuple[Issue, str]:
    """The issue shortened until ``size_of(issue) <= limit``, and a note saying what was done.

    First the lowest-ranked teasers (the last shown) keep one paragraph each; if that is not enough,
    the last teasers move into a compact "more this week" list of links. The lead always stays.
    """
    count = len(issue.teasers)
    if size_of(issue) <= limit or count == 0:
        return issue, ""
    trims = _smallest(lambda k: size_of(_trim(issue, k)) <= limit, count)
    if trims is not None:
        return _trim(issue, trims), f"shortened the last {trims} teasers to one paragraph"
    trimmed = _trim(issue, count)
    moves = _smallest(lambda m: size_of(_move(trimmed, m)) <= limit, count - 1)
    if moves is None:
        moves = count - 1
    note = f"shortened every teaser to one paragraph and moved {moves} articles to the list of links"
    return _move(trimmed, moves), note


def _smallest(fits: Callable[[int], bool], most: int) -> int | None:
    """The smallest n in 1..most for which fits(n) holds (fits grows with n), by bisection."""
    if most < 1 or not fits(most):
        return None
    low, high = 1, most
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _trim(issue: Issue, count: int) -> Issue:
    """The last ``count`` teasers cut to their first paragraph."""
    urls = {t.url for t in issue.teasers[len(issue.teasers) - count :]}
    return _reshape(issue, lambda t: replace(t, paragraphs=t.paragraphs[:1]) if t.url in urls else t)


def _move(issue: Issue, count: int) -> Issue:
    """The last ``count`` teasers taken out of their sections and listed as links instead."""
    if count == 0:
        return issue
    moved = issue.teasers[len(issue.teasers) - count :]
    urls = {t.url for t in moved}
    shortened = _reshape(issue, lambda t: None if t.url in urls else t)
    return replace(shortened, more=(*moved, *issue.more))


def _reshape(issue: Issue, change: Callable[..., object]) -> Issue:
    sections = []
    for section in issue.sections:
        teasers = tuple(t for t in (change(t) for t in section.teasers) if t is not None)
        if teasers:
            sections.append(Section(section.title, teasers))  # type: ignore[arg-type]
    return replace(issue, sections=tuple(sections))
