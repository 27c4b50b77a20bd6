"""The email's personal lines, marked so that its public web copy can leave them out.

An issue is compiled once and stored once: the same HTML goes to every recipient and, filled with
public values, into the archive. A template wraps what only makes sense to a recipient ("because you
subscribed with …", the unsubscribe link) in ``<!--digest:personal-->`` … ``<!--/digest:personal-->``.
MJML drops comments, so ``compile_mjml`` carries the two marks through as empty elements and puts them
back as comments afterwards: a mail client shows nothing of them, and ``public_copy`` cuts what lies
between. An element, not text: feed text is escaped, so it can never spell one out.
"""

from __future__ import annotations

import re

START, END = "<!--digest:personal-->", "<!--/digest:personal-->"
# What each mark is while MJML runs, padded to the mark's length so that the compiler's error
# positions still fall on the template's text; MJML writes the empty element out in full.
_CARRIED = {START: "<dg-personal-on     />", END: "<dg-personal-off     />"}
_COMPILED = {START: "<dg-personal-on></dg-personal-on>", END: "<dg-personal-off></dg-personal-off>"}
_BETWEEN = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)


def carried(mjml: str) -> str:
    """The MJML with each mark as an element that survives the compiler's comment removal."""
    for mark, text in _CARRIED.items():
        mjml = mjml.replace(mark, text)
    return mjml


def restored(html: str) -> str:
    """The compiled HTML with the marks back as comments."""
    for mark, element in _COMPILED.items():
        html = html.replace(element, mark)
    return html


def public_copy(html: str) -> str:
    """The HTML without its personal parts: what a web page that has no recipient shows."""
    return _BETWEEN.sub("", html)
