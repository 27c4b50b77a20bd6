"""Which recipient fields a template tests in ``{% if %}``, read from the templates' syntax trees.

Only tests digest can compile ahead of time are allowed: a field alone (``{% if recipient.first_name
%}``), ``not``, ``and``/``or``, and a comparison with strings (``==``, ``!=``, ``in ["a", "b"]``). Any
other use of a recipient field inside a test (a filter, a method, a substring test) is refused with
its file and line: its outcome depends on the whole value, so it could only be compiled per recipient.
"""

from __future__ import annotations

from collections.abc import Iterator

import jinja2
from jinja2 import meta, nodes

from digest.errors import TemplateError
from digest.personalize import ATTRIBUTE
from digest.render.templates import source_line
from digest.variants import Condition

_FIELDS = ("name", "first_name")  # the recipient fields besides attributes that can be empty
_STRING_TESTS = ("eq", "ne", "in", "notin")


def conditions(env: jinja2.Environment, names: tuple[str, ...]) -> tuple[Condition, ...]:
    """The recipient fields the named templates (and every template they include) test, in order."""
    found: dict[str, set[str]] = {}
    for name, tree in _trees(env, names):
        for test in _tests(tree):
            _read(test, found, env, name)
    return tuple(Condition(field, tuple(sorted(found[field]))) for field in sorted(found))


def _trees(env: jinja2.Environment, names: tuple[str, ...]) -> Iterator[tuple[str, nodes.Template]]:
    """Each template's syntax tree, following include, import and extends by name."""
    waiting, seen = list(names), set()
    while waiting:
        name = waiting.pop()
        if name in seen or env.loader is None:
            continue
        seen.add(name)
        try:
            source, filename, _ = env.loader.get_source(env, name)
            tree = env.parse(source, name, filename)
        except (jinja2.TemplateNotFound, jinja2.TemplateSyntaxError):
            continue  # the render that follows reports it, with its line
        yield name, tree
        waiting.extend(n for n in meta.find_referenced_templates(tree) if n)


def _tests(tree: nodes.Template) -> Iterator[nodes.Expr]:
    for node in tree.find_all((nodes.If, nodes.CondExpr, nodes.For)):
        test = getattr(node, "test", None)
        if isinstance(test, nodes.Expr):
            yield test


def field_of(node: nodes.Node) -> str | None:
    """The placeholder field a node reads (``attr:plan``, ``first_name``), or None."""
    if isinstance(node, nodes.Getattr) and _is_recipient(node.node) and node.attr in _FIELDS:
        return node.attr
    holder = getattr(node, "node", None)
    if isinstance(holder, nodes.Getattr) and holder.attr == "attributes" and _is_recipient(holder.node):
        if isinstance(node, nodes.Getattr):
            return ATTRIBUTE + node.attr
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            return ATTRIBUTE + str(node.arg.value)
    return None


def _is_recipient(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Name) and node.name == "recipient"


def _read(test: nodes.Node, found: dict[str, set[str]], env: jinja2.Environment, template: str) -> None:
    """Record the fields one test reads, or refuse a use that cannot be compiled ahead."""
    if (field := field_of(test)) is not None:
        found.setdefault(field, set())
    elif isinstance(test, nodes.Not):
        _read(test.node, found, env, template)
    elif isinstance(test, nodes.And | nodes.Or):
        _read(test.left, found, env, template)
        _read(test.right, found, env, template)
    elif isinstance(test, nodes.Compare) and (compared := _compared(test)) is not None:
        field, literals = compared
        found.setdefault(field, set()).update(literals)
    elif (inside := _first_field(test)) is not None:
        field, node = inside
        raise _refused(field, node, env, template)


def _compared(test: nodes.Compare) -> tuple[str, list[str]] | None:
    """(field, strings) for ``field == "a"``, ``"a" != field``, ``field in ["a", "b"]``; else None."""
    if len(test.ops) != 1 or test.ops[0].op not in _STRING_TESTS:
        return None
    left, op, right = test.expr, test.ops[0].op, test.ops[0].expr
    if op in ("eq", "ne") and field_of(right) is not None:
        left, right = right, left
    field = field_of(left)
    if field is None:
        return None
    if op in ("eq", "ne") and isinstance(right, nodes.Const) and isinstance(right.value, str):
        return field, [right.value]
    if op in ("in", "notin") and isinstance(right, nodes.List | nodes.Tuple):
        items = right.items
        if all(isinstance(i, nodes.Const) and isinstance(i.value, str) for i in items):
            return field, [str(i.value) for i in items if isinstance(i, nodes.Const)]
    return None


def _first_field(test: nodes.Node) -> tuple[str, nodes.Node] | None:
    for node in test.find_all((nodes.Getattr, nodes.Getitem)):
        if (field := field_of(node)) is not None:
            return field, node
    return None


def _refused(field: str, node: nodes.Node, env: jinja2.Environment, template: str) -> TemplateError:
    label = (
        ("recipient.attributes." + field[len(ATTRIBUTE) :])
        if field.startswith(ATTRIBUTE)
        else ("recipient." + field)
    )
    return TemplateError(
        template,
        node.lineno,
        f"this test on {label} cannot be compiled ahead of the send",
        source_line(env, template, node.lineno),
        f'test {label} alone, or compare it with strings: == "x", != "x", in ["x", "y"] '
        "(one variant of the issue is compiled per value the template names)",
    )
