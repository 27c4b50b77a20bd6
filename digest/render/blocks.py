"""Jinja blocks left open: the line where an ``{% if %}`` or ``{% for %}`` that was never closed starts.

Jinja reports such a mistake where it noticed it (the end of the file, or a wrong ``{% end… %}``);
editors need the line that opened the block.
"""

from __future__ import annotations

import jinja2

_BLOCKS = frozenset({"if", "for", "macro", "call", "filter", "block", "with", "autoescape", "trans", "set"})


def open_block(env: jinja2.Environment, source: str) -> tuple[str, int] | None:
    """The innermost block still open where the nesting breaks (a wrong end tag or the end of the file)."""
    try:
        tokens = [(line, kind, value) for line, kind, value in env.lex(source) if kind != "whitespace"]
    except jinja2.TemplateSyntaxError:
        return None
    stack: list[tuple[str, int]] = []
    for index, (line, kind, value) in enumerate(tokens):
        if kind != "name" or index == 0 or tokens[index - 1][1] != "block_begin":
            continue
        if value in _BLOCKS and not (value == "set" and _assigns(tokens, index)):
            stack.append((value, line))
        elif value.startswith("end") and stack:
            if stack[-1][0] != value[3:]:
                break  # a wrong end tag: the block on top is the one left open
            stack.pop()
    return stack[-1] if stack else None


def _assigns(tokens: list[tuple[int, str, str]], index: int) -> bool:
    """Whether a ``{% set %}`` is the one-line form (``set x = …``), which needs no ``endset``."""
    for _, kind, value in tokens[index + 1 :]:
        if kind == "block_end":
            return False
        if kind == "operator" and value == "=":
            return True
    return False
