"""Turn feed and page HTML into clean plain text: paragraphs at block boundaries, feed tails removed."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import lxml.html
import nh3
from lxml.etree import ParserError

from digest.collect.bounds import shown_text
from digest.sentences import CLOSERS
from digest.words import count_words, estimated_words

_SPACE = re.compile(r"\s+")
# The class names of posts that articles embed from social networks (X/Twitter, Instagram, TikTok,
# Facebook, Bluesky, Reddit, Threads), as each network's embed code writes them.
SOCIAL_EMBEDS = (
    r"\b(?:twitter-tweet|twitter-timeline|instagram-media|tiktok-embed|fb-post|bluesky-embed"
    r"|reddit-embed|reddit-card|text-post-media)\b"
)
_BLANK_LINE = re.compile(r"\n\s*\n")
# Elements that end the paragraph before them and start a new one (HTML's block-level elements).
_BLOCK_NAMES = (
    "address article aside blockquote center dd details dialog div dl dt fieldset figcaption footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table tbody td tfoot th thead "
    "tr ul"
)
_BLOCKS = frozenset(_BLOCK_NAMES.split())
# Never text of the article: code, embeds, and figures (a caption or credit is not the lede).
# Ruby annotations (rt, rp: furigana over Japanese) are read above the word, not in its line.
_UNREAD_NAMES = (
    "script style noscript template figure svg iframe object video audio button select textarea rt rp"
)
_UNREAD = frozenset(_UNREAD_NAMES.split())
# feedburner's "FeedFlare" block (share links and counters appended to every item), a pull quote (a
# line of the article set out again, large), a newsletter platform's subscribe box, a photo's caption
# outside a <figure> (WordPress's "wp-caption" box), and posts from
# social networks embedded in the article: another author's words, which an item may open with.
_UNREAD_CLASS = re.compile(
    rf"\bfeed(?:flare|burnerFlareBlock)\b|pull-?quote|subscription-widget|caption|{SOCIAL_EMBEDS}",
    re.IGNORECASE,
)
_ESCAPED_MARKUP = re.compile(
    r"&lt;(?:!--|/?(?:p|div|br|span|a|em|strong|ul|ol|li|img|h[1-6]|blockquote|table)\b)", re.IGNORECASE
)
# A footnote's mark in the text ("… the harbour.<sup>1</sup>", Substack's <a class="footnote-anchor">):
# left in, it stands after the sentence's full stop ("harbour.1") and the sentence no longer ends.
_FOOTNOTE_NUMBER = re.compile(r"\s*\[?(?:\d{1,3}|[a-z])\]?\s*")
_FOOTNOTE_SIGN = re.compile(r"\s*(?:\[(?:\d{1,3}|[a-z])\]|[*\u2020\u2021])\s*")
_FOOTNOTE_BRACKETED = re.compile(r"\s*[(\[]\s*(?:\d{1,3}|[a-z])\s*[)\]]\s*")
_AFTER_PUNCTUATION = re.compile(f"[.,;:!?{CLOSERS}]\\s*$")


def is_footnote_mark(element: lxml.html.HtmlElement) -> bool:
    """A footnote's number or sign: a link to a place on the same page, or a <sup> after punctuation.

    A bare number in <sup> after a letter or digit is an exponent or an ordinal ("10<sup>3</sup>",
    "E=mc<sup>2</sup>", "1<sup>er</sup>"), which stays; "[3]", "*" and "†" are marks wherever they are.
    """
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag == "a" and str(element.get("href") or "").startswith("#"):
        return bool(_FOOTNOTE_NUMBER.fullmatch(element.text_content()))
    # SPIP's <span class="spip_note_ref">&nbsp;(<a href="#nb1">1</a>)</span>: the mark's brackets are
    # the mark's too, or "couchant ( )." is left
    if (
        tag in ("span", "sup")
        and _FOOTNOTE_BRACKETED.fullmatch(element.text_content())
        and any(str(link.get("href") or "").startswith("#") for link in element.iter("a"))
    ):
        return True
    if tag != "sup":
        return False
    text = element.text_content()
    if _FOOTNOTE_SIGN.fullmatch(text):
        return True
    return bool(_FOOTNOTE_NUMBER.fullmatch(text)) and bool(_AFTER_PUNCTUATION.search(_text_before(element)))


# How an editor sets a caption by hand: the whole line in italics or small print.
_CAPTION_SETTING = frozenset(["em", "i", "small"])
_OWN_CAPTION = "boolean(.//figcaption | .//*[contains(translate(@class, 'CAPTION', 'caption'), 'caption')])"
_CAPTION_WORDS = 60  # more than a caption's: a paragraph in italics of this length is text


def is_set_caption(
    node: lxml.html.HtmlElement, holds_image: Callable[[lxml.html.HtmlElement], bool] | None = None
) -> bool:
    """A <p> set as an image's caption: wholly in italics or small print, holding the image or right
    after it (<p><img></p><p><em>Fishermen unload …</em></p>), and of a caption's length.

    A paragraph in italics anywhere else (an editor's note at the end, a quoted poem) is not one.
    ``holds_image`` tells whether an element holds an image (by default, whether one is in it now).
    """
    holds = holds_image or _holds_image
    if estimated_words(node.text_content()) > _CAPTION_WORDS:
        return False
    # A picture whose caption is an element of its own, set in the paragraph: the paragraph's other
    # text is the article's ("<p><em><span class=image><img><span class=caption>A Su-24 …</span></span>
    # The UK may be forced …</em></p>"), and the picture's box goes by itself.
    if holds(node) and node.xpath(_OWN_CAPTION):
        return False
    before = node.getprevious()
    after_image = (
        before is not None
        and not (before.tail or "").strip()
        and (before.tag == "img" or holds(before))
        and not before.text_content().strip()
    )
    if after_image and _names_the_picture(node, before):
        return True  # however it is set: "<img alt='Jo Doe.'><p>Jo Doe.</p>"
    return _set_apart(node) and (holds(node) or after_image)


def _names_the_picture(node: lxml.html.HtmlElement, before: lxml.html.HtmlElement) -> bool:
    """Whether a paragraph says, word for word, the alt or title of the one picture just before it."""
    images = [before] if before.tag == "img" else before.findall(".//img")
    if len(images) != 1:
        return False
    text = squash(node.text_content())
    return bool(text) and text in (squash(images[0].get("alt", "")), squash(images[0].get("title", "")))


def _holds_image(node: lxml.html.HtmlElement) -> bool:
    return node.find(".//img") is not None


def is_set_subheading(node: lxml.html.HtmlElement) -> bool:
    """A <p> set as a subheading by hand: wholly in bold, of a heading's length ("Where will the boats go
    this winter?", a Chinese page's question before its section); never a dateline set in bold
    ("WASHINGTON —"), which opens the paragraph after it, nor a lede set in bold, which is longer or
    ends with a full stop as headings do not ("The economy shrank by 0.1% in October, figures show.")."""
    if not _set_apart(node, _HEADING_SETTING):
        return False
    text = node.text_content().strip()
    return count_words(text) <= _SUBHEADING_WORDS and not _NOT_HEADING_END.search(text)


_HEADING_SETTING = frozenset(["strong", "b"])
# How a dateline ("WASHINGTON —") or a sentence ("… in 2024.", "… by 0.1%.") ends, and a heading does not.
_NOT_HEADING_END = re.compile(rf"(?:[\u2014\u2013-]|[\w%][.\u3002][{CLOSERS}]*)$")
_SUBHEADING_WORDS = 15


def _set_apart(node: lxml.html.HtmlElement, setting: frozenset[str] = _CAPTION_SETTING) -> bool:
    """Whether all of a paragraph's words are set in one way: inside italics or small print (or bold),
    an image or a break aside."""
    if (node.text or "").strip():
        return False
    found = False
    for child in node:
        if (child.tail or "").strip():
            return False
        if child.tag in setting:
            found = found or bool(child.text_content().strip())
        elif isinstance(child.tag, str) and child.text_content().strip():
            return False
    return found


def _text_before(element: lxml.html.HtmlElement) -> str:
    previous = element.getprevious()
    if previous is None:
        parent = element.getparent()
        return (parent.text or "") if parent is not None else ""
    return str(previous.tail or previous.text_content())


_BREAK = "\n"  # what a <br> leaves in the text; two of them (blank line) split a paragraph


@dataclass(frozen=True, slots=True)
class _Block:
    """A paragraph's text, and the text of the link it ends with (a possible "Read more")."""

    text: str
    last_link: str = ""


def plain_text(fragment: str) -> str:
    """Strip every tag (nh3), decode entities and fold white space."""
    if not fragment:
        return ""
    stripped = nh3.clean(fragment, tags=set(), clean_content_tags={"script", "style"})
    return squash(html.unescape(stripped))


def html_paragraphs(fragment: str) -> tuple[str, ...]:
    """The paragraphs of an HTML fragment (a feed's content or summary) as plain text, tails removed.

    Every block element and every blank line made of two <br> ends a paragraph, so the text of two
    adjacent blocks is never glued; text directly under the root is a paragraph too.
    """
    if not fragment.strip():
        return ()
    if _ESCAPED_MARKUP.search(fragment):
        fragment = html.unescape(fragment)  # HTML that the feed escaped twice (old Reddit feeds do)
    if "<" not in fragment:  # plain text: its blank lines are the paragraph breaks
        blocks = [_Block(squash(html.unescape(part))) for part in _BLANK_LINE.split(fragment)]
        return _strip_tails([b for b in blocks if b.text])
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return ()
    return _strip_tails(_blocks(root))


def text_paragraphs(text: str) -> tuple[str, ...]:
    """The paragraphs of plain text (Atom's type="text"): split at blank lines, its "<" and "&" as written."""
    blocks = [_Block(squash(part)) for part in _BLANK_LINE.split(text)]
    return _strip_tails([b for b in blocks if b.text])


def unescaped_twice(text: str) -> str:
    """A line its publisher escaped twice, read once more: "Q&amp;A" (a page's "Q&amp;amp;A") is "Q&A".

    For a page's metadata (title, description, caption, credit), where no entity is meant as text.
    """
    return squash(html.unescape(text)) if _LEFT_ENTITY.search(text) else text


# An entity still there once the markup was read: escaped twice ("&amp;amp;", "&amp;#8217;"), or at the
# end without its semicolon (an alt of "&amp;nbsp", which shows nothing).
_LEFT_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,30})(?:;|$)")


