"""Blank lines made of line breaks read as the paragraph breaks a reader sees in them.

A body written as "The lede.<br><br>The next paragraph." (older sites, blogs, market letters) shows
paragraphs that no <p> marks. The text extractor reads such a box as one paragraph, or joins runs of
breaks into one, so a headline's repeat, a byline, a date and the lede came out as one "paragraph".
As Mozilla's Readability does (its replaceBrs), two or more <br>s in a row, white space between them,
end a paragraph: a <p> is cut in two there, and the text of any other box is set in <p>s. A single
<br> stays a line break within its paragraph (an address, a verse). A box that holds blocks too is
a layout whose breaks space them out, unless most of its text is its own, written loose between its
picture's, subheading's and video's boxes: then its runs of text are set in <p>s around them.
"""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html

# What a paragraph is made of: text and the elements that flow in a line with it (HTML's phrasing
# content). A box of other elements holds blocks of its own, which stay as they are.
_PHRASING_TAGS = (
    "a abbr b bdi bdo br cite code data dfn em font i img kbd label mark q s samp small span strong "
    "sub sup time tt u var wbr"
)
_PHRASING = frozenset(_PHRASING_TAGS.split())
# The boxes whose text is set in paragraphs when they hold nothing but text and inline elements: a box
# that holds blocks too is a layout whose breaks space them out (a record's fields, a sidebar), and an
# inline element (a <span> of two lines) is no box.
_BOX_TAGS = "article blockquote body center dd div li main section td"
_BOXES = frozenset(_BOX_TAGS.split())


def split_at_blank_lines(doc: lxml.html.HtmlElement) -> None:
    """Cut, in place, every box at each run of two or more <br>s into paragraphs of its own.

    Each box is rebuilt once, in time linear in its children, so a page of many breaks costs linear
    time; the caller bounds the page's elements first.
    """
    boxes = dict.fromkeys(br.getparent() for br in doc.iter("br") if _opens_a_run(br))
    for box in boxes:
        if box.tag == "p" or (box.tag in _BOXES and all(_is_phrasing(child) for child in box)):
            _split(box)
        elif box.tag in _BOXES and _mostly_loose_text(box):
            # its runs of text between blank lines and blocks become <p>s, the blocks staying put
            _set_in_paragraphs(box, list(_segments(box, at_blocks=True)))


# A body written as loose text between its picture's and its video's boxes: at least this share of the
# box's shown text, and this many characters, are its own text runs, not its blocks'.
_LOOSE_SHARE = 0.5
_LOOSE_CHARS = 200


def _mostly_loose_text(box: lxml.html.HtmlElement) -> bool:
    """Whether a box that holds blocks is an article's text written loose ("<h2>…</h2>The lede.<br><br>
    The next.<div class=video>…"), not a layout whose breaks space its blocks (a record's fields).

    The text a box opens with is read as its opening run (a dek, an "Updated at noon" line, or the
    lede), which the extraction judges on its own (extract._loose_lede), unless a blank line parts it
    before the first block: then it is paragraphs too ("<i>A caption</i><br><br>The lede.<br><br>The
    next.<h2>…", as habr.com writes a post below its picture).
    """
    first = next((child for child in box if isinstance(child.tag, str)), None)
    if first is None:
        return False
    if ((box.text or "").strip() or _is_phrasing(first)) and not _opening_run_parted(box):
        return False
    loose = sum(len((child.tail or "").strip()) for child in box)
    loose += sum(len(child.text_content().strip()) for child in box if _is_phrasing(child))
    if loose < _LOOSE_CHARS:
        return False
    # the blocks' text is counted only until it outweighs the loose text: a walk bounded by the box's
    # own text, where nested boxes would each walk the whole page below them
    most = loose * (1 - _LOOSE_SHARE) / _LOOSE_SHARE
    blocks = 0
    for child in box:
        if _is_phrasing(child):
            continue
        for node in child.iter():
            if node.tag in _UNSHOWN:
                continue
            blocks += len((node.text or "").strip()) + (
                len((node.tail or "").strip()) if node is not child else 0
            )
            if blocks > most:
                return False
    return True


_UNSHOWN = frozenset(["script", "style", "noscript"])


def _opening_run_parted(box: lxml.html.HtmlElement) -> bool:
    """Whether a run of breaks parts the text a box opens with, before its first block."""
    for child in box:
        if not _is_phrasing(child):
            return False
        if child.tag == "br" and _opens_a_run(child):
            return True
    return False


def _opens_a_run(br: lxml.html.HtmlElement) -> bool:
    """Whether a <br> is followed by another with nothing shown between them (white space, an empty
    anchor: WordPress's "more" mark, <a id="more-925"></a>, between a post's two breaks)."""
    if (br.tail or "").strip() or br.getparent() is None:
        return False
    following = br.getnext()
    while following is not None and _blank(following):
        following = following.getnext()
    return following is not None and following.tag == "br"


def _blank(node: lxml.html.HtmlElement) -> bool:
    """An inline element that shows nothing, nor does its tail: no text, no picture, no break."""
    if not isinstance(node.tag, str):
        return not (node.tail or "").strip()  # a comment
    return (
        node.tag in _PHRASING
        and node.tag not in ("br", "img")
        and not (node.tail or "").strip()
        and not node.text_content().strip()
        and next(node.iter("img", "br"), None) is None
    )


def _split(box: lxml.html.HtmlElement) -> None:
    segments = list(_segments(box))  # two at least: the box holds a run of breaks
    if box.tag == "p":
        _as_paragraphs(box, segments)
    else:
        _set_in_paragraphs(box, segments)


