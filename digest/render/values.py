"""Which ``values.*`` the templates use, to report one that no newsletter's [values] defines."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from digest.render.validate import Problem

_USE = re.compile(r"\bvalues\.([A-Za-z_]\w*)|\bvalues\[\s*['\"]([A-Za-z_]\w*)['\"]\s*\]")
# A value tested with `is defined` or given a `default` is optional: its block shows only when set.
_OPTIONAL = re.compile(r"\bvalues\.([A-Za-z_]\w*)\s*(?:is\s+defined|is\s+not\s+defined|\|\s*default\b)")


def template_files(folders: Sequence[Path]) -> dict[str, Path]:
    """Every template by name, as the loader finds it (the first folder that has it wins)."""
    found: dict[str, Path] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*.j2")) if folder.is_dir() else []:
            found.setdefault(path.relative_to(folder).as_posix(), path)
    return found


def undefined_values(folders: Sequence[Path], defined: Iterable[str]) -> list[Problem]:
    """Each template line that uses a value no newsletter defines (and does not test for it first)."""
    known = sorted(set(defined))
    texts = {name: path.read_text(encoding="utf-8") for name, path in template_files(folders).items()}
    # Tested in one file (the layout) and used in another (the partial it includes): still optional.
    optional = {key for text in texts.values() for key in _OPTIONAL.findall(text)}
    problems = []
    for name, text in texts.items():
        for number, line in enumerate(text.splitlines(), start=1):
            for found in _USE.finditer(line):
                key = found.group(1) or found.group(2)
                if key not in known and key not in optional:
                    problems.append(Problem(name, number, f"Value 'values.{key}': no newsletter defines it",
                                            _hint(key, known)))  # fmt: skip
    return problems


def _hint(key: str, known: list[str]) -> str:
    guesses = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    guess = f"did you mean values.{guesses[0]}? " if guesses else ""
    where = f"defined: {', '.join(known)}" if known else "no [values] are defined"
    return f"{guess}set it in [values] or [newsletters.NAME.values] ({where})"