def named_section(field: str) -> str:
    """The section a category or section field names, where it lists several or gives a path.

    A podcast host writes its keywords into one ("Wissen,Heuschrecken,Ostafrika,Natur"), a news site
    its sections and its home page ("Pharma, Marketing, Fierce Pharma Homepage"): the first is the
    section. A directory's path ("Business/Industries/Publishing/Nonfiction/") names it last.
    """
    listed = [part.strip() for part in field.split(",")]
    if len(listed) >= _LIST_PARTS and all(listed):
        return listed[0]
    path = [part.strip() for part in field.split("/") if part.strip()]
    return path[-1] if len(path) >= _LIST_PARTS else field


_LIST_PARTS = 3  # parts of a field that is a list or a path: "Arts, Culture" and "AC/DC" are names


def folded(text: str) -> str:
    """Text as compared for sameness: its letters and digits only, case folded ("McSweeney's" is
    "mcsweeneys", "cdu-fraktion" "cdufraktion")."""
    return re.sub(r"[\W_]+", "", text.casefold())


def squash(text: str) -> str:
    """Fold runs of white space (including non-breaking spaces) into single spaces.

    The characters no reader sees go too (controls, direction overrides, lone surrogates): a feed's
    text is as hostile as a page's, and one of them in a title stops the MJML compile of the issue.
    """
    return _SPACE.sub(" ", shown_text(text).replace("\xa0", " ")).strip()


