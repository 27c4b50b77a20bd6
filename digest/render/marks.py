"""Source marks: each MJML tag a template writes carries its template file and line through Jinja.

Jinja's output has lost where its lines came from (includes, loops, trimmed blocks). A preprocessing
step writes ``data-digest-src="FILE:LINE"`` into every ``<mj-…>`` opening tag of a template's source
before Jinja compiles it; the MJML checks read the marks, and ``unmarked`` takes them out again before
the MJML is compiled, so the email is byte for byte what it was without them.
"""

from __future__ import annotations

import bisect
import re

from jinja2.ext import Extension

MARK = "data-digest-src"
_TAG_START = re.compile(r"<(mjml|mj-[\w-]+)(?=[\s/>])")
_MARKED = re.compile(rf' {MARK}="([^"]*):(\d+)"')


def marked(source: str, name: str) -> str:
    """A template's source with its file name and line written into each MJML opening tag."""
    starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def mark(found: re.Match[str]) -> str:
        line = bisect.bisect_right(starts, found.start())
        return f'{found.group(0)} {MARK}="{name}:{line}"'

    return _TAG_START.sub(mark, source)


def unmarked(text: str) -> str:
    """Rendered MJML without the marks (what the template would have rendered without them)."""
    return _MARKED.sub("", text) if MARK in text else text


def mark_before(text: str, position: int) -> tuple[str, int] | None:
    """The template file and line of the last marked tag that starts before ``position``."""
    found = None
    for match in _MARKED.finditer(text, 0, position):
        found = match
    return (found.group(1), int(found.group(2))) if found else None


def parse_mark(value: str) -> tuple[str, int] | None:
    """The (file, line) of a mark's value 'FILE:LINE'."""
    name, _, line = value.rpartition(":")
    return (name, int(line)) if name and line.isdigit() else None


class SourceMarks(Extension):
    """The Jinja extension that marks MJML templates as they are loaded (not the text part)."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        """Mark every template except plain-text ones."""
        if name is None or name.endswith(".txt.j2"):
            return source
        return marked(source, name)
