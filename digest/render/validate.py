"""MJML checks on the rendered (marked) MJML: tags, attributes, values, parents, unclosed tags.

Each problem names the template file and line its tag came from (see marks.py) and, where one is
close, the name the editor probably meant. Structure problems (a tag never closed, a closing tag with
no opening one) are fatal: MJML cannot compile them. The others are checks MJML itself does not make
(mjml-python writes an unknown tag into the email as it is and ignores an unknown attribute).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from digest.render.marks import MARK, mark_before, marked, parse_mark
from digest.render.rules import Component, Rules, rules, value_problem

_TOKEN = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>"
    r"|<(?P<close>/?)(?P<tag>[A-Za-z][\w:-]*)"
    r"(?P<attrs>(?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*(?P<end>/?)>",
    re.S,
)
_ATTR = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in the MJML: where it came from, what is wrong, and what was probably meant."""

    template: str
    line: int | None
    reason: str
    hint: str | None = None
    fatal: bool = False

    def described(self) -> str:
        """The problem on one line: file, line, what is wrong and the likely fix."""
        where = f"Template '{self.template}'" + (f" line {self.line}" if self.line else "")
        return f"{where}: {self.reason}" + (f" ({self.hint})" if self.hint else "")


@dataclass(slots=True)
class _Open:
    tag: str
    where: tuple[str, int] | None
    component: Component | None


@dataclass(slots=True)
class _Walk:
    text: str
    default: str
    table: Rules = field(default_factory=rules)
    stack: list[_Open] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    include: Callable[[str], str] | None = None  # reads an mj-include'd file (mjml.include_loader)
    depth: int = 0  # how many mj-includes deep this file is

    def report(
        self, where: tuple[str, int] | None, reason: str, hint: str | None = None, fatal: bool = False
    ) -> None:
        template, line = where if where else (self.default, None)
        self.problems.append(Problem(template, line, reason, hint, fatal))


def check_mjml(text: str, template: str, include: Callable[[str], str] | None = None) -> list[Problem]:
    """Every problem in marked MJML, in document order; ``template`` names it where no mark does.

    ``include`` reads the files that ``<mj-include path="…">`` names: each is checked too, in the
    place it is included, its problems named by its own path and line.
    """
    walk = _Walk(text, template, include=include)
    _scan(walk)
    return walk.problems


def _scan(walk: _Walk, floor: int = 0) -> None:
    """Check every tag of ``walk.text``; tags left open above ``floor`` are reported as never closed."""
    text, position = walk.text, 0
    while match := _TOKEN.search(text, position):
        position = match.end()
        if not match.group("tag"):
            continue  # a comment or CDATA
        if match.group("close"):
            _close(walk, match)
        else:
            position = _open(walk, match)
    for left in reversed(walk.stack[floor:]):
        walk.report(
            left.where, f"Tag '<{left.tag}>' is never closed", f"add </{left.tag}> where it ends", True
        )
        break  # the innermost one: the outer ones are usually its consequence


_MAX_INCLUDE_DEPTH = 8


def _included(
    walk: _Walk, attrs: dict[str, str], parent: _Open | None, where: tuple[str, int] | None
) -> None:
    """Check the MJML file an mj-include names, as a part of the document where it is included."""
    path = attrs.get("path", "")
    if walk.include is None or not path or attrs.get("type", "mjml") != "mjml":
        return
    if walk.depth >= _MAX_INCLUDE_DEPTH:
        walk.report(where, f"mj-include '{path}' is nested more than {_MAX_INCLUDE_DEPTH} deep", None, True)
        return
    try:
        source = walk.include(path)
    except (ValueError, OSError) as exc:
        walk.report(where, str(exc), "name a file inside the template folders, relative to them", True)
        return
    whole = source.lstrip().startswith("<mjml")  # a whole document: MJML takes its body's content
    stack = [] if whole or parent is None else [parent]
    inner = _Walk(marked(source, path), path, walk.table, stack, include=walk.include, depth=walk.depth + 1)
    _scan(inner, floor=len(stack))
    walk.problems.extend(inner.problems)