class _Paragrapher:
    """Collects inline text and cuts it into blocks at block boundaries and double line breaks."""

    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self._parts: list[str] = []
        self._link_start: int | None = None
        self._link = ("", -1)  # the last closed link's text and where it ended in the buffer

    def text(self, value: str | None) -> None:
        if value:
            self._parts.append(_SPACE.sub(" ", value))

    def line_break(self) -> None:
        self._parts.append(_BREAK)

    def open_link(self) -> None:
        self._link_start = len("".join(self._parts))

    def close_link(self) -> None:
        buffer = "".join(self._parts)
        if self._link_start is not None:
            self._link = (buffer[self._link_start :], len(buffer))
        self._link_start = None

    def flush(self) -> None:
        buffer = "".join(self._parts)
        link, end = self._link
        ends_with_link = end >= 0 and not buffer[end:].strip()
        pieces = [squash(piece) for piece in _BLANK_LINE.split(buffer)]
        pieces = [piece for piece in pieces if piece]
        for index, piece in enumerate(pieces):
            last = ends_with_link and index == len(pieces) - 1
            self.blocks.append(_Block(piece, squash(link) if last else ""))
        self._parts, self._link_start, self._link = [], None, ("", -1)


def _blocks(root: lxml.html.HtmlElement) -> list[_Block]:
    """Walk the tree without recursion (feed HTML can nest deeply), cutting at block boundaries."""
    out = _Paragrapher()
    out.text(root.text)
    stack: list[tuple[lxml.html.HtmlElement, Iterator[lxml.html.HtmlElement]]] = [(root, iter(root))]
    while stack:
        element, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            _leave(out, element, is_root=not stack)
            continue
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if (
            not tag
            or tag in _UNREAD
            or _UNREAD_CLASS.search(child.get("class") or "")
            or is_footnote_mark(child)
            or (tag == "p" and (is_set_caption(child) or is_set_subheading(child)))
        ):
            out.text(child.tail)  # a comment, or an element whose text is never the article's
            continue
        if tag in _BLOCKS:
            out.flush()
        elif tag == "br":
            out.line_break()
        elif tag == "img":  # an image in a line of text stands between two words
            out.text(" ")
        elif tag == "a":
            out.open_link()
        out.text(child.text)
        stack.append((child, iter(child)))
    return out.blocks


