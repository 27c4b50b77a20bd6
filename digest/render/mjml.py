"""MJML → HTML with mjml-python, includes kept inside the template folders, errors mapped to lines."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import mjml

from digest.errors import TemplateError
from digest.render.personal import carried, restored

if TYPE_CHECKING:
    from mjml import IncludeLoader

_POSITION = re.compile(r"at position (\d+):(\d+)")
_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_VALUE = re.compile(r"=\s*(?:\"[^\"]*\"|'[^']*')")
_GARBLED = re.compile(r"[\\\t\n\r]|[^\x00-\x7f]")
# The compiler writes these characters in an attribute value as Rust escapes ("\u{200d}", "\\"): the
# backslash, tab and line ends, marks (an accent written apart, the emoji variation selector, Hindi's
# vowel signs), format characters (the joiner of a family emoji, the soft hyphen) and every space but
# the plain one. An alt text in any of those languages, or with such an emoji, reached readers garbled.
_REWRITTEN = frozenset(["Mn", "Me", "Mc", "Cc", "Cf", "Co", "Cs", "Cn", "Zs", "Zl", "Zp"])


def compile_mjml(source: str, template: str, folders: Sequence[Path] = ()) -> str:
    """Compile MJML to HTML; an error names the template file and line when it can be found.

    Comments are dropped, except the marks around the personal lines (render.personal), which the
    archive needs to find them.
    """
    sent = referenced(carried(source))
    try:
        html = str(mjml.mjml2html(sent, disable_comments=True, include_loader=include_loader(folders)))
    except ValueError as exc:
        raise _located(str(exc), source, sent, template, folders) from None
    return restored(html)


def referenced(mjml_source: str) -> str:
    """The MJML with the characters the compiler would garble in tags written as character references.

    A reference is the same character to every HTML reader, and the compiler passes it through.
    """
    return _TAG.sub(_tag_referenced, mjml_source)


def _tag_referenced(tag: re.Match[str]) -> str:
    return _VALUE.sub(_value_referenced, tag.group())


def _value_referenced(value: re.Match[str]) -> str:
    return _GARBLED.sub(_reference, value.group())


def _reference(char: re.Match[str]) -> str:
    value = char.group()
    if value.isascii() or unicodedata.category(value) in _REWRITTEN:
        return f"&#x{ord(value):x};"
    return value


def include_loader(folders: Sequence[Path]) -> IncludeLoader:
    """An mj-include loader that reads only files inside the template folders."""
    roots = [f.resolve() for f in folders]

    def load(path: str) -> str:
        for root in roots:
            candidate = (root / path).resolve()
            if root in candidate.parents and candidate.is_file():
                return referenced(candidate.read_text(encoding="utf-8"))
        raise ValueError(f"mj-include '{path}' is not a file inside the template folders")

    return load


def _located(reason: str, source: str, sent: str, template: str, folders: Sequence[Path]) -> TemplateError:
    match = _POSITION.search(reason)
    if not match:
        return TemplateError(template, None, f"MJML error: {reason}")
    line, column = line_and_column(sent, int(match.group(1)))  # what was sent has the same lines
    offending = source.splitlines()[line - 1] if source else ""
    found = find_in_templates(offending, folders)
    if found:
        return TemplateError(found[0], found[1], f"MJML error: {reason}", offending)
    return TemplateError(
        template, None, f"MJML error at rendered line {line}, column {column}: {reason}", offending
    )


def find_in_templates(line: str, folders: Sequence[Path]) -> tuple[str, int] | None:
    """The (template, line) whose text is this rendered line, when exactly one template has it."""
    wanted = line.strip()
    if not wanted:
        return None
    hits = []
    for folder in folders:
        for path in sorted(folder.rglob("*.j2")) if folder.is_dir() else []:
            for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if text.strip() == wanted:
                    hits.append((path.relative_to(folder).as_posix(), number))
        if hits:  # the first folder that has it is the one the loader used
            break
    return hits[0] if len(hits) == 1 else None


def line_and_column(text: str, byte_offset: int) -> tuple[int, int]:
    """Map an MJML byte offset (what mjml-python reports) to a 1-based line and column."""
    head = text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")
    line = head.count("\n") + 1
    return line, len(head) - (head.rfind("\n") + 1) + 1