def _open(walk: _Walk, match: re.Match[str]) -> int:
    """Check an opening tag; return where scanning goes on (after the content of an HTML-holding tag)."""
    tag, attrs = match.group("tag"), _attributes(match.group("attrs"))
    where = parse_mark(attrs.pop(MARK, "")) or mark_before(walk.text, match.start())
    component = walk.table.components.get(tag)
    parent = walk.stack[-1] if walk.stack else None
    if component is None:
        _unknown_tag(walk, tag, parent, where)
    else:
        _check_parent(walk, component, parent, where)
        _check_attributes(walk, component, attrs, where, parent)
        if tag == "mj-include":
            _included(walk, attrs, parent, where)
    if match.group("end"):
        return match.end()
    if component is None or component.raw:
        return _skip_content(walk, tag, match.end(), where)
    walk.stack.append(_Open(tag, where, component))
    return match.end()


def _close(walk: _Walk, match: re.Match[str]) -> None:
    tag = match.group("tag")
    open_tags = [o.tag for o in walk.stack]
    if tag not in open_tags:
        where = mark_before(walk.text, match.start())
        walk.report(
            where, f"Closing tag '</{tag}>' has no opening tag", "remove it, or open the tag first", True
        )
        return
    while walk.stack[-1].tag != tag:
        left = walk.stack.pop()
        walk.report(
            left.where, f"Tag '<{left.tag}>' is not closed before '</{tag}>'", f"add </{left.tag}>", True
        )
    walk.stack.pop()


def _skip_content(walk: _Walk, tag: str, start: int, where: tuple[str, int] | None) -> int:
    """Past the HTML content of a tag such as mj-text; a component inside it means it was never closed."""
    closing = re.compile(rf"</{re.escape(tag)}\s*>")
    end = closing.search(walk.text, start)
    inner = walk.text.find(MARK, start, end.start() if end else len(walk.text))
    if end is None or inner >= 0:
        walk.report(where, f"Tag '<{tag}>' is never closed", f"add </{tag}> at the end of its content", True)
        return walk.text.rfind("<", start, inner) if inner >= 0 else len(walk.text)
    return end.end()


def _unknown_tag(walk: _Walk, tag: str, parent: _Open | None, where: tuple[str, int] | None) -> None:
    if tag.startswith("mj"):
        guess = walk.table.similar_tag(tag)
        hint = f"did you mean {guess}?" if guess else "see https://documentation.mjml.io/ for the components"
        walk.report(where, f"Unknown MJML tag '<{tag}>': MJML has no such component", hint)
        return
    inside = parent.tag if parent else "the document"
    walk.report(where, f"HTML tag '<{tag}>' inside {inside}: MJML shows HTML only inside mj-text or mj-raw",
                "wrap it in <mj-text> … </mj-text>")  # fmt: skip


def _check_parent(
    walk: _Walk, component: Component, parent: _Open | None, where: tuple[str, int] | None
) -> None:
    tag = component.name
    if parent is None:
        if tag != "mjml":
            walk.report(where, f"Tag '<{tag}>' is outside <mjml>", "the document starts with <mjml>")
        return
    if parent.component is None or tag in walk.table.everywhere or "*" in parent.component.children:
        return
    if tag not in parent.component.children:
        places = ", ".join(walk.table.parents_of(tag)) or "nothing"
        walk.report(where, f"Tag '<{tag}>' cannot be inside <{parent.tag}>", f"<{tag}> goes inside: {places}")


def _check_attributes(
    walk: _Walk,
    component: Component,
    attrs: dict[str, str],
    where: tuple[str, int] | None,
    parent: _Open | None,
) -> None:
    defaults = parent is not None and parent.tag == "mj-attributes"  # defaults for every tag of that name
    for name, value in attrs.items():
        if defaults and name == "name" and component.name != "mj-class":
            continue
        kind = component.attribute_type(name)
        if kind is None:
            guesses = difflib.get_close_matches(name, list(component.attributes), n=1, cutoff=0.6)
            hint = (
                f"did you mean {guesses[0]}?" if guesses else f"{component.name} takes: {_listed(component)}"
            )
            walk.report(
                where, f"Attribute '{name}' of <{component.name}>: not an attribute of {component.name}", hint
            )
            continue
        why = value_problem(kind, value)
        if why:
            walk.report(where, f'Attribute {name}="{value}" of <{component.name}>: the value {why}')


def _listed(component: Component) -> str:
    names = sorted(n for n in component.attributes if n != "*")
    return ", ".join(names) if names else "no attributes"


def _attributes(text: str) -> dict[str, str]:
    found = {}
    for match in _ATTR.finditer(text):
        name = match.group(1)
        found[name] = next((g for g in match.groups()[1:] if g is not None), "")
    return found