# A segment's text, its inline elements, and the block that ends it (None where a blank line does)
_Segment = tuple[str, list[lxml.html.HtmlElement], lxml.html.HtmlElement | None]


def _segments(box: lxml.html.HtmlElement, *, at_blocks: bool = False) -> Iterator[_Segment]:
    """The box's content between runs of breaks (and, ``at_blocks``, its blocks): each run's last
    tail, or each block's, opens the next segment, and the breaks of a run are left out."""
    text, members = box.text or "", list[lxml.html.HtmlElement]()
    children = list(box)
    index = 0
    while index < len(children):
        child, end = children[index], _run_end(children, index)
        if end > index:
            yield text, members, None
            text, members, index = children[end - 1].tail or "", [], end
        elif at_blocks and not _is_phrasing(child):
            yield text, members, child
            text, members, index = child.tail or "", [], index + 1
        else:
            members.append(child)
            index += 1
    yield text, members, None


def _run_end(children: list[lxml.html.HtmlElement], start: int) -> int:
    """The index just past the run of two or more <br>s that starts at ``start`` (``start`` itself if
    none), nothing shown between them."""
    end, breaks, at = start, 0, start
    while at < len(children) and children[at].tag == "br":
        breaks, end = breaks + 1, at + 1
        if (children[at].tail or "").strip():
            break
        at += 1
        while at < len(children) and _blank(children[at]):
            at += 1
    return end if breaks >= 2 else start


def _as_paragraphs(paragraph: lxml.html.HtmlElement, segments: list[_Segment]) -> None:
    """A <p> of several blank-line-separated parts becomes that many <p>s, the first keeping its
    attributes, the last its tail."""
    tail, paragraph.tail = paragraph.tail, None
    for child in list(paragraph):
        paragraph.remove(child)
    text, members, _ = segments[0]
    _fill(paragraph, text, members)
    last = paragraph
    for text, members, _ in segments[1:]:
        following = paragraph.makeelement("p", {})
        _fill(following, text, members)
        last.addnext(following)
        last = following
    last.tail = tail


def _set_in_paragraphs(box: lxml.html.HtmlElement, segments: list[_Segment]) -> None:
    """A box of text and inline elements: each of its parts becomes a <p>, each block that ends one
    staying after it."""
    for child in list(box):
        box.remove(child)
    box.text = None
    for text, members, block in segments:
        _add_paragraph(box, text, members)
        if block is not None:
            block.tail = None  # its text opened the next part
            box.append(block)


def _is_phrasing(node: lxml.html.HtmlElement) -> bool:
    """Text's own elements: inline ones, and comments and processing instructions."""
    return not isinstance(node.tag, str) or node.tag in _PHRASING


def _add_paragraph(box: lxml.html.HtmlElement, text: str, members: list[lxml.html.HtmlElement]) -> None:
    """A run that shows text becomes a <p>; one of white space, lone breaks or anchors stays loose."""
    if text.strip() or any(_shows_text(member) for member in members):
        paragraph = box.makeelement("p", {})
        _fill(paragraph, text, members)
        box.append(paragraph)
    else:
        for member in members:
            box.append(member)


def _shows_text(member: lxml.html.HtmlElement) -> bool:
    return isinstance(member.tag, str) and bool(member.text_content().strip() or (member.tail or "").strip())


def _fill(element: lxml.html.HtmlElement, text: str, members: list[lxml.html.HtmlElement]) -> None:
    element.text = text or None
    for member in members:
        element.append(member)  # its tail moves with it


def set_run_in_headings_apart(doc: lxml.html.HtmlElement) -> None:
    """Set, in place, a paragraph's opening line in bold that no sentence ends, a line break after it,
    apart as a heading of its own: a run-in subhead ("<p><strong>Feb. 8: Montgomery 'most likely' will
    sign by next week</strong><br>The free agent market …", MLB.com's rumour pages), read as
    "… by next week The free agent market" when the break is only a space. A bold first sentence
    (the lede set in bold) stays in its paragraph, and so does a label ("Update:")."""
    for paragraph in list(doc.iter("p")):
        if not _opens_with_run_in_heading(paragraph):
            continue
        bold, breaks = paragraph[0], paragraph[1]
        heading = lxml.html.Element("h4")
        heading.text = bold.text_content()
        paragraph.text = (breaks.tail or "").lstrip()
        paragraph.remove(bold)
        paragraph.remove(breaks)
        paragraph.addprevious(heading)


def _opens_with_run_in_heading(paragraph: lxml.html.HtmlElement) -> bool:
    """Whether a paragraph opens with a bold line, the whole line, then a line break and more text."""
    if (paragraph.text or "").strip() or len(paragraph) < _RUN_IN_CHILDREN:
        return False
    bold, breaks = paragraph[0], paragraph[1]
    if bold.tag not in ("strong", "b") or breaks.tag != "br" or (bold.tail or "").strip():
        return False
    words = bold.text_content().split()
    after = (breaks.tail or "").strip() or any(isinstance(e.tag, str) for e in breaks.itersiblings())
    return bool(after) and 0 < len(words) <= _RUN_IN_WORDS and words[-1][-1] not in _ENDS_OR_LABELS


_RUN_IN_CHILDREN = 2  # the bold line and its break
_RUN_IN_WORDS = 20  # a subhead's words at most
# A line that ends a sentence is the paragraph's own (a lede in bold); one that ends in a colon is a
# label whose words run on ("Update:")
_ENDS_OR_LABELS = ".!?:;\u3002\uff01\uff1f\uff1a"
