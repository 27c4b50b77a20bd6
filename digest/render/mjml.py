"""MJML → HTML with mjml-python, includes kept inside the template folders, errors mapped to lines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import mjml

from digest.errors import TemplateError
from digest.render.personal import carried, restored

if TYPE_CHECKING:
    from mjml import IncludeLoader

_POSITION = re.compile(r"at position (\d+):(\d+)")


def compile_mjml(source: str, template: str, folders: Sequence[Path] = ()) -> str:
    """Compile MJML to HTML; an error names the template file and line when it can be found.

    Comments are dropped, except the marks around the personal lines (render.personal), which the
    archive needs to find them.
    """
    try:
        html = str(
            mjml.mjml2html(carried(source), disable_comments=True, include_loader=include_loader(folders))
        )
    except ValueError as exc:
        raise _located(str(exc), source, template, folders) from None
    return restored(html)


def include_loader(folders: Sequence[Path]) -> IncludeLoader:
    """An mj-include loader that reads only files inside the template folders."""
    roots = [f.resolve() for f in folders]

    def load(path: str) -> str:
        for root in roots:
            candidate = (root / path).resolve()
            if root in candidate.parents and candidate.is_file():
                return candidate.read_text(encoding="utf-8")
        raise ValueError(f"mj-include '{path}' is not a file inside the template folders")

    return load


def _located(reason: str, source: str, template: str, folders: Sequence[Path]) -> TemplateError:
    match = _POSITION.search(reason)
    if not match:
        return TemplateError(template, None, f"MJML error: {reason}")
    line, column = line_and_column(source, int(match.group(1)))
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