def _leave(out: _Paragrapher, element: lxml.html.HtmlElement, is_root: bool) -> None:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag in _BLOCKS or is_root:
        out.flush()
    elif tag == "a":
        out.close_link()
    if not is_root:
        out.text(element.tail)


def _patterns(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


# What feed software appends after an item's text (WordPress, Blogger, feedburner, Medium, the
# Guardian, news CMSs). Each must match a whole, short paragraph, so that body prose that merely uses
# the words ("you can read more in the report") is never taken for one.
_READ_ON = (
    r"(?:continue|keep) reading"
    r"|read (?:more|on|the (?:full|rest|whole|complete|original)\b|it (?:here|on|at)\b)"
    r"|click here|full (?:story|article|post)|weiterlesen|lire la suite|leer más|leia mais|lees verder"
)
_TAIL_PARAGRAPHS = _patterns(
    rf"^(?:{_READ_ON})\b.{{0,160}}$",
    # "... appeared first on Example News.": a site's name ends it (never "on maps in 1820, long ...").
    r"^the (?:post|article|story)\b.{1,400}\b(?:appeared first|first appeared) on\s+[^,;!?]{1,120}$",
    # The same line in WordPress's translations (de, fr, es, pt, it, nl).
    r"^(?:der beitrag|l[\u2019']article|la entrada|o post|l[\u2019']articolo|het bericht)\b.{1,400}"
    r"\b(?:erschien zuerst auf|est apparu en premier sur|se public[oó] primero en|apareceu primeiro em"
    r"|sembra essere il primo su|proviene da|verscheen eerst op)\s+[^,;!?]{1,120}$",
    r"^this entry was posted\b.{0,300}\bbookmark the permalink\b.{0,20}$",  # WordPress themes
    r"^.{0,200}\bwherever you (?:get|listen to|find) (?:your )?podcasts\b.{0,100}$",
    r"^(?:(?:like|liked|enjoy|enjoyed|love|loved) (?:this|it|what you (?:read|see))\b.{0,60})?"
    r"share (?:it|this(?: post| article| story| newsletter)?) with\b.{0,80}$",
    r"^related(?: stories| articles| posts| links| reading| coverage| content)?\s*(?::|…|\.\.\.).{0,300}$",
    # "This article was originally published on …", but not "The post office … first appeared on maps".
    r"^(?:this|the|a version of this) (?:article|post|story|piece|essay|entry|review|interview|column"
    r"|report|blog post|item|episode|recipe|newsletter)\s+(?:was\s+|has been\s+|is\s+)?"
    r"(?:originally|first|previously)\s+(?:appeared|published|posted|ran)\s+(?:on|in|at)\b.{0,250}$",
    r"^(?:this|the) (?:article|story|post|piece) (?:is|was) republished from\b.{0,250}$",  # The Conversation
    r"^(?:originally|first) (?:published|posted|appeared)\s+(?:on|in|at|by)\b.{0,250}$",
    r"^.{1,300}\bwas originally published in\b.{1,150}\bon medium\b.{0,200}$",
    r"^\[?\s*(?:…|\.{3})\s*\]?$",
    rf"^\[\s*(?:{_READ_ON}|more)\b[^\]]{{0,40}}\]$",  # "[Read more...]", "[Continue reading]"
    # The site pointing to the rest: "The full article is available on our website.", "See the full post
    # on our blog.", "Visit our website for more."
    r"^(?:the )?(?:full|complete|entire) (?:article|story|post|text|interview|review)\s+(?:is\s+)?"
    r"(?:available|published|online|can be (?:read|found))\b.{0,100}$",
    r"^(?:see|view|find|get)\s+the\s+(?:full|complete|entire|whole|original)\s+(?:article|story|post|piece"
    r"|text|interview|review)\b.{0,100}$",
    r"^visit (?:our|the) (?:web ?site|site|blog|homepage)\b.{0,60}$",
    r"^submitted by.{1,200}\[link\]\s*\[\d+\s+comments?\]$",  # Reddit
)
# "[…]" or "[...]": WordPress's mark of a cut excerpt, at the very end.
_CUT_MARK = re.compile(r"\s*\[\s*(?:…|\.{3}|&hellip;|&#8230;)\s*\]\s*$")
_CUT_ELLIPSIS = re.compile(r"\s*(?:…|\.{3})$")
# A trailing link that is its own sentence: "… Continue reading →", "Read more »".
_READ_ON_LINK = re.compile(rf"^(?:{_READ_ON}|more)\b[^.!?]{{0,60}}[.!?…]*$|^[»→]$", re.IGNORECASE)
_SENTENCE_BOUNDARY = re.compile("(?:[.!?…:)\\]»\"'\u201d\u2019]|\\.\\.\\.)$")


def _strip_tails(blocks: Sequence[_Block]) -> tuple[str, ...]:
    """The paragraphs without the feed tails at their end ("Continue reading…", "The post … appeared")."""
    kept = list(blocks)
    while kept:
        text = _CUT_MARK.sub("", _without_read_on_link(kept[-1])).strip()
        if text and not is_feed_tail(text):
            kept[-1] = _Block(text)
            break
        kept.pop()
    return tuple(block.text for block in kept)


def is_feed_tail(text: str) -> bool:
    """A whole paragraph that feed software appends after the item's text."""
    return any(pattern.search(text) for pattern in _TAIL_PARAGRAPHS)


def _without_read_on_link(block: _Block) -> str:
    """Drop a "Read more" link ending the paragraph, when it stands as its own sentence."""
    link = block.last_link
    if not link or not _READ_ON_LINK.match(link) or not block.text.endswith(link):
        return block.text
    before = block.text[: -len(link)].rstrip()
    if before and not (_SENTENCE_BOUNDARY.search(before) or _CUT_MARK.search(before) or link[0].isupper()):
        return block.text  # "... you can read more" is the author's sentence, not a tail
    return _CUT_ELLIPSIS.sub("", before)  # "… Read more": the ellipsis marks the cut, like "[…]"
