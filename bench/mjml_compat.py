"""Compatibility: compile MJML documents with mjml-python (MRML) and compare with JS mjml's output.

For each ``NAME.mjml`` in DIR (``_*.mjml`` are include partials, not documents) with a
``NAME-expected.html`` written by JS mjml, compare the two after normalizing what the Rust port is
known to do differently: whitespace, attribute and class order, empty ``class``/``style``
attributes, CSS formatting, generated ids and merged Outlook conditional comments. A looser "text
match" compares only the visible text. An expected file named ``NAME-expected.keep-comments=false.html``
is compared with comments dropped. Includes are read relative to DIR and never outside it.

    python bench/mjml_compat.py DIR [--json] [-v]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import lxml.html
import mjml
from lxml import etree

if TYPE_CHECKING:
    from mjml import IncludeLoader  # only in mjml-python's type stub

_SPACE = re.compile(r"[ \t\n\r\f]+")  # not \xa0: a non-breaking space is content
_CSS_PUNCTUATION = re.compile(r"\s*([{};:,>+~!])\s*")
_DECIMAL = re.compile(r"\d+\.\d{3,}")
_MSO_SEAM = re.compile(r"<!\[endif\]-->\s*<!--\[if mso \| IE\]>")
_ID_ATTRIBUTE = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""")
_GENERATED = re.compile(r"^[0-9a-f]{8,16}$")
_TAG_OR_TEXT = re.compile(r"<[^>]*>?|[^<]+")
_TAG = re.compile(r"<(/?)([\w:!-]+)(.*?)(/?)>$", re.S)
_ATTRIBUTE = re.compile(r"""([^\s=/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
_INVISIBLE = ("style", "script")
NO_EXPECTED = "no expected HTML, not compared"


@dataclass(frozen=True)
class Result:
    """One document's outcome: compiled or the error, and how close it came to JS mjml."""

    name: str
    error: str | None = None
    dom_match: bool = False
    text_match: bool = False
    difference: str | None = None


def include_loader(root: Path) -> IncludeLoader:
    """An mj-include loader that reads files under ``root`` and refuses any path that leaves it."""
    base = root.resolve()

    def load(path: str) -> str:
        target = (base / path).resolve()
        if not target.is_relative_to(base):
            raise ValueError(f"mj-include '{path}': outside {base}")
        if not target.exists() and not target.suffix:
            target = target.with_suffix(".mjml")  # as JS mjml does for a path without extension
        return target.read_text(encoding="utf-8")

    return load


def documents(folder: Path) -> Iterator[tuple[Path, Path | None]]:
    """Each MJML document in ``folder`` with its expected HTML (None if there is none)."""
    for source in sorted(folder.glob("*.mjml")):
        if source.name.startswith("_"):
            continue
        expected = sorted(folder.glob(f"{source.stem}-expected*.html"))
        yield source, expected[0] if expected else None


def compile_document(source: Path, expected: Path | None) -> str:
    """Compile one document with mjml-python, keeping comments unless the expected file says not to."""
    keep_comments = expected is None or "keep-comments=false" not in expected.name
    return str(
        mjml.mjml2html(
            source.read_text(encoding="utf-8"),
            disable_comments=not keep_comments,
            include_loader=include_loader(source.parent),
        )
    )


def fold(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def round_numbers(text: str) -> str:
    """Numbers with three or more decimals rounded to two: JS computes in doubles, MRML in floats."""
    return _DECIMAL.sub(lambda match: f"{float(match.group()):.2f}".rstrip("0").rstrip("."), text)


def normalize_css(css: str) -> str:
    """CSS without formatting: no space around punctuation, no ';' before '}'."""
    return round_numbers(_CSS_PUNCTUATION.sub(r"\1", fold(css)).replace(";}", "}"))


def normalize_style(style: str) -> str:
    """A style attribute's declarations in their order, each stripped, spaces around ':' removed."""
    declarations = []
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        if name.strip():
            declarations.append(f"{name.strip().lower()}{colon}{fold(value)}")
    return ";".join(declarations)


def normalize_attributes(attributes: dict[str, str]) -> str:
    """Attributes sorted by name; classes sorted; empty class/style dropped; style normalized."""
    parts = []
    for name, raw in sorted(attributes.items()):
        value = round_numbers(fold(raw))
        if name == "class":
            value = " ".join(sorted(value.split()))
        elif name == "style":
            value = normalize_style(value)
        if name in ("class", "style") and not value:
            continue
        parts.append(f' {name}="{value}"')
    return "".join(parts)


def replace_generated_ids(html: str) -> str:
    """Replace random id parts (mj-carousel, mj-navbar) with 'ID' everywhere they occur."""
    generated = {
        part for value in _ID_ATTRIBUTE.findall(html) for part in value.split("-") if _GENERATED.match(part)
    }
    for part in generated:
        html = html.replace(part, "ID")
    return html


def normalize_markup(fragment: str) -> str:
    """Canonical form of the HTML inside a conditional comment, which the DOM sees only as text."""
    tokens = []
    for token in _TAG_OR_TEXT.findall(fragment):
        tag = _TAG.match(token)
        if tag is None:
            text = normalize_css(token)  # text here is CSS (<style>), &nbsp; or the [if …]> prefix
            if text:
                tokens.append(text)
            continue
        closing, name, rest, self_closing = tag.groups()
        attributes = {key: value.strip("\"'") for key, value in _ATTRIBUTE.findall(rest)}
        tokens.append(f"<{closing}{name.lower()}{normalize_attributes(attributes)}{self_closing}>")
    return "".join(tokens)


def canonical(html: str) -> list[tuple[str, str]]:
    """The document as (path, token) lines: one per element, text run and comment."""
    html = replace_generated_ids(_MSO_SEAM.sub("", html))
    root = lxml.html.document_fromstring(html)
    lines: list[tuple[str, str]] = []
    walk(root, "", lines)
    return lines


def walk(element: etree._Element, path: str, lines: list[tuple[str, str]]) -> None:
    """Append the canonical lines of ``element`` and its subtree, tails included."""
    if isinstance(element, etree._Comment):
        lines.append((path, f"<!--{normalize_markup(element.text or '')}-->"))
    elif isinstance(element.tag, str):
        path = f"{path}/{element.tag}"
        lines.append((path, f"<{element.tag}{normalize_attributes(dict(element.attrib))}>"))
        text = element.text or ""
        if text.strip():
            lines.append((path, normalize_css(text) if element.tag == "style" else fold(text)))
        for child in element:
            walk(child, path, lines)
    tail = element.tail or ""
    if tail.strip():
        lines.append((path.rpartition("/")[0], fold(tail)))


def visible_text(html: str) -> str:
    """The body's text as a reader sees it, whitespace folded (no styles, scripts or comments)."""
    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    if body is None:
        return ""
    for element in list(body.iter(*_INVISIBLE)):
        element.drop_tree()
    # text nodes joined by one space: pretty-printed JS output has whitespace between blocks, MRML not
    return " ".join(text for text in map(fold, body.itertext()) if text)


def first_difference(expected: list[tuple[str, str]], actual: list[tuple[str, str]]) -> str:
    """Where two canonical documents first differ, with a short excerpt of each side."""
    for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
        if want[1] != got[1]:
            js, mrml = excerpt(want[1], got[1]), excerpt(got[1], want[1])
            return f"line {index} at {want[0]}: JS {js!r} / MRML {mrml!r}"
    if len(expected) != len(actual):
        index = min(len(expected), len(actual))
        extra = expected[index:] or actual[index:]
        side = "JS" if len(expected) > len(actual) else "MRML"
        return f"line {index}: only {side} has {len(extra)} more, first {extra[0][1][:80]!r}"
    return "no difference"


def excerpt(text: str, other: str, width: int = 60) -> str:
    """``text`` around the first character where it stops agreeing with ``other``."""
    start = next((i for i, (a, b) in enumerate(zip(text, other, strict=False)) if a != b), len(other))
    begin = max(0, start - width // 3)
    return ("…" if begin else "") + text[begin : begin + width] + ("…" if begin + width < len(text) else "")


def check(source: Path, expected: Path | None) -> Result:
    """Compile one document and compare it with its expected HTML."""
    try:
        html = compile_document(source, expected)
    except (ValueError, OSError) as exc:
        return Result(source.name, error=str(exc))
    if expected is None:
        return Result(source.name, difference=NO_EXPECTED)
    want_html = expected.read_text(encoding="utf-8")
    want, got = canonical(want_html), canonical(html)
    dom_match = [t for _, t in want] == [t for _, t in got]
    return Result(
        source.name,
        dom_match=dom_match,
        text_match=visible_text(want_html) == visible_text(html),
        difference=None if dom_match else first_difference(want, got),
    )


def main() -> None:
    """Run the comparison over DIR and print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", metavar="DIR", type=Path, help="folder of NAME.mjml + NAME-expected.html")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="name each mismatch and its first difference"
    )
    args = parser.parse_args()
    if not args.folder.is_dir():
        parser.error(f"DIR '{args.folder}': not a folder")

    results = [check(source, expected) for source, expected in documents(args.folder)]
    for result in results:
        if result.error:
            print(f"{result.name}: does not compile: {result.error}", file=sys.stderr)
        elif args.verbose and result.difference == NO_EXPECTED:
            print(f"{result.name}: {NO_EXPECTED}")
        elif args.verbose and not result.dom_match:
            text = "text matches" if result.text_match else "text differs"
            print(f"{result.name}: DOM differs ({text}): {result.difference}")
    figures = {
        "documents": len(results),
        "compiled": sum(r.error is None for r in results),
        "dom_match": sum(r.dom_match for r in results),
        "text_match": sum(r.text_match for r in results),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(", ".join(f"{key} {value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
