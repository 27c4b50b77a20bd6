"""The lead image of an article page: its URL, alt text, caption and credit, told apart.

The image is the article's own: og:image (or twitter:image, or the JSON-LD article's image), else
the first figure of the body, never a logo, avatar, badge, button or tracking pixel. The credit is
read from the markup that names it (a credit element, itemprop copyrightHolder/creditText, the
JSON-LD ImageObject), else from the caption's own words ("Photograph: …", "(Getty Images)",
"AP Photo/…"), and is split off the caption so that each is shown once.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

import lxml.html

from digest.collect.canonical import file_name, is_page_link, same_site
from digest.collect.extract import at_most_words, is_article, json_ld, meta_values, shown_block_text
from digest.collect.text import folded, squash, unescaped_twice
from digest.sentences import without_final_stop
from digest.words import estimated_words, latin_length


@dataclass(frozen=True, slots=True)
class LeadImage:
    """The lead image as the page describes it; empty strings where it says nothing."""

    url: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""
    # where the page shows it: the <img>, else the figure its caption was read from (another size's)
    shown: lxml.html.HtmlElement | None = field(default=None, compare=False, repr=False)


# Words in the path or class of an image that is not an article's picture. A site's declared image
# (og:image) is trusted more: only a logo, icon or stand-in is refused there, since social-share crops
# ("/t_share/", "social_1200x630") are the article's own picture.
_STAND_IN = (
    # "fblogo.jpg", "sitelogo.png": the logo a site shares itself with, its name run into the word
    r"(?:fb|og|site|share|social)?logo|rogo|icon|favicon|avatar|gravatar|spacer|blank|placeholder|missing"
    # a tracking pixel is a file or a folder of that name ("pixel.gif", "/pixel/…"), never a phone of
    # that name in its picture's ("pixel-9a-leak-17.jpg" of a story about Google's Pixel 9a)
    r"|pixel(?=$|[/.@])|1x1"
    r"|preload|spinner"
)
_NOT_A_PHOTO = re.compile(
    rf"(?i)(?:^|[/_.\-\s])(?:{_STAND_IN}|badge|sponsor|sprite|button|banner|bnr|share|social|emoji|"
    r"transparent|loader|loading|divider|separator|ornament|signature)(?:$|[/_.\-\s@\d])"
)
_NOT_DECLARED = re.compile(rf"(?i)(?:^|[/_.\-\s])(?:{_STAND_IN})(?:$|[/_.\-\s@\d])")
# ... where the page declares a wide picture: a portrait's words ("avatar") name its subject, a film's
_NOT_DECLARED_WIDE = re.compile(rf"(?i)(?:^|[/_.\-\s])(?!g?r?avatar)(?:{_STAND_IN})(?:$|[/_.\-\s@\d])")
# A size that a URL asks for ("?h=17", "&w=60"): smaller than an article's picture.
_URL_SIDE = re.compile(r"(?i)[?&,](?:w|h|width|height)[=_](\d{1,4})\b")
_TRACKERS = re.compile(
    r"(?i)//[^/]*(?:facebook\.com/tr|scorecardresearch|doubleclick|google-analytics|quantserve)"
)
MIN_SIDE = 100  # px: smaller declared images are icons, avatars or pixels (in feeds too)
SHOWN_WIDTH = 600  # px: how wide the email shows a lead picture (the theme's default width)
# An element's class in lower case, in XPath 1.0 (which has no lower-case()): "ImageCopyright" names a credit.
_LOWER_CLASS = "translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
# The site's chrome; an article's own <header> (its headline, dek and photo) is the article's.
_CHROME = (
    "ancestor::header[not(ancestor::article or ancestor::main)]"
    " or ancestor::nav or ancestor::footer or ancestor::aside"
)

# The year after a copyright sign ("© 2024, Jane Doe"): the copyright's, not the credit's.
_YEAR = r"(?:19|20)\d\d\b[,.]?"
# Other languages' labels that name the picture itself: German's compounds (its source, its credit, its
# rights, the title picture, the post's picture: "Bildquelle", "Bildnachweis", "Bildrechte",
# "Titelbild", "Beitragsbild"), French's "Crédit photo", Spanish's, Italian's and Portuguese's "image",
# Russian's "photo".
_PICTURE_LABELS = (
    "(?:bild|foto)(?:quelle|nachweis|rechte)|(?:titel|beitrags|aufmacher)(?:bild|foto)"
    "|cr\u00e9dits? photos?|imagen|immagine|imagem|фото"
)
# Other languages' words for a photo's credit label: German (and its "source"), Spanish, Italian,
# Portuguese, French ("crédito", "credito", "crédit"), Polish; Russian, Ukrainian.
_OTHER_LABELS = (
    f"{_PICTURE_LABELS}|foto|bild(?:er)?|quelle|autor(?:ka)?|cr[e\u00e9]dit[oi]?|fot\\."
    "|фотография|снимок|джерело|источник"
)
# "Photograph: Jane Doe/Agency", "Photo by Jane Doe", "Credit: …", "Image: …" at a caption's end.
_LABELLED_CREDIT = re.compile(
    # "Mandatory Credit:", as wire photos of sport are captioned
    r"(?i)(?:^|(?<=[\s.!?)\]]))\(?(?:(?:top\s+|mandatory\s+)?"
    # "Source: Supplied", as Australian papers credit a picture; capitalised, as a label is
    rf"(?:photo(?:graph(?:er|y|ed)?)?|picture|image|illustration|credit|(?-i:Source)|{_OTHER_LABELS})s?"
    # "Image attribution: Creative Commons", "Image source: whitewave.com", "Photo by: Jo Doe"
    r"(?:\s+(?:credit|attribution|source))?\s*(?::|by\b\s*:?|courtesy(?: of)?\b)"
    r"|foto (?:di|de|von)\b|fot\.(?=\s)"  # "photo by" in Italian, Spanish, Portuguese, German; Polish
    r"|(?:^|(?<=[.!?]\s)|(?<=\())courtesy(?: of)?\b"  # "… at dawn. Courtesy of the Port Authority"
    r"|(?-i:Credits?)(?:\.\.\.|\u2026)"  # "Credit...Jo Doe": a label read out to screen readers
    rf"|(?:\u00a9|\(c\))\s*(?:{_YEAR})?)"  # "… © 2024 Jane Doe"
    # no label's colon in it, only a DOI's (Sci.News: "Image credit: Sannino et al., doi: 10.1073/…")
    r"\s*(?P<credit>\w(?:[^:\u00a9]|(?<=\bdoi):){1,119}?)\)?\s*$"
)
# "(Getty Images)", "[GETTY]", "(AP Photo/Jane Doe)", "(Jane Doe/The Star-Ledger)", "Jane Doe/Reuters",
# "AP Photo/Jane Doe" at the end. A bare "Getty" is a museum too: only in brackets is it the agency.
_AGENCIES = (
    # Reuters writes its own name in capitals ("… July 21, 2020. REUTERS/Octavio Jones")
    r"Getty Images|AP Photo|Associated Press|via AP|Reuters|REUTERS|AFP|EPA|Shutterstock|Alamy|Bloomberg"
    r"|iStock|EFE|ANSA|dpa|Kyodo|Xinhua|Yonhap|TASS|PA Media|PA Wire|ANP|Keystone|imago|Anadolu"
)
_AD_LABELS = (
    r"(?i:werbung|anzeige|advertorial|advertisement|ad|ads|sponsored|promo(?:tion)?|pr[ -]?sample|affiliate)"
)
_AGENCY_CREDIT = re.compile(
    rf"(?:[(\[](?P<paren>[^()\[\]]*(?i:{_AGENCIES}|Getty)[^()\[\]]*)[)\]]"
    # a photographer and the paper, in brackets: capitalised on both sides of the slash, and words (a
    # space), where "(TCP/IP)" is one term
    r"|[(\[](?P<pair>(?=[^()\[\]]*\s)[A-Z][^()\[\]/]{0,50}/\s?[A-Z][^()\[\]/]{0,50})[)\]]"
    # a name in square brackets, as British papers credit a picture: "[Rex]", "[PA Images]"; never a
    # blog's advertising label ("TOP 5 Fashion Must Haves [Werbung]", "[Anzeige]", "[PR Sample]")
    rf"|\[(?!{_AD_LABELS}\])(?P<square>[A-Z][\w.&'\u2019-]+(?:\s[A-Z][\w.&'\u2019-]*){{0,3}})\]"
    # what kind of photo it is, in brackets: "(Oregonian file photo)", "(Staff photo)", "(Handout photo)"
    r"|[(\[](?P<kind>[^()\[\]]{0,60}\b(?i:file|staff|courtesy|submitted|contributed|handout)"
    r"\s(?i:photo(?:graph)?|image|picture)s?)[)\]]"
    # "@handle/X": a picture taken from a social network, credited to its poster's handle
    rf"|(?P<bare>@?(?:[A-Z][\w.'\u2019-]*\s){{0,4}}[\w.'\u2019-]*"
    rf"\s?/\s?(?:[A-Z][\w.'\u2019-]*\s?){{1,4}}|(?:The\s)?(?:{_AGENCIES})(?:/[^.()\[\]]{{2,60}})?))\s*\.?$"
)
# Chinese, Japanese and Korean captions: "...\uff08\u5199\u771f\uff1a\u5171\u540c\uff09" (full-width brackets
# and colon), "\u56fe\u7247\u6765\u6e90\uff1a...", "\uc0ac\uc9c4=...".
_CJK_LABELS = "写真|撮影|提供|画像|図版|图片来源|图片|摄影|圖片來源|圖片|攝影|来源|來源|출처|사진"
_CJK_CREDIT = re.compile(
    rf"[\uff08(]\s*(?:{_CJK_LABELS})\s*[\uff1a:=\uff0f/\u30fb]\s*(?P<credit>[^\uff08\uff09()]{{1,60}}?)\s*[\uff09)]\s*$"
    rf"|(?:^|(?<=[\u3002\uff0e.!?\uff01\uff1f\s]))(?:{_CJK_LABELS})\s*[\uff1a:=]\s*(?P<bare>[^\uff1a:=\u3002]{{1,60}}?)\s*$"
)
# Korean papers end a caption with a slash and the photographer, a reporter ("… \uc788\ub2e4.
# /\uc815\uc9c0\uc740 \uae30\uc790") or the agency ("/\uc5f0\ud569\ub274\uc2a4"), after its last sentence.
_HANGUL = "\uac00-\ud7a3"  # the Korean syllables
_KO_CREDIT = re.compile(rf"(?<=[.!?]\s)/\s*(?P<credit>[{_HANGUL}][{_HANGUL}\w ]{{0,30}}?)\s*$")
_HANGUL_START = re.compile(f"[{_HANGUL}]")
# Japanese papers end a caption with a full-width "=" and what it adds: a place and date, then the
# photographer ("\u5c71\u672c\u88d5\u4e4b\u64ae\u5f71", taken by) or the provider ("\u2026\u63d0\u4f9b"),
# or an agency ("\u30ed\u30a4\u30bf\u30fc", Reuters): the last part is the credit when it is one of those.
_JA_AGENCIES = (
    "\u30ed\u30a4\u30bf\u30fc|\u5171\u540c|\u6642\u4e8b|\u65b0\u83ef\u793e|\u30b2\u30c3\u30c6\u30a3"
    "|AP|\uff21\uff30|AFP|\uff21\uff26\uff30|EPA|\uff25\uff30\uff21"
)
_TAKEN = "\u64ae\u5f71"  # "taken by", after a Japanese photographer's name: the name is the credit
_JA_CREDIT = re.compile(
    rf"(?<=[\uff1d=\u3001\uff0c,])\s*(?P<credit>{_JA_AGENCIES}|[^\uff1d=\u3002\u3001\uff0c,\s]{{1,20}}?(?:{_TAKEN}|\u63d0\u4f9b))\s*$"
)
# ... or close with the agency in brackets, and the one it came through after a "=" (AP via Kyodo);
# Chinese papers with the photographer and the character for "taken" (Japanese ones with theirs, in
# brackets: "\uff08\u67f3\u539f\u4e00\u54c9\u64ae\u5f71\uff09"), in brackets or after the
# caption's last sentence.
_BRACKETED_AGENCY = re.compile(
    rf"[\uff08(]\s*(?P<credit>(?:{_JA_AGENCIES})(?:\s*[\uff1d=]\s*(?:{_JA_AGENCIES}))?)\s*[\uff09)]\s*$"
    rf"|[\uff08(]\s*(?P<taken>[^\uff08\uff09()\u3002]{{1,30}}?)\s*(?:[\u6444\u651d]|{_TAKEN})\s*[\uff09)]\s*$"
    rf"|(?<=[\u3002\uff01\uff1f])\s*(?P<bare>[^\u3002\uff01\uff1f]{{1,30}}?)\s*[\u6444\u651d]\s*$"
)
# A credit is a line at a caption's end: only this much of the end is searched (the patterns try each
# position, and from each can run to the end of a long word, so a whole caption costs its length squared).
_CREDIT_TAIL = 1_000
# A label with no colon, left after the caption's sentence or a dash ("… del país - crédito @jo/X")
_BARE_LABEL = re.compile(rf"(?i)(?:(?<=[.!?])|\s+[-\u2013\u2014])\s+(?:photo|{_OTHER_LABELS})\s*$")
# A licence set between a credit's label and its colon: "Photo (cc) : svenwerk"
_LICENCE = r"(?:\s*\(cc[^()]{0,20}\))?"
_CREDIT_LABEL = re.compile(
    # the agencies' instruction to editors: "(Photo credit should read JIM WATSON/AFP/Getty Images)"
    r"(?i)^\(?(?:(?:photo|picture|image)\s+)?credit\s+should\s+read\b:?\s*|"
    # "Photographer:", "Photography by", "Photographed by", and "Photo by:" with its colon too
    r"^\(?(?:top\s+)?(?:(?:image|photo|picture|illustration)\s+)?(?:credits?|attribution|"
    r"photo(?:graph(?:ers?|y|ed)?)?s?|pictures?|images?|illustrations?|(?-i:Sources?)|"
    rf"(?:{_OTHER_LABELS})s?){_LICENCE}\s*(?::|\|\s|by\b\s*:?|courtesy(?: of)?\b)\s*"
    r"|^(?:foto (?:di|de|von)|courtesy(?: of)?|(?-i:By))\b\s*"
    r"|^(?-i:(?:Photo|Foto)s?)\s+(?=[A-Z\u00c0-\u00de])"  # "Photo Jo Doe. AFP", as French papers set it
    r"|^credits?\b\s*(?::|\.\.\.|\u2026)?\s*"
    r"|^\(?(?:image|photo|picture)\s+sources?\s*:\s*"  # "Image source: whitewave.com"
)


def lead_image(doc: lxml.html.HtmlElement, url: str) -> LeadImage:
    """The page's lead image with its alt text, caption and credit (before any furniture is stripped)."""
    declared = _declared_image(doc, url)
    body = _body_scope(doc)  # found once: on a page without <article>, by measuring its paragraphs
    figure = _lead_figure(doc, body, declared)
    opening = figure is not None and not _far_into(figure, body)
    found = declared or (_figure_image(figure, url) if figure is not None and opening else "")
    if not found:
        found = _featured(doc, url) or next(_body_images(body, url), "") or _hero_background(doc, url)
    if not found:
        return LeadImage()
    shown = showing(doc, found)
    found = _shown_larger(found, shown, url)
    if figure is None or not _shows_in(figure, found):
        # a box set out without <figure> that shows the picture beats a first figure that does not;
        # and when the picture is shown outside that figure, the figure is another picture's
        box = _image_box(shown, found)
        figure = box if box is not None else (None if _shown_outside(doc, found, figure) else figure)
    if figure is not None and _figcaption(figure) is None:
        figure = _with_caption_beside(doc, figure)
    caption, credit = _caption_and_credit(doc, figure, body, url)
    if not caption or not credit:
        said_caption, said_credit = _said_by_attributes(shown)
        caption, credit = caption or said_caption, credit or said_credit
    credit = clean_credit(credit or _json_ld_credit(doc))
    alt = _alt_for(doc, figure, found)
    alt = "" if _the_sites_name(doc, alt, url) else alt  # a logo's alt, in the box of the lead figure
    # "Foto: Ehrenamtler reparieren …" over the same words in the caption's box: the site's label
    # before its description, no one's name
    labelled_caption = bool(caption) and squash(clean_credit(alt)) == squash(caption)
    if labelled_caption:
        alt = caption
    elif not credit and _all_credit(alt):
        credit, alt = clean_credit(alt), ""  # it says whose the picture is, not what it shows
    elif alt:
        # "Wetterbild (Foto: anaterate/Pixabay.com)": an alt written as a caption with its credit, the
        # credit found or the one the caption gives (an alt that is a label and a slug, "Image:
        # US-SPACE-NASA", credits no one)
        own, said = split_credit(alt)
        if own and said and credit in ("", said) and _set_apart(alt[len(own) :].strip(), said):
            alt, credit = own, said
    return LeadImage(
        url=found,
        alt=caption if not alt or _is_credit(alt, credit) else alt,
        caption=caption,
        credit=credit,
        shown=shown if shown is not None else figure,
    )


def _shown_larger(found: str, shown: lxml.html.HtmlElement | None, url: str) -> str:
    """The picture at the size the page shows it, where the address found asks for a thumbnail of it
    (time.com declared "newsfeed_0824.jpg?w=150" and showed "…?w=455"): the same file at the same
    address, with a larger size asked for, or none (the file itself)."""
    asked = _asked_side(found)
    if shown is None or asked is None or asked >= SHOWN_WIDTH:
        return found
    where = urlsplit(found)._replace(query="", fragment="")
    for src in itertools.islice(image_sources(shown), _MAX_SOURCES):
        address = _joined(url, src)
        side = _asked_side(address)
        larger = side is None or side > asked
        if address and larger and urlsplit(address)._replace(query="", fragment="") == where:
            return address
    return found


def _asked_side(url: str) -> int | None:
    """The largest side an image address asks its resizer for ("?w=150"); None when it asks none."""
    sides = [int(side) for side in _URL_SIDE.findall(url)]
    return max(sides) if sides else None


_MAX_SOURCES = 20  # an <img>'s sources looked through: its src, a srcset's few widths


def _set_apart(tail: str, credit: str) -> bool:
    """Whether the end of an alt is a credit set apart from its description: labelled ("Photo: …"), in
    brackets, full-width ones too, after a full-width equals sign (as Japanese papers credit), or an
    agency's, or a Korean paper's slash; "Jo Harbour / Tom Quay" may be a band."""
    korean = tail[:1] == "/" and bool(_HANGUL_START.match(credit))
    return korean or tail[:1] in _SETS_APART or bool(_CREDIT_LABEL.match(tail) or _AGENCY_NAME.search(credit))


_SETS_APART = "([\uff08\u3010\uff1d="


def _all_credit(alt: str) -> bool:
    """Whether an alt is a credit and nothing more: a label and a name ("Photo: Jo Doe"), or names
    set apart by slashes with an agency's among them ("Mandel Ngan / AFP / Getty Images")."""
    if not alt or len(alt) > _MAX_CREDIT_ALT:
        return False
    caption, credit = split_credit(alt)
    if credit and not caption:
        return not _SLUG.fullmatch(credit)  # "Image: US-SPACE-AEROSPACE-NASA", a wire picture's slug
    return bool(_SLASHED_NAMES.fullmatch(alt)) and bool(_AGENCY_NAME.search(alt))


# a name of up to four capitalised words, a space between each: one way to read a run of letters
_NAME = r"[A-Z][\w.'\u2019&-]*(?: [A-Z][\w.'\u2019&-]*){0,3}"
_SLASHED_NAMES = re.compile(rf"{_NAME}(?: ?/ ?{_NAME})+")
_AGENCY_NAME = re.compile(rf"\b(?:{_AGENCIES})\b")
_MAX_CREDIT_ALT = 200  # characters: longer than any credit, an alt is not matched against the patterns


def _is_credit(alt: str, credit: str) -> bool:
    """Whether an alt only gives the credit, perhaps after a label ("Image Jo Doe/Flickr")."""
    if not credit or not alt.endswith(credit):
        return False
    return estimated_words(alt[: -len(credit)]) <= 2


def clean_credit(text: str) -> str:
    """A credit without its label ("Photograph: ", "Credit ", "© 2024") or brackets: the template's.

    A web address alone credits no one: it is a link to the file itself ("roar-assets-auto.rbl.ms"); nor
    does an email address, the photographer's contact beside the name.
    """
    text = _GLUED_LABELS.sub("", _unbracketed(squash(text)))
    text = _unbracketed(_CREDIT_LABEL.sub("", _COPYRIGHT.sub("", text)))
    text = _LICENCE_AFTER.sub("", _PICTURE_KIND.sub("", _PICTURE_ID.sub("", text)))
    text = without_final_stop(text)  # "Image source: Getty Images." ends a line, not the agency's name
    text = _AGENCY_YEAR.sub(r"\1", text)  # "AP2014": the agency, and the year of its copyright
    if _EMAIL.fullmatch(text) or _ONLY_A_KIND.fullmatch(text):
        return ""
    return "" if _ADDRESS.fullmatch(text) and not _AGENCY_DOMAIN.fullmatch(text) else text


# What kind of picture it is, said where a credit stands ("… drudgery [File] | Photo Credit: REUTERS",
# The Hindu; "(File photo)", "(Archivbild)"): an archive's or a stock picture, no one's name.
_ONLY_A_KIND = re.compile(
    r"(?i)(?:file|archive|stock)(?:[ -](?:photo|image|picture|pic))?|archiv(?:bild|foto)?|symbol(?:bild|foto)"
)


# An agency's short name run into the year of its copyright ("AP2014", as Fox's pages give their source).
_AGENCY_YEAR = re.compile(r"^([A-Z]{2,8})(?:19|20)\d\d$")
# A wire picture's id after its credit ("Jo Doe-USA TODAY Sports - RTR4JDW4"): the agency's filing
# number, no one's name.
_PICTURE_ID = re.compile(r"\s+-\s+RTR[0-9A-Z]{4,8}$")
# The licence a picture is shared under, after its author's name ("Tomas Munita/CIFOR (CC BY-NC-ND
# 2.0)", "Jo Doe, CC BY-SA 4.0", "Jo Doe | flickr | CC BY 2.0", "Jo Doe licensed under CC BY 2.0", with
# the words that say so), or that its rights are kept ("Jo Doe
# (Copyright)", "Jo Doe. All rights reserved."): the terms of its use, not a name. A bare "copyright"
# stays: "Crown copyright" is a name.
_LICENCE_AFTER = re.compile(
    r"(?i)[\s,;/|-]*(?:\(\s*)?(?:\b(?:licen[cs]ed|released|used|shared|available)\s+under\s+(?:an?\s+|the\s+)?)?"
    r"\b(?:(?-i:CC|cc)[\s-]?(?:BY|0)\b[\w\s.-]*|public domain)(?:\s*\))?$"
    r"|\s*\(\s*copyright\s*\)$|[\s,.;]*\ball rights reserved\.?$"
)
# What kind of picture the agency filed it as, after its name ("Markus Scholz/dpa/Archivbild", an
# archive or stand-in photo): no one's name.
_PICTURE_KIND = re.compile(
    r"(?i)\s*(?:/\s*(?:archiv|symbol)(?:bild|foto)?|\(\s*(?:archiv|symbol)(?:bild|foto)?\s*\))$"
)


def _unbracketed(text: str) -> str:
    """Text without the brackets around all of it ("(Getty Images)") or left at one end by the caption
    it was cut from ("Jo Doe)"); a bracket of its own stays ("Jo Doe/Getty Images (Composite)")."""
    text = text.strip()
    while text[:1] in ("(", "[") and text[-1:] in (")", "]") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    if text[:1] in ("(", "[") and not _balanced(text):
        text = text[1:]
    if text[-1:] in (")", "]") and not _balanced(text):
        text = text[:-1]
    return text.strip()


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if depth < 0:
            return False
    return depth == 0


_EMAIL = re.compile(r"(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ADDRESS = re.compile(r"(?:https?://)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/?#]\S*)?")
# A bare domain of two labels that is no host for files ("istockphoto.com", "shutterstock.com"): the
# agency's name as it writes it, a credit; "cdn.example" or "roar-assets-auto.rbl.ms" serve files.
_AGENCY_DOMAIN = re.compile(
    r"(?!(?:cdn|static|assets?|img|images?|media|files|uploads?|s3|video)\.)[a-z0-9-]+\.[a-z]{2,}"
)


# "CreditCreditJo Doe", "Credit Jo Doe": a label (and a copy of it read out to screen readers) set
# before the name in an element of its own.
_GLUED_LABELS = re.compile("^(?:Credit ?)+(?=[A-Z])")


# "© 2024 Jane Doe", "(c) Jane Doe", "Copyright 2024 Jane Doe": the mark and its year are the template's.
# "© 2024", and a label before it ("Bild © Jo Doe", "Photo © Jo Doe")
_COPYRIGHT = re.compile(
    rf"(?i)^(?:(?:photo|image|picture|{_OTHER_LABELS})s?:?\s*)?(?:\u00a9|\(c\)|copyright\b)\s*(?:{_YEAR}\s*)?"
)


def split_credit(caption: str) -> tuple[str, str]:
    """A caption's own words and the credit at its end ("Paris at dusk. Photograph: Jo Doe/Reuters")."""
    caption = squash(caption)
    leading = _LEADING_CREDIT.match(caption)
    if leading:  # "© Munir uz Zaman, AFP | Police forensics investigate …", as France 24 sets it
        return leading["caption"], clean_credit(leading["credit"])
    # A search from a position still sees what lies before it (its ^ and lookbehinds do).
    start = max(0, len(caption) - _CREDIT_TAIL)
    ja = _JA_CREDIT.search(caption, start)
    if ja and "\uff1d" in caption[: ja.start()]:
        credit = ja["credit"].removesuffix(_TAKEN) or ja["credit"]
        return caption[: ja.start()].rstrip("\uff1d=\u3001\uff0c, "), credit
    bracketed = _BRACKETED_AGENCY.search(caption, start)
    if bracketed:
        return caption[: bracketed.start()].rstrip(), clean_credit(next(g for g in bracketed.groups() if g))
    if _PHOTOGRAPHER.fullmatch(caption):
        return "", clean_credit(caption)  # "(Al Dukes Photography)": the caption is all credit
    for pattern in (_LABELLED_CREDIT, _CJK_CREDIT, _KO_CREDIT, _AGENCY_CREDIT):
        match = pattern.search(caption, start)
        if match:
            labelled = pattern is _LABELLED_CREDIT
            credit = match["credit"] if labelled else next(g for g in match.groups() if g)
            if (
                labelled
                and credit.count("(") > credit.count(")")
                and caption[match.end("credit") :][:1] == ")"
            ):
                credit += ")"  # "Foto: Getty Images (Symbolbild)": its own brackets, not the caption's
            # "… madrileño. / GORKA LEJARCEGI", "… Paris. Jo Doe/Reuters": the sentence stays the caption's
            bare = pattern is _AGENCY_CREDIT and match["bare"]  # no brackets around it
            ended = _SENTENCE_BEFORE_SLASH.match(credit) if bare else None
            cut = match.start() if ended is None else caption.find(credit, match.start()) + ended.end()
            credit = credit if ended is None else credit[ended.end() :]
            # "… Rotterdam. Foto ANP": a label with no colon stays before an agency's name
            own = _BARE_LABEL.sub("", caption[:cut]).strip().rstrip("/").strip()
            # "… verunstaltet. © Foto: Skoda": the sign was the credit's, and so was a bar before it
            own = _SIGN_BEFORE.sub("", own).rstrip(" |")
            return _OPENED_FOR_CREDIT.sub("", own), clean_credit(credit)
    return caption, ""


_SIGN_BEFORE = re.compile(r"(?i)\s*(?:\u00a9|\(c\))$")
# A credit before the caption, its copyright sign first, a bar after it
_LEADING_CREDIT = re.compile(
    r"(?i)(?P<credit>(?:\u00a9|\(c\))\s*(?=[^|]*[^\W\d_])[^|]{2,80}?)\s+\|\s+(?P<caption>\S.*)"
)
# A bracket the credit's words opened and the credit closes: "(All photos: Jo Doe)" is no caption "(All".
_OPENED_FOR_CREDIT = re.compile(r"\s*[(\[][^()\[\]]{0,20}$")
# A caption that is a credit in brackets: a photographer's studio or an agency's name, nothing else.
_PHOTOGRAPHER = re.compile(r"[(\[][^()\[\]]{2,80}\b(?:Photography|Photos?|Images|Pictures)[)\]]")
# The caption's sentences, up to the last end before the slash: "madrileño. / GORKA LEJARCEGI",
# "Paris. Jo Doe/Reuters". A word of three letters or more ends one ("St. Louis" and "J. Doe" do not).
_SENTENCE_BEFORE_SLASH = re.compile(r"[^/]*\w{3,}[.!?]\s+(?:/\s*)?")


def _declared_image(doc: lxml.html.HtmlElement, url: str) -> str:
    refused = _stand_ins(doc)  # once: each value is judged by the same declared size
    # The https address first: an http image is blocked or flagged by some mail clients.
    for name in ("og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src"):
        # Each of a name's values: an SEO plugin may declare the author's portrait first, the article's
        # picture after it (looked for only where there are several: one pass over the page's images).
        values = list(itertools.islice(meta_values(doc, name), _MAX_DECLARED))
        several = len(values) > 1
        joined = (_joined(url, content) for content in values)
        found = [
            value
            for value in joined
            if value and _declarable(doc, value, url, refused) and not _not_its_own(doc, value, url, several)
        ]
        # Of several pictures, the one the page shows: the others are shared, never seen on it.
        if len(found) > 1:
            shown = [value for value in found if showing(doc, value) is not None]
            # the same picture in several sizes (WordPress declares its 150x150 thumbnail first): the
            # size the page shows at that very address
            exact = (value for value in shown if _shown_at(doc, value))
            return next(exact, shown[0] if shown else found[0])
        if found:
            return found[0]
    for image in _json_ld_images(doc):
        src = image.get("url") or image.get("contentUrl") if isinstance(image, dict) else image
        value = _joined(url, src) if isinstance(src, str) else ""
        if value and _declarable(doc, value, url, refused):
            return value
    # The older ways to name it: <link rel="image_src"> (before Open Graph), schema.org microdata.
    for node in doc.xpath(_OLDER_DECLARATIONS):
        value = _joined(url, squash(node.get("href") or node.get("content") or ""))
        if value and _declarable(doc, value, url, refused):
            return value
    return ""


def _declarable(doc: lxml.html.HtmlElement, image: str, url: str, refused: re.Pattern[str]) -> bool:
    """Whether a declared picture may be the article's: no stand-in (``refused``: _stand_ins), no card
    of the whole site's."""
    return _usable(image, url, refused) and not _site_card(doc, image, url)


def _stand_ins(doc: lxml.html.HtmlElement) -> re.Pattern[str]:
    """The names that refuse a picture the page declares: a portrait's words too, unless the page
    declares its picture wide (_declared_wide)."""
    return _NOT_DECLARED_WIDE if _declared_wide(doc) else _NOT_DECLARED


def _declared_wide(doc: lxml.html.HtmlElement) -> bool:
    """Whether the page declares its picture wide and large (og:image:width and height): no one's
    portrait, whatever its file is called (Escapist's "avatar.jpg", 1233 by 694, for a story on the
    series Avatar)."""
    sides = [next(iter(meta_values(doc, f"og:image:{side}")), "") for side in ("width", "height")]
    if not all(side.strip().isdigit() for side in sides):
        return False
    width, height = (int(side) for side in sides)
    return width >= _WIDE_SIDE and height > 0 and width >= height * _WIDE_RATIO


_WIDE_SIDE = 600  # pixels: an article's picture, never an avatar's
_WIDE_RATIO = 1.25


_MAX_DECLARED = 4  # values of one meta tag looked at: a page declares one picture, or a few sizes of it


def _not_its_own(doc: lxml.html.HtmlElement, picture: str, url: str, several: bool) -> bool:
    """Whether the page shows a declared picture only as the site's logo (a small <img> whose alt is
    the site's name: McSweeney's ornament, 56 by 80) or, of several declared, only as a person's
    portrait (an avatar, or in the author's box)."""
    stem = _sized_stem(picture)
    if not _distinctive(stem):
        return False
    images = itertools.islice(doc.iter("img", "amp-img"), _MAX_IMAGES)
    shown = [img for img in images if any(_sized_stem(src) == stem for src in image_sources(img))]
    if not shown:
        return False
    return all(_a_logo(img, url) for img in shown) or (several and all(_in_author_box(img) for img in shown))


def _a_logo(img: lxml.html.HtmlElement, url: str) -> bool:
    """Whether an <img> is the site's logo: declared small, its alt the host's name ("McSweeney's"); or
    any logo its alt names so in a few words ("institution logo", "Logo der Stadt": a press office's
    sender; "The new logo unveiled at the harbour" is a photo)."""
    said = img.get("alt") or ""
    if _LOGO_ALT.search(said) and len(said.split()) <= _LOGO_ALT_WORDS:
        return True
    return _small(img) and folded(unescaped_twice(said)) in _host_labels(url)


_LOGO_ALT = re.compile(r"(?i)\blogo\b")
_LOGO_ALT_WORDS = 4


def _sized_stem(url: str) -> str:
    """A picture's file name without its extension and the size a resizer adds ("jo-512x512.jpg": "jo");
    for a rendition named by its size alone ("/bdb/2706842/640x360.jpg"), the folders that name the
    picture ("bdb/2706842/"), as its other sizes sit beside it ("765x431.jpg")."""
    name = file_name(url)
    # a rendition named after its picture's own file ("quay.jpg.CROP.hd-large.jpg", as Adobe's CMS
    # writes them): the picture is the name up to its first extension; Wagtail's, up to its hash;
    # TYPO3's, between its "csm_" and its hash
    original = (
        _RENDITION_OF.match(name)
        or _WAGTAIL_RENDITION.match(name)
        or _TYPO3_RENDITION.match(name)
        or _NPR_RENDITION.match(name)
    )
    stem = original.group(1) if original else name.rsplit(".", 1)[0]
    if _ONLY_A_SIZE.fullmatch(stem):
        return "/".join(urlsplit(url).path.split("/")[-3:-1]) + "/"
    return _SIZE_PREFIX.sub("", _SIZE_SUFFIX.sub("", stem))


_ONLY_A_SIZE = re.compile(r"\d{2,4}x\d{0,4}")
_RENDITION_OF = re.compile(r"(?i)(.+?)\.(?:jpe?g|png|gif|webp)\.")
# Wagtail's renditions: the picture's name, its hash, then the filter ("quay.2e16d0ba.fill-735x490.jpg",
# "quay.2e16d0ba.fill-1200x630-c0.jpg", "quay.2e16d0ba.max-1200x630.jpg", "quay.2e16d0ba.width-800.jpg")
_WAGTAIL_RENDITION = re.compile(
    r"(?i)(.+?\.[0-9a-f]{8})\.(?:fill|max|min|width|height|scale|original|focus-[a-z]+)[-.]"
)
# TYPO3's processed copies: "csm_", the picture's name, and a hash of the processing
# ("csm_2020-01_Reparatur-Caf%C3%A9_49efb8458e.jpg", "…_26f7bd6472.jpg")
_TYPO3_RENDITION = re.compile(r"csm_(.+)_[0-9a-f]{10}\.[a-z]{3,4}$")
# NPR's (and its stations'): the picture's name, its crop ("_wide", "_custom", "_sq"), a hash of the
# crop, then size and quality ("gettyimages-77766180_wide-b406baf1…-s1400-c100.jpg" declared,
# "gettyimages-77766180-fe17a532…-s1100-c50.jpg" shown)
_NPR_RENDITION = re.compile(
    r"(?i)(.+?)(?:_(?:wide|custom|sq|slide|vert|tall|square))?-[0-9a-f]{40}(?:-s\d{2,4})?(?:-c\d{1,3})?\.[a-z]{3,4}$"
)


# The sizes resizers add to a file's name: WordPress's "-512x512" and "-scaled", "_1200x630", a
# retina "@2x", the size words of a CMS's renditions ("-small", "_large"), and the renditions German
# public broadcasters name ("braunschweig7056_v-contentxl", "…_v-einspaltig", "…_v-16to9"), with the
# width, watermark and crop settings after it ("bild-38974_v-variantBig16x9_w-576_zc-915c23fa",
# "…_v-variantBig16x9_wm-true_zc-ecbbafc6": one picture)
_SIZE_SUFFIX = re.compile(
    r"(?i)(?:[-_]\d{2,4}x\d{2,4}|@[1-4]x|[-_](?:scaled|small|medium|large|thumb|thumbnail|full|big)"
    r"|_v-[a-z0-9]{2,20}(?:_[a-z]{1,3}-[a-z0-9]{1,20}){0,4})+$"
)


# A width a resizer sets before the name ("668_676731_1031.png" shown, "1280_676731_1031.png" declared):
# three or four digits, never a gallery's "01_" nor a year ("2024_05_quay.jpg")
_SIZE_PREFIX = re.compile(r"^(?!(?:19|20)\d\d[_-])[1-9]\d{2,3}[_-](?=[^.]{6,})")


def _in_author_box(img: lxml.html.HtmlElement) -> bool:
    # the portrait's own box (Drupal's: <div class="node__author"><div class="user"><div class=
    # "user__image"><a><img>), not the page's
    boxes = [img, *itertools.islice(img.iterancestors(), 4)]
    return any(_AUTHOR_BOX.search(f"{box.get('class', '')} {box.get('id', '')}") for box in boxes)


_AUTHOR_BOX = re.compile(r"(?i)avatar|author|byline|gravatar")


_OLDER_DECLARATIONS = (
    "(//link[@rel='image_src'] | //head/meta[@itemprop='image'] | //head/link[@itemprop='image']"
    " | //*[@itemtype[contains(., 'Article')]]/*[self::meta or self::link][@itemprop='image'])"
    "[position() <= 4]"
)


def _lead_figure(
    doc: lxml.html.HtmlElement, body: lxml.html.HtmlElement | None, shown: str = ""
) -> lxml.html.HtmlElement | None:
    """The article's first figure that is not a video's; the one showing ``shown`` when one does.

    A video's caption is not the lead image's. A page's declared image is often a crop of another
    size, named otherwise, so without one showing it the first figure stands in for it. ``body`` is
    the page's article (_body_scope): a figure in another <article>, a card, is not its.
    """
    name = file_name(shown)
    authors = _authors(doc)
    for scope in ("//article//", "//main//", "//"):
        found_here = doc.xpath(f"{scope}figure[not({_CHROME})]")
        stills = (
            f
            for f in found_here
            if not f.xpath(_VIDEO)
            and not _is_card(f)
            and not _in_a_card(f, body)
            and not _a_portrait(f, authors)
            # outside the article, a figure that a headline beside it links as well is a card
            and (scope == "//article//" or not _a_card_figure(f))
        )
        figures = list(itertools.islice(stills, _MAX_FIGURES))
        showing = (f for f in figures if name and _shows_in(f, shown))
        # ... else the first, which stands in for a declared picture only if it is no link to another
        # page (Super Express's "follow us on Google News" picture lent its alt and its empty caption)
        standing = (f for f in figures if not (name and _a_promo(f)))
        found = next(showing, None)
        found = next(standing, None) if found is None else found
        if found is not None:
            return found
    return None


_MAX_FIGURES = 50  # looked through for the declared image: a gallery page has hundreds


def _a_promo(figure: lxml.html.HtmlElement) -> bool:
    """Whether a figure's picture is a link to another page: a promo or a card, never the article's."""
    images = figure.xpath(_IMAGES)
    return bool(images) and _links_away(images[0])


def _a_portrait(figure: lxml.html.HtmlElement, authors: set[str]) -> bool:
    """Whether a figure is the author's portrait: its picture's alt is a name the page links to an
    author's page (the Australian Financial Review's columnist beside the headline, "<img
    alt='Jennifer Hewett'>", her byline "<a href='/by/jennifer-hewett-j7gc3'>Jennifer Hewett</a>"),
    whatever its box is called."""
    images = figure.xpath(_IMAGES)
    return bool(images) and folded(images[0].get("alt", "")) in authors


def _authors(doc: lxml.html.HtmlElement) -> set[str]:
    """The names, folded, of the links on the page to an author's page ("/by/…", "/author/…")."""
    found = set()
    for link in itertools.islice(doc.iter("a"), _MAX_LINKS):
        if _AUTHOR_PATH.search(link.get("href") or ""):
            name = folded(link.text_content()[:_MAX_NAME_CHARS])
            if name:
                found.add(name)
    return found


# An author's page on a news site: "/by/jo-harbour", "/author/jo-harbour", "/profile/…", "/staff/…"
_AUTHOR_PATH = re.compile(
    r"(?i)/(?:by|authors?|profiles?|people|staff|writers?|contributors?|columnists?|journalists?|autor(?:en)?"
    r"|auteurs?|autores)/[^/?#]"
)
_MAX_LINKS = 2_000  # a page's links looked through for its bylines: a menu and a footer have hundreds
_MAX_NAME_CHARS = 200  # of a link's text read as a name


def _image_box(img: lxml.html.HtmlElement | None, url: str) -> lxml.html.HtmlElement | None:
    """The small box around the picture that holds its caption or credit: a figure set out without
    <figure> ("<div class='photo'><img><span class='caption'>…</span></div>", as pages did before it).

    Only a box of that picture alone and a few lines: a wider one holds other pictures' captions.
    """
    name = file_name(url)
    for box in itertools.islice(_boxes_around(img), _BOX_LEVELS) if img is not None else ():
        if box.tag in ("article", "main", "body") or _text_longer_than(box, _BOX_CHARS):
            return None
        others = (i for i in box.xpath(_IMAGES) if not _shows(i, url, name) and not _an_icon(i))
        if any(any(image_sources(other)) for other in others):
            return None  # another picture's box: its caption is not this one's
        if box.xpath(_CAPTION_BOX) or _LABELLED_CREDIT.search(shown_block_text(box)):
            return box  # a caption box, or a line that says whose picture it is ("Credit: NASA")
        # its caption set right after its box ("<div class=feat-img><img></div><span class=
        # feat-caption>…</span>"): the two, read as one figure
        following = box.getnext()
        if following is not None and _a_caption(following):
            return _together(box, following)
    return None


def _with_caption_beside(doc: lxml.html.HtmlElement, figure: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A figure with no caption of its own, read with the caption the page sets apart from it: right
    after it or after a box that holds it alone (NBC's "<div class=article-hero__media><figure>…
    </figure></div><figcaption class=article-hero__caption>"), or named after a box around it
    wherever the page puts it (PBS's "<div class=post__hero><figure>…" and, in an aside after the
    article, "<p class=post__hero-caption>"). Else the figure as it is."""
    box = figure
    for _ in range(_BOX_LEVELS):
        following = box.getnext()
        if following is not None and (following.tag == "figcaption" or _a_caption(following)):
            return _together(box, following)
        named = _named_after(doc, box)
        if named is not None:
            return _together(box, named)
        parent = box.getparent()
        if parent is None or parent.tag in ("article", "main", "body") or _holds_more(parent, box):
            break
        box = parent
    return figure


def _named_after(doc: lxml.html.HtmlElement, box: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The caption the page names after a box's class ("post__hero" → "post__hero-caption")."""
    names = [n for n in (box.get("class") or "").split() if _CLASS_NAME.fullmatch(n)][:_MAX_CLASSES]
    wanted = " or ".join(
        f"contains(concat(' ', normalize-space(@class), ' '), ' {name}{joint}caption ')"
        for name in names
        for joint in ("-", "__", "_")
    )
    found = doc.xpath(f"(//*[{wanted}])[1]") if wanted else []
    return found[0] if found and not _text_longer_than(found[0], _BOX_CHARS) else None


_CLASS_NAME = re.compile(r"[A-Za-z][\w-]{1,60}")
_MAX_CLASSES = 4  # of a box's class names, each looked for with "-caption" after it


def _holds_more(box: lxml.html.HtmlElement, inner: lxml.html.HtmlElement) -> bool:
    """Whether a box holds more than the one element (an empty <script> or <noscript> aside)."""
    return any(
        isinstance(child.tag, str) and child is not inner and child.tag not in ("script", "noscript", "style")
        for child in box
    ) or bool((box.text or "").strip())


def _boxes_around(img: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """The elements around an <img>, innermost first, without the <source>s of its <picture>: libxml2
    nests each in the one before it, so a picture of four sizes would hold its <img> five levels down
    and its caption's box out of reach."""
    near = itertools.islice(img.iterancestors(), _BOX_LEVELS + _MAX_SOURCES)
    return (box for box in near if box.tag != "source")


def _a_caption(node: lxml.html.HtmlElement) -> bool:
    return bool(node.xpath(f"self::*[{_CAPTION_NAMED}]")) and not _text_longer_than(node, _BOX_CHARS)


def _together(*boxes: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A figure made of copies of the boxes, read as one (the page is left as it is)."""
    figure = lxml.html.Element("figure")
    for box in boxes:
        found = copy.deepcopy(box)
        found.tail = None
        figure.append(found)
    return figure


_MAX_IMAGES = 200  # looked through for the one showing the lead picture
# Where a script puts the picture in when the page runs: an element naming it in a data- attribute
# ("<span class='resimg' data-image='…'>", picturefill's "<div data-src='…'>").
_HOLDERS = "//*[not(self::img or self::amp-img or self::script)][@data-image or @data-src]"


def _images_showing(doc: lxml.html.HtmlElement, url: str) -> Iterator[lxml.html.HtmlElement]:
    """The <img>s (of the page's first _MAX_IMAGES) that show the picture at url, none a link to
    another page."""
    name = file_name(url)
    images = itertools.islice(doc.iter("img", "amp-img"), _MAX_IMAGES)
    return (i for i in images if _shows(i, url, name) and not _links_away(i))


def _shown_at(doc: lxml.html.HtmlElement, url: str) -> bool:
    """Whether an <img> of the page shows the picture at this very address (not another size of it)."""
    images = itertools.islice(doc.iter("img", "amp-img"), _MAX_IMAGES)
    return any(_at_address(tuple(image_sources(img)), url) for img in images)


def showing(doc: lxml.html.HtmlElement, url: str) -> lxml.html.HtmlElement | None:
    """The first <img> that shows the picture at url (no link to another page), else the placeholder a
    script puts it in."""
    img = next(_images_showing(doc, url), None)
    if img is None:  # no <img> shows it: a script's placeholder may stand where it will
        name = file_name(url)
        img = next((h for h in doc.xpath(_HOLDERS)[:_MAX_IMAGES] if _holds(h, url, name)), None)
    return img


def _said_by_attributes(shown: lxml.html.HtmlElement | None) -> tuple[str, str]:
    """The caption and credit the element showing the picture (_showing) gives in data- attributes,
    for the script that shows them ("<img data-credit='Lucy Akins'>", a gallery's "<span class='resimg'
    data-image='…' data-description='A surveillance photo …' data-credit='Police Department'>")."""
    if shown is None:
        return "", ""
    holders = [shown, *_wrapping(shown)]
    caption = next(
        (squash(h.get(a, "")) for h in holders for a in _CAPTION_ATTRIBUTES if h.get(a, "").strip()), ""
    )
    credit = next(
        (squash(h.get(a, "")) for h in holders for a in _CREDIT_ATTRIBUTES if h.get(a, "").strip()), ""
    )
    caption, in_caption = split_credit(caption)  # "… black cod. (Ellen M. Banner / The Seattle Times)"
    return caption, credit or in_caption


def _wrapping(shown: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """The elements around a picture that show it for a script: its <noscript> fallback's, and the web
    component's that holds both (Gannett's "<media-image credit='…' caption='…'><noscript><img>")."""
    for around in itertools.islice(shown.iterancestors(), _WRAPPING_LEVELS):
        if around.tag != "noscript" and "-" not in around.tag:
            return
        yield around


_WRAPPING_LEVELS = 2
_CAPTION_ATTRIBUTES = ("data-caption", "data-description", "caption")
# (a bare "caption" or "credit" is no HTML attribute: a web component's, which says what it is)
_CREDIT_ATTRIBUTES = ("data-credit", "data-photo-credit", "data-image-credit", "data-photographer", "credit")


def _shown_outside(doc: lxml.html.HtmlElement, url: str, figure: lxml.html.HtmlElement | None) -> bool:
    """Whether an <img> outside ``figure`` shows the picture at url (and is no link to another page)."""
    return figure is not None and any(figure not in i.iterancestors() for i in _images_showing(doc, url))


def _an_icon(img: lxml.html.HtmlElement) -> bool:
    """A share button's or a list's icon beside a picture: small, or named an icon."""
    return _small(img) or any(_NOT_A_PHOTO.search(urlsplit(src).path) for src in image_sources(img))


def _holds(holder: lxml.html.HtmlElement, url: str, name: str) -> bool:
    sources = (holder.get(attr, "").strip() for attr in ("data-image", "data-src"))
    return any(src and _same_picture(_joined(url, src), url, name) for src in sources)


_BOX_LEVELS = 5  # an <img> in a link in a box, beside its caption (in a box or two of its own)
_BOX_CHARS = 600  # a caption and its credit; an article's text is far longer
# A class's words, lower-cased, each set apart by spaces ("sl-art-illo-cap": " sl art illo cap ").
_CLASS_WORDS = (
    "concat(' ', translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ-_', 'abcdefghijklmnopqrstuvwxyz  '), ' ')"
)
# "cutline": the newsroom's word for a photo's caption; "cap" and "cred" its abbreviations, as class
# words of their own (Slate's "sl-art-illo-cap", "sl-art-illo-cred"), never inside another word
_CAPTION_NAMED = (
    f"contains({_LOWER_CLASS}, 'caption') or contains({_LOWER_CLASS}, 'cutline')"
    f" or contains({_CLASS_WORDS}, ' cap ')"
)
# A credit's box by its class: "Credit", "ImageCopyright", "photo-credit", "sl-art-illo-cred".
_CREDIT_CLASS = (
    f"contains({_LOWER_CLASS}, 'credit') or contains({_LOWER_CLASS}, 'copyright')"
    f" or contains({_CLASS_WORDS}, ' cred ')"
)
# ... or its "source" (Fox's "<div class=summary>… <span class=source>REUTERS</span></div>", NBC's
# "caption__source"), a class word of its own
_SOURCE_NAMED = f"contains({_CLASS_WORDS}, ' source ')"
_CAPTION_BOX = f".//*[{_CAPTION_NAMED} or {_CREDIT_CLASS} or {_SOURCE_NAMED}]"
_VIDEO = (
    f"self::*[contains({_LOWER_CLASS}, 'video') or contains(@itemtype, 'VideoObject')] | .//video | .//iframe"
)


def _sources_in(figure: lxml.html.HtmlElement) -> Iterator[str]:
    for img in figure.xpath(_IMAGES):
        yield from image_sources(img)


def _shows_in(figure: lxml.html.HtmlElement, url: str) -> bool:
    """Whether a figure shows the picture at url, in this size or another."""
    name = file_name(url)
    return any(_same_picture(src, url, name) for src in _sources_in(figure))


def _figure_image(figure: lxml.html.HtmlElement, url: str) -> str:
    return next(_images_in(figure, url), "")


def _body_images(scope: lxml.html.HtmlElement | None, url: str) -> Iterator[str]:
    """Pictures of the article's body (``scope``, _body_scope) that are set out as one: wide, or in a
    photo's box.

    Without a body to be sure of, an image somewhere on the page (a product shot, a banner) is no lead
    image.
    """
    if scope is None:
        return iter(())
    boxed = [
        img
        for img in scope.xpath(f"{_IMAGES}[not({_CHROME})]")
        if _set_out(img) and not _promotes(img) and not _is_card(img) and not _in_author_box(img)
    ]
    if not boxed and scope.tag not in ("article", "main"):
        boxed = _set_out_before(scope)
    # in the page's order: after one far into the text, all are
    opening = itertools.takewhile(lambda img: not _far_into(img, scope), boxed)
    return (u for img in opening for u in _images_in_one(img, url))


def _far_into(node: lxml.html.HtmlElement, body: lxml.html.HtmlElement | None) -> bool:
    """Whether more than _OPENING_WORDS of the article's text come before a picture: set after its
    opening paragraphs, a picture illustrates a point further down (a chart, a portrait, a gallery),
    and a reader takes it for no lead picture."""
    if body is None:
        return False
    words = 0
    for text in reversed(node.xpath("preceding::text()")):
        parent = text.getparent()
        if parent is None or not (body in parent.iterancestors() or (parent is body and not text.is_tail)):
            return False  # the body's start: what comes before it is the page's, not the article's
        if text.is_tail or parent.tag not in ("script", "style"):
            words += estimated_words(text)
        if words > _OPENING_WORDS:
            return True
    return False


_OPENING_WORDS = 150  # an article's opening paragraph or two


def _featured(doc: lxml.html.HtmlElement, url: str) -> str:
    """The picture WordPress marks as the post's featured one ("wp-post-image"), set out of the body's
    text by the theme (ldt.de's "blogsingleimage" between the headline and the text); never one of a
    list's cards, a sidebar's or a footer's."""
    for img in itertools.islice(doc.xpath(_FEATURED), _MAX_FEATURED):
        if img.xpath(_CHROME) or _links_away(img) or _in_a_card(img, None):
            continue
        found = next(_images_in_one(img, url), "")
        if found:
            return found
    return ""


_FEATURED = "//img[contains(concat(' ', normalize-space(@class), ' '), ' wp-post-image ')]"
_MAX_FEATURED = 3  # the post's own is the first; related posts' cards come after it


def _hero_background(doc: lxml.html.HtmlElement, url: str) -> str:
    """The picture a box around the headline shows as its background, the headline set over it
    ("<div class=featured_image style='background-image: url(…/IMG_4266.jpg)'><h2>…</h2></div>"),
    on a page that declares and shows no other: a theme's header photo, which no <img> holds."""
    for box in itertools.islice(doc.xpath(_BACKGROUNDED), _MAX_BACKGROUNDS):
        if box.tag in ("html", "body") or box.xpath(_CHROME) or not box.xpath(_HEADLINES):
            continue
        if not at_most_words(box, _HERO_WORDS, estimated_words):
            continue  # a box of the whole page, its background a texture
        found = _BACKGROUND_URL.search(box.get("style", ""))
        address = _joined(url, found["url"].strip()) if found else ""
        if address and _usable(address, url):
            return address
    return ""


_BACKGROUNDED = "//*[contains(@style, 'url(')]"
_HEADLINES = ".//h1 | .//h2"
_MAX_BACKGROUNDS = 20  # boxes with a background picture looked at: a hero is among a page's first
_HERO_WORDS = 80  # a headline, a dek, a byline and a date
_BACKGROUND_URL = re.compile(r"""(?i)background(?:-image)?\s*:[^;]*?url\(\s*['"]?(?P<url>[^'")]+)""")


def _set_out_before(box: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The pictures set out just before a body box found by its text, in the boxes around it: a
    publishing system's fields put the article's picture in a field of its own before its text's
    ("<div class=field--item><img …></div><div class=field--item><p>…</p></div>")."""
    for around in itertools.islice(box.iterancestors(), _FIELD_LEVELS):
        if around.tag == "body":
            break
        earlier = _before(around, box)
        before = [
            img
            for img in around.xpath(f"{_IMAGES}[not({_CHROME})]")[:_MAX_IMAGES]
            if img in earlier and _set_out(img) and not _promotes(img) and not _is_card(img)
        ]
        if before:
            return before
    return []


def _before(around: lxml.html.HtmlElement, box: lxml.html.HtmlElement) -> set[lxml.html.HtmlElement]:
    """The elements of ``around`` that come before ``box`` in the page (one walk, whatever is asked)."""
    earlier = set()
    for node in around.iter():
        if node is box:
            break
        earlier.add(node)
    return earlier


_FIELD_LEVELS = 3  # boxes around a body box looked into: a field, its list of fields, the node


# Boxes inside an article that show something else: a promotion of a book or course, related
# stories, a sponsor (its "presenting" banner too), an advertisement, a newsletter sign-up.
_ELSEWHERE_BOX = re.compile(
    r"(?i)promo|related|recommend|sponsor|presenting|advert|newsletter|subscri|(?:^|[\s_-])ads?(?:$|[\s_-])"
)


def _promotes(img: lxml.html.HtmlElement) -> bool:
    """Whether an image stands in a box that shows something other than the article."""
    for box in img.iterancestors():
        if box.tag in ("article", "main", "body"):
            return False
        if _ELSEWHERE_BOX.search(f"{box.get('class', '')} {box.get('id', '')}"):
            return True
    return False


def _body_scope(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The page's article: of several <article>s (a list of the most read is one each), the one with
    the most text; else its <main>."""
    articles = doc.xpath("//article")[:_MAX_ARTICLES]
    if len(articles) == 1:
        return articles[0]  # most pages: nothing to measure, and a body's text is long to read
    if articles:
        return max(articles, key=lambda node: len(node.text_content()))
    main = doc.xpath("//main")
    return main[0] if main else _text_box(doc)


def _text_box(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The box whose own paragraphs hold most of the page's text: the body, on a page that marks it
    with no <article> or <main> ("<div id='abody'>", as pages were written before them)."""
    chars: dict[lxml.html.HtmlElement, int] = {}
    for paragraph in itertools.islice(doc.iter("p"), _MAX_PARAGRAPHS):
        box = paragraph.getparent()
        if box is not None:
            chars[box] = chars.get(box, 0) + latin_length(paragraph.text_content())
    box, most = max(chars.items(), key=lambda item: item[1], default=(None, 0))
    return box if most >= _BODY_CHARS and box is not None and box.tag != "body" else None


_MAX_PARAGRAPHS = 500  # of a page read for its body: an article's are among its first
# An article's text at least, in Latin characters' worth (two short paragraphs): a page with less has
# no body.
_BODY_CHARS = 300


_MAX_ARTICLES = 50  # a page lists at most this many <article>s worth measuring


def _set_out(img: lxml.html.HtmlElement) -> bool:
    if (_declared(img, "width") or 0) >= _WIDE:
        return True
    boxes = [a for _, a in zip(range(3), img.iterancestors(), strict=False)]
    if any(_IMAGE_BOX.search(f"{box.get('class', '')} {box.get('id', '')}") for box in boxes):
        return True
    return _alone_in_its_block(img) or _between_paragraphs(img)


def _alone_in_its_block(img: lxml.html.HtmlElement) -> bool:
    """An image that is its block's only content (<p><img></p>, <p><a><img></a></p>): how Markdown
    and a blog's editor set a photo out, where an icon stands in a line of text. A <div> of its own
    does the same in older editors ("<div style='text-align: center'><img></div>"), where a picture
    in a link is a logo or a button ("<div><a href=/><img alt=Google></a></div>")."""
    box = img.getparent()
    linked = False
    # ... through the inline elements an editor wraps it in ("<p><span><strong><img></strong></span></p>")
    for _ in range(_WRAPPERS):
        if box is None or box.tag not in _INLINE_WRAPPERS:
            break
        linked = linked or box.tag == "a"
        box = box.getparent()
    if box is None or box.tag not in ("p", "div", "center") or box.text_content().strip():
        return False
    return (box.tag == "p" or not linked) and len(box.xpath(_IMAGES)) == 1


_INLINE_WRAPPERS = frozenset(["a", "span", "strong", "b", "em", "i", "font"])
_WRAPPERS = 4


def _between_paragraphs(img: lxml.html.HtmlElement) -> bool:
    """An image that stands between two of the body's paragraphs, in no link and no line of text
    ("<p>…</p><img src=…><p>…</p>", as Toutiao sets its photos out)."""
    before, after = img.getprevious(), img.getnext()
    if before is None or after is None or before.tag != "p" or after.tag != "p":
        return False
    return not (before.tail or "").strip() and not (img.tail or "").strip()


def _images_in_one(img: lxml.html.HtmlElement, url: str) -> Iterator[str]:
    if _small(img) or _NOT_A_PHOTO.search(img.get("class", "")):
        return
    # A stand-in in src ("placeholder.gif") until a script swaps in one of the srcset's pictures.
    for src in image_sources(img):
        absolute = _joined(url, src)
        if absolute and _usable(absolute, url):
            yield absolute
            return


# Pictures: <img>, and AMP pages' <amp-img>.
_IMAGES = ".//*[self::img or self::amp-img]"
_WIDE = 300  # px: an image this wide is set out as a picture, not an inline icon


def _images_in(scope: lxml.html.HtmlElement, url: str) -> Iterator[str]:
    for img in scope.xpath(f"{_IMAGES}[not({_CHROME})]"):
        yield from _images_in_one(img, url)


def image_sources(img: lxml.html.HtmlElement) -> Iterator[str]:
    """An <img>'s sources in the order to try them: lazy-loading attributes, src, then its srcset's
    candidates, the widest first (a srcset without widths in its order), then those of the
    <source> elements of its <picture> (which may be all a responsive page gives).

    A src that does not say it is as wide as the email shows it comes after the srcset's candidate
    that fits the email (``<img src="ferry-300.jpg" srcset="ferry-1200.jpg 1200w, …">``): it is the
    small fallback of a responsive picture, blurred when the email shows it 600 pixels wide.
    """
    for attr in _LAZY_ATTRIBUTES:
        value = (img.get(attr) or "").strip()
        if _names_a_file(value):
            yield value
    # ... and those a site names its own way ("data-src-big", "data-hi-res-src"), when they name a
    # picture's file
    for attr, value in img.items():
        if attr not in _LAZY_ATTRIBUTES and _LAZY_NAMED.fullmatch(attr) and _an_image_file(value):
            yield value.strip()
    fitting = "" if (_declared(img, "width") or 0) >= SHOWN_WIDTH else _fitting(img)
    if fitting:
        yield fitting
    src = (img.get("src") or "").strip()
    if _names_a_file(src):
        yield src
    yield from _candidates(img)
    yield from _picture_candidates(img)


_LAZY_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-img")
_LAZY_NAMED = re.compile(r"(?i)data-[\w-]{0,20}(?:src|original|lazy|img|image)(?!set)[\w-]{0,20}")


def _an_image_file(address: str) -> bool:
    """Whether an address names an image file by its last part ("…/quay.jpg?w=800"), as a link to a
    full-size picture or an attribute a script loads it from does."""
    last = address.strip().split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1]
    return _names_a_file(address.strip()) and bool(_FILE_NAME.fullmatch(last))


def _names_a_file(src: str) -> bool:
    """Whether a src names a picture to fetch: not empty, inline data, or a placeholder's "#" (which,
    read against any address, would be that address, and so "show" every picture)."""
    return bool(src) and not src.startswith(("data:", "#"))


def _picture_candidates(img: lxml.html.HtmlElement) -> Iterator[str]:
    # libxml2 does not know <source> is empty and nests what follows it inside: look up through as many
    # levels as a picture has sources (The Hindu gives four sizes, its <img> five levels down)
    near = zip(range(_SOURCE_LEVELS), img.iterancestors(), strict=False)
    picture = next((a for _, a in near if a.tag == "picture"), None)
    if picture is not None:
        # Formats some mail clients cannot show (WebP in Outlook on Windows) come last.
        first = itertools.islice(picture.iter("source"), _MAX_SOURCES)  # a few formats, never thousands
        sources = sorted(first, key=lambda s: s.get("type", "") in _NEWER_FORMATS)
        for source in sources:
            yield from _candidates(source)


_SOURCE_LEVELS = _MAX_SOURCES + 1  # a <source> for each format and size, and the <picture>


def _fitting(img: lxml.html.HtmlElement) -> str:
    """The srcset candidate that fits the email: the narrowest at least twice the width it is shown
    at (sharp on a high-density screen), else the widest; "" when the srcset names no widths."""
    sized = [pair for pair in _srcset(img) if pair[0] > 0]
    if not sized:
        return ""
    sharp = [pair for pair in sized if pair[0] >= 2 * SHOWN_WIDTH]
    return min(sharp)[1] if sharp else max(sized)[1]


_NEWER_FORMATS = frozenset({"image/webp", "image/avif", "image/jxl"})
_MAX_SOURCES = 12


def _candidates(element: lxml.html.HtmlElement) -> Iterator[str]:
    """The addresses of an element's srcset, the widest first."""
    yield from (address for _, address in sorted(_srcset(element), key=lambda pair: -pair[0]))


def _srcset(element: lxml.html.HtmlElement) -> list[tuple[int, str]]:
    """An element's srcset candidates, each its width (0 for a density or none) and its address."""
    srcset = element.get("data-srcset") or element.get("srcset") or ""
    candidates = [words for words in (c.split() for c in srcset.split(",", _MAX_CANDIDATES)) if words]
    return [
        (_width(words[1] if len(words) > 1 else ""), words[0])
        for words in candidates
        if not words[0].startswith("data:")  # ", a.jpg"
    ]


_MAX_CANDIDATES = 50  # a srcset lists a handful; a page's thousands are not all read


def _width(descriptor: str) -> int:
    """The width a srcset descriptor names ("1200w"), 0 for a density ("2x") or none."""
    digits = descriptor[:-1]
    return int(digits) if descriptor.endswith("w") and digits.isdigit() and len(digits) < 9 else 0


# Where one picture's address ends and the next begins, glued on: an image's file extension, then a
# scheme (an archive's "/web/2017im_/http://…" keeps its second scheme: no extension stands before it)
_GLUED = re.compile(r"(?i)(?<=\.jpg|\.png|\.gif)(?=https?://)|(?<=\.jpeg|\.webp)(?=https?://)")


def _joined(page: str, address: str) -> str:
    """An image's address made absolute; "" for none, or one that cannot be (a malformed IPv6 host).

    An address its page escaped twice ("…?at=1&amp;amp;width=750", read as "&amp;width=750") has its
    "&" back: no image address holds "&amp;" as such, and the server would not know "amp;width".
    Several addresses run together ("…/a.jpghttps://…/b.jpg", a CMS's og:image of a gallery) are the
    first of them.
    """
    address = _GLUED.split(address.replace("&amp;", "&"), maxsplit=1)[0]
    try:
        return urljoin(page, address) if address else ""
    except ValueError:  # the next candidate may be the article's picture
        return ""


def _small(img: lxml.html.HtmlElement) -> bool:
    return any((side := _declared(img, attr)) is not None and side < MIN_SIDE for attr in ("width", "height"))


def _declared(img: lxml.html.HtmlElement, attr: str) -> int | None:
    """The width or height an <img> declares in pixels ("300", "300px"); None when it declares none.

    A number of absurd length reads as absurdly large: Python refuses to build an int of 4,300 digits
    or more, and the ValueError cost the page its lead image.
    """
    value = (img.get(attr) or "").strip().removesuffix("px") or _styled(img, attr)
    if not value.isdecimal():
        return None
    return int(value) if len(value) < _MAX_DIGITS else 10**_MAX_DIGITS


_MAX_DIGITS = 9  # of a declared side: a billion pixels is past any picture


def _styled(img: lxml.html.HtmlElement, side: str) -> str:
    """The side an <img> gives in pixels in its style attribute ("width:800px;height:384.03px"), as
    editors that size a picture by dragging it write it; "" when it gives none (or in other units)."""
    for found in _STYLED_SIDE.finditer((img.get("style") or "")[:_MAX_STYLE]):
        if found.group(1).lower() == side:
            return found.group(2)
    return ""


# A width or height in pixels, as its own property ("max-width: 100%" is none); fractions dropped.
_STYLED_SIDE = re.compile(r"(?:^|;)\s*(width|height)\s*:\s*(\d{1,12})(?:\.\d*)?px", re.IGNORECASE)
_MAX_STYLE = 1_000  # characters of a style attribute read: a picture's is a line


def _usable(url: str, page: str, refused: re.Pattern[str] = _NOT_A_PHOTO) -> bool:
    """An address the page may name (is_page_link) of a picture, not a logo, icon, tracker or pixel."""
    if not is_page_link(url, page):
        return False
    parts = urlsplit(url)
    # the site's home page ("http://www.greenpeace.org") is no picture, unless an image service at the
    # root of its host is asked for one
    if parts.path.strip("/") == "" and not _proxied_picture(parts.query):
        return False
    if any(int(side) < MIN_SIDE for side in _URL_SIDE.findall(url) if int(side) > 0):
        return False
    name = file_name(url)
    stand_in = (
        refused.search(parts.path)
        or _SITE_DEFAULT.search(name)
        or _COPYRIGHT_MARK.match(name)
        or _CAMEL_LOGO.search(name)
    )
    return not (stand_in or _TRACKERS.search(url) or _THEME_FOLDER.search(parts.path))


def _proxied_picture(query: str) -> bool:
    """Whether a query names the picture an image service at its host's root shows resized
    ("https://nimg.ws.126.net/?url=http%3A%2F%2Fdingyue.ws.126.net%2F…%2F8b37ab4a.jpg&thumbnail=660x…",
    as NetEase serves every picture of its articles)."""
    values = parse_qsl(query[:_MAX_QUERY_CHARS])
    return any(_an_image_file(value) for _, value in values[:_MAX_QUERY_VALUES])


_MAX_QUERY_CHARS = 2_000  # of an image's address read for the picture it names: a service's are short
_MAX_QUERY_VALUES = 5


# A WordPress theme's own pictures (its logo, its anchor, its default): the site's, never an article's,
# which lie in wp-content/uploads.
_THEME_FOLDER = re.compile(r"(?i)/wp-content/themes/")


# A file named for the copyright sign it shows ("copyright.png", "copyright-badge.gif"). Only the name's
# start: a photographer's file may say whose copyright it is ("…_Michael_von_Lingen-Copyright-web.JPG").
_COPYRIGHT_MARK = re.compile(r"(?i)copyright(?![a-z])")


# A logo whose file's name runs the word in with capitals ("bluesLogoMobile.png", "siteLogo.svg"),
# where _NOT_A_PHOTO looks for the word set apart.
_CAMEL_LOGO = re.compile(r"[a-z]Logo(?![a-z])")


# A file that names itself a stand-in: the picture a site shows where an article has none of its own
# ("defaultPromoCrop.png", "og-default.jpg", "fallback-share.png"). Only the file's name: a folder
# named so holds articles' pictures ("/sites/default/files/…").
_SITE_DEFAULT = re.compile(r"(?:^|[^a-zA-Z]|(?<=[A-Z]))(?i:default|fallback)")  # "FBdefault.png" too


def _site_card(doc: lxml.html.HtmlElement, image: str, url: str) -> bool:
    """Whether a declared picture is the site's card for sharing any of its pages: named for sharing
    alone (_share_card), with no picture the page shows beside it in its folder (CityLab names each
    article's own crop "…/2019/04/mr1/facebook.jpg", and shows its "…/mr1/300.jpg")."""
    name = file_name(image)
    if not _share_card(name):
        return False
    # ... named with the article's number its address gives ("11387_fb.jpg" for CodeZine's
    # ".../detail/11387"): the card of that article alone
    if any(number in urlsplit(url).path for number in _ARTICLE_NUMBER.findall(name)):
        return False
    folder = _folder(image)
    for img in itertools.islice(doc.iter("img"), _MAX_FOLDER_LOOKS):
        for src in itertools.islice(image_sources(img), _MAX_SOURCES):
            address = _joined(url, src)
            # a picture of its own there, not another of the site's cards, logos or icons
            mine = address and _folder(address) == folder and not _share_card(file_name(address))
            if mine and _usable(address, url):
                return False
    return True


# five digits or more: no year ("og-2020.png" beside ".../2020/05/...") and no size ("fb-1200.png")
_ARTICLE_NUMBER = re.compile(r"(?<!\d)\d{5,12}(?!\d)")


def _folder(url: str) -> str:
    return url.split("?", 1)[0].rsplit("/", 1)[0]


_MAX_FOLDER_LOOKS = 500  # of a page's pictures: its own are near the top


def _share_card(name: str) -> bool:
    """Whether a file is named for sharing a page and nothing else ("facebook.png", "preview-fb-hd.png",
    "og-image.jpg", "twitter_card.jpg"): the site's card for any of its pages, no article's picture
    ("Erin_FB.png" names its picture)."""
    words = [w.casefold() for w in _NAME_WORDS.findall(name.rsplit(".", 1)[0])]
    generic = all(w in _SHARING or w in _GENERIC or w.isdigit() for w in words)
    return generic and any(w in _SHARING for w in words)


_NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_SHARING = frozenset(
    [
        *("facebook", "fb", "twitter", "tw", "linkedin", "whatsapp", "instagram"),
        *("og", "opengraph", "social", "share", "sharing", "card", "preview"),
    ]
)

# "og-image", "fb1200x630"; an author's portrait shared for every page ("portrait2018facebook.jpg")
_GENERIC = frozenset(["image", "img", "meta", "hd", "x", "portrait", "profile", "headshot", "author"])


def _alt_for(doc: lxml.html.HtmlElement, figure: lxml.html.HtmlElement | None, url: str) -> str:
    """The image's own alt: the <img> that shows it, else the lead figure's."""
    own = next((alt for alt in map(_described, _images_showing(doc, url)) if alt), "")
    if own:
        return own
    images = figure.xpath(_IMAGES) if figure is not None else []
    return _described(images[0]) if images else ""


def _the_sites_name(doc: lxml.html.HtmlElement, alt: str, url: str) -> bool:
    """Whether an alt is the site's name, as its og:site_name or its host says it ("SIC Notícias" on
    sicnoticias.pt, the channel's logo beside the video): it names whose the page is, not what a
    picture shows."""
    said = folded(alt)
    if not said:
        return False
    names = itertools.islice(meta_values(doc, "og:site_name"), _MAX_SITE_NAMES)
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return said in _host_labels(url) or any(said == folded(name) for name in (*names, host))


_MAX_SITE_NAMES = 2


def _host_labels(url: str) -> list[str]:
    """The labels of a page's host that may name its site, folded: not "co" or "uk" of "co.uk"."""
    labels = (folded(label) for label in (urlsplit(url).hostname or "").split("."))
    return [label for label in labels if len(label) > _MIN_LABEL]


_MIN_LABEL = 2


def _shows(img: lxml.html.HtmlElement, url: str, name: str) -> bool:
    """Whether an <img> shows the picture at url: the same address, or another size of the same file.

    A file name counts only when it tells one picture from another: a resizer's "dims", or the
    "index.jpg" or "lead_large.jpg" every article of a site has, would match other stories' pictures.
    """
    sources = (*image_sources(img), *_enlarged(img))
    if _at_address(sources, url):
        return True
    return _distinctive(name) and any(_same_picture(src, url, name) for src in sources)


def _enlarged(img: lxml.html.HtmlElement) -> Iterator[str]:
    """The picture a thumbnail opens at full size: the image file its link goes to (a lightbox's
    "<a href='…/33162.jpg' class='highslide'><img src='…/33161.jpg'></a>")."""
    for link in itertools.islice(img.iterancestors("a"), 1):
        href = (link.get("href") or "").strip()
        if _an_image_file(href):
            yield href


def _at_address(sources: tuple[str, ...], url: str) -> bool:
    """Whether one of an <img>'s sources is the picture's very address; a src is often written from
    the site's root ("/photos/quay.jpg"): it is read where the picture is."""
    return any(_address(_joined(url, src)) == _address(url) for src in sources)


def _same_picture(src: str, url: str, name: str) -> bool:
    """Whether src names the picture at url (file ``name``): the same file, or another size of it
    ("quay-800.jpg" and "quay-800-250x187.jpg", "quay_large.jpg" and "quay_small.jpg")."""
    # a name written with its spaces ("Oscar Isaac.jpg") or escaped ("Oscar%20Isaac.jpg") is one name
    src, name, url = unquote(src), unquote(name), unquote(url)
    if name in src and not _ONLY_A_SIZE.fullmatch(name.rsplit(".", 1)[0]):  # "640x360.jpg" names no picture
        return True
    stem = _sized_stem(url)
    return _distinctive(stem) and _sized_stem(src) == stem


def _address(url: str) -> str:
    return url.split("://", 1)[-1]  # the query too: a resizer's address names its picture there


def _distinctive(name: str) -> bool:
    stem = name.rsplit(".", 1)[0]
    return len(stem) >= 6 or any(c.isdigit() for c in stem)


def _links_away(img: lxml.html.HtmlElement) -> bool:
    """Whether the picture is a link to another page: a related story's card, whose alt is that story's.

    A link to the picture itself (a full-size view) or to a place on the page is not one.
    """
    for link in img.iterancestors("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith("#"):
            return False
        try:
            return not _an_image_file(href) and not _to_this_page(img, href) and not _picture_page(img, href)
        except ValueError:  # an address no browser can open ("http://[::1"): it leads to no other story
            return False
    return False


def _picture_page(img: lxml.html.HtmlElement, href: str) -> bool:
    """Whether a link opens the picture's own page, named as its file is (the German broadcasters'
    "<a href=…/bild-38974.html><img src=…/bild-38974_v-variantBig16x9_w-576_zc-915c23fa.jpg>")."""
    page = file_name(href).rsplit(".", 1)[0]
    return _distinctive(page) and any(_sized_stem(src) == page for src in image_sources(img))


def _to_this_page(img: lxml.html.HtmlElement, href: str) -> bool:
    """Whether a link is to the page itself, as its canonical address or og:url names it: a header
    picture that links to its own article (futurezone's "<a class=image href=/…/400487461>")."""
    wanted = _path(href)
    head = img.getroottree().getroot().find("head")
    if not wanted or head is None:
        return False
    # the <head>'s own children only, a bounded few: asked for every linked picture of a page
    for node in itertools.islice(head, _HEAD_ELEMENTS):
        own = node.get("href") if node.get("rel") == "canonical" else None
        own = own or (node.get("content") if node.get("property") == "og:url" else None)
        if own and _path(own) == wanted:
            return True
    return False


def _path(url: str) -> str:
    """An address's path without its closing slash; none for one that cannot be read ("http://[::1")."""
    try:
        return urlsplit(url.strip()).path.rstrip("/")
    except ValueError:
        return ""


_HEAD_ELEMENTS = 300  # a <head>'s children looked through for its own address


def _in_a_card(figure: lxml.html.HtmlElement, body: lxml.html.HtmlElement | None) -> bool:
    """Whether a figure is in an <article> that holds no more than a headline, beside the page's own
    (the <article> with the most text): a list's story card."""
    story = next(figure.iterancestors("article"), None)
    return story is not None and story is not body and not _text_longer_than(story, _CARD_CHARS)


_CARD_CHARS = 200  # characters of text: a headline and a date; a story's own <article> holds far more


def _text_longer_than(node: lxml.html.HtmlElement, chars: int) -> bool:
    """Whether a box shows more than ``chars`` characters of text (a script's or a style's shows none)."""
    seen = len((node.text or "").strip())
    stack = list(reversed(node))
    while stack and seen <= chars:
        element = stack.pop()
        seen += len((element.tail or "").strip())
        if isinstance(element.tag, str) and element.tag not in _UNSHOWN:
            seen += len((element.text or "").strip())
            stack.extend(reversed(element))
    return seen > chars


_UNSHOWN = frozenset(["script", "style", "noscript", "template"])


def _is_card(img: lxml.html.HtmlElement) -> bool:
    """A picture (or its figure) linked to another page with that page's headline beside it: a story
    in a list.

    A photo that only links somewhere (a blog's dish to its recipe) is still the article's.
    """
    if not _links_away(img):
        return False
    link = next(img.iterancestors("a"))
    return len(link.text_content().split()) >= 2 or next(link.iterancestors("li"), None) is not None


def _a_card_figure(figure: lxml.html.HtmlElement) -> bool:
    """A figure whose picture links to another page that a headline beside the figure links to as well
    ("<figure><a href=/532465.html><img></a></figure><div class=related-title><a href=/532465.html>
    安康最大洪峰…</a></div>"): a related story's card, as a card that holds its headline is."""
    img = next(iter(figure.xpath(_IMAGES)), None)
    box = figure.getparent()
    if img is None or box is None or not _links_away(img):
        return False
    href = next(img.iterancestors("a")).get("href")
    return any(
        a.get("href") == href and estimated_words(a.text_content()) >= 2
        for a in itertools.islice(box.iter("a"), _CARD_LINKS)
    )


_CARD_LINKS = 20  # links of a card's box: its picture's, its headline's, a section's


def _described(img: lxml.html.HtmlElement) -> str:
    """An <img>'s alt, unless it is only the image's file name ("harbour-dawn.jpg") or "a photo": that says
    nothing. Without an instruction to enlarge it, or a stock library's keywords, after its words."""
    alt = _KEYWORDS.sub("", _ENLARGE.sub("", squash(img.get("alt", ""))))
    if (
        _FILE_NAME.fullmatch(alt)
        or _SLUG.fullmatch(alt)
        or _names_its_file(alt, img)
        or _A_PHOTO.fullmatch(alt)
    ):
        return ""
    return alt


# What to do with the picture, said in its alt ("PHOTO (select to view enlarged photo)", "Harbour at
# dawn (click to enlarge)"): an instruction for a link the email has not, no description; "a photo" is
# left of the first, which says nothing either.
_ENLARGE = re.compile(
    r"(?i)\s*[(\[]?\b(?:click|tap|select|touch|press)\b[^()\[\]]{0,40}?"
    r"\b(?:enlarge[ds]?|larger|bigger|full[- ]?size|zoom(?: in)?)\b[^()\[\]]{0,20}[)\]]?$"
)
_A_PHOTO = re.compile(r"(?i)(?:an? )?(?:photo|image|picture|foto|bild)s?")
# A stock library's keywords after the description, in brackets and apart by slashes (IDG's "A user in
# thought rests his chin on his hand. [thinking / consideration / intelligence / planning]"): its search
# terms, not what the picture shows.
_KEYWORDS = re.compile(r" ?\[ ?[a-z][\w'-]*(?: [\w'-]+)*(?: ?/ ?[a-z][\w'-]*(?: [\w'-]+)*)+ ?\]$")


def _names_its_file(alt: str, img: lxml.html.HtmlElement) -> bool:
    """Whether an alt is the start of its picture's file name with the hyphens read as spaces, as a
    publishing system fills it in from the upload ("IMG 2034" for "IMG-2034-800x600.jpg", "Student50733184336
    copy" for "Student50733184336-copy.jpg"), a camera's or an upload's number in it: no one writes
    that. Words a reader would write ("Harbour dawn" for "harbour-dawn.jpg") stay."""
    said = _NAME_PARTS.findall(alt.lower())
    if not said or not any(_NUMBERED.search(part) for part in said):
        return False
    for src in itertools.islice(image_sources(img), _MAX_SOURCES):
        named = _NAME_PARTS.findall(unquote(file_name(src)).lower().rsplit(".", 1)[0])
        if named[: len(said)] == said:
            return True
    return False


_NAME_PARTS = re.compile(r"[^\W_]+")
# A run of four digits or more, or digits and letters run together: a number, not a word
_NUMBERED = re.compile(r"\d{4,}|\d[^\W\d_]|[^\W\d_]\d")


# Words joined by hyphens or underscores and no space ("taylor-swift-lead", "commit-shooting-conspirac"):
# the file's or the story's slug, set as the alt by a publishing system, not a description.
_SLUG = re.compile(r"\w+(?:[-_]\w+){2,}|[\w.-]*_[\w.-]*")  # "PCG243.Diary_Skyrim_16" too: no words
_FILE_NAME = re.compile(r"(?i)[^/\n]{1,200}\.(?:jpe?g|png|gif|webp|avif|svg|tiff?|bmp|heic)")


def _caption_and_credit(
    doc: lxml.html.HtmlElement,
    figure: lxml.html.HtmlElement | None,
    body: lxml.html.HtmlElement | None,
    url: str,
) -> tuple[str, str]:
    """The lead figure's caption and credit: marked-up credit first, else the caption's own words, else
    a line of the article (``body``, _body_scope) that credits its pictures."""
    figcaption = _figcaption(figure) if figure is not None else None
    if figcaption is None:
        marked = _marked_credit(figure) if figure is not None else ""
        lines = _credit_in_box(figure) if figure is not None and not marked else ("", "")
        if lines[1]:  # a box of the picture and its lines, nothing in it named a caption
            return lines
        return "", marked or next(_credit_lines(doc, body, url), "")
    marked = _marked_credit(figcaption) or (_marked_credit(figure) if figure is not None else "")
    own = _caption_text(figcaption)
    caption = own or _labelled(figcaption, apart=True)[1] or shown_block_text(figcaption)
    if marked:
        if marked in caption:
            # the credit, and the boxes beside it that say more of the photographer (a contact address)
            beside = figcaption.xpath(_CREDIT_NAMED)[:_MAX_BESIDE_CREDIT]
            # each once: the credit's own box is among those beside it
            for said in dict.fromkeys((marked, *(squash(b.text_content()) for b in beside))):
                caption = _without(caption, said) if said else caption
        elif own and own in marked:  # a caption box named a credit box ("lead-image__credit") holds both
            marked = marked.replace(own, "").strip()
        return split_credit(caption)[0], marked
    after, credit = _leading_credit(figcaption, caption)
    after, credit = (after, credit) if credit else _trailing_credit(figcaption, caption)
    caption, credit = (after, credit) if credit else split_credit(caption)
    credit = credit or (_labelled_credit(figure) if figure is not None else "")
    return caption, credit or next(_credit_lines(doc, body, url), "")


def _labelled(line: lxml.html.HtmlElement, *, apart: bool = False) -> tuple[str, str]:
    """A line that opens with a label in an element of its own, a few words and a comma, and its words
    after the label: a screen reader's label the page hides ("<span>Image caption,</span><p>Crowds on
    the quay</p>", "<span>Image source,</span> <span>Getty Images</span>", as the BBC's pages in every
    language set them). ``apart``: the words after it must be a paragraph of their own, as a caption's
    are, where "<em>Left to right,</em> Jo, Tom and Ann" is one line. ("", "") for any other line."""
    first = next(
        (e for e in itertools.islice(line.iterdescendants(), _MAX_INNER_BOXES) if _has_text(e)), None
    )
    if first is None or (line.text or "").strip():
        return "", ""
    if apart and not any(
        _has_text(block) and first not in block.iterdescendants()
        for block in itertools.islice(line.iter("p", "div"), _MAX_INNER_BOXES)
    ):
        return "", ""
    label, shown = squash(first.text_content()), shown_block_text(line)
    if len(label.split()) > _LABEL_WORDS or label[-1:] not in _LABEL_ENDS or not shown.startswith(label):
        return "", ""
    return label, shown[len(label) :].strip()


def _has_text(element: lxml.html.HtmlElement) -> bool:
    return isinstance(element.tag, str) and bool((element.text or "").strip())


def _labelled_credit(figure: lxml.html.HtmlElement) -> str:
    """The credit a labelled line of the picture's box gives, outside its caption ("<p><span>Image
    source,</span> <span>EPA-EFE/REX/Shutterstock</span></p>" beside the picture)."""
    for line in itertools.islice(figure.xpath(".//p[not(ancestor::figcaption)]"), _MAX_INNER_BOXES):
        label, said = _labelled(line)
        if label and said and len(said.split()) <= _LABELLED_CREDIT_WORDS:
            return clean_credit(said)
    return ""


_LABEL_WORDS = 4  # words of a label: "Image caption," and its translations
_LABEL_ENDS = ",\u060c\uff0c\u3001"  # a comma: Latin, Arabic, full-width, ideographic
_LABELLED_CREDIT_WORDS = 8  # words of the credit after such a label: an agency or two, a name


def _leading_credit(figcaption: lxml.html.HtmlElement, caption: str) -> tuple[str, str]:
    """A credit set in an element of its own before the caption's words ("<figcaption><span>Photo: Jo
    Doe</span> The quay at dawn.</figcaption>", as Le Devoir sets them), and the words after it."""
    for text, found in _credit_elements(figcaption):
        if caption.startswith(text) and found.start("credit") > 0:
            return caption[len(text) :].strip(), clean_credit(found["credit"])
    return caption, ""


def _trailing_credit(figcaption: lxml.html.HtmlElement, caption: str) -> tuple[str, str]:
    """A credit set with no label in an element of its own after the caption's last sentence, and the
    words before it ("<figcaption><span>Engineers huddle under the cryostat.<span class='ml-2'>Rocco
    Ceselin/Google Quantum AI</span></span></figcaption>", as Science sets them): only names, never a
    link's or a button's words, a date or a sentence."""
    text = _last_words(figcaption, caption)
    if not text:
        return caption, ""
    before = caption[: -len(text)].rstrip()
    if before[-1:] not in _SENTENCE_ENDS or not _ONLY_NAMES.fullmatch(text):
        return caption, ""
    return before, clean_credit(text)


def _last_words(figcaption: lxml.html.HtmlElement, caption: str) -> str:
    """The words of the widest element of a caption that holds its last words and not all of them,
    none after it; "" when there is none."""
    shown = [e for e in itertools.islice(figcaption.iterdescendants(), _MAX_INNER_BOXES) if _shown_text(e)]
    if not shown or shown[-1].xpath("ancestor-or-self::a or ancestor-or-self::button"):
        return ""
    last = shown[-1]
    while last.getparent() is not None and last.getparent() is not figcaption:
        wider = last.getparent()
        if shown_block_text(wider) == caption:
            break
        last = wider
    text = shown_block_text(last)
    after = any((e.tail or "").strip() for e in last.iterancestors() if e is not figcaption)
    if not text or text == caption or not caption.endswith(text) or (last.tail or "").strip() or after:
        return ""
    return text


def _shown_text(element: lxml.html.HtmlElement) -> bool:
    return isinstance(element.tag, str) and bool(element.text_content().strip())


_SENTENCE_ENDS = '.!?"\u201d\u2019)'
# A photographer's or an agency's name or a few, apart by slashes, semicolons, commas or "and": each
# word capitalised ("Rocco Ceselin/Google Quantum AI", "Zack Savitsky; Liam Cohen/UCSB", "A. Fisher").
_ONLY_NAMES = re.compile(
    r"(?:[A-Z][\w.'\u2019&-]*|and|of|for|the|de|van|von|via)"
    r"(?:(?:\s*[/;,]\s*|\s+)(?:[A-Z][\w.'\u2019&-]*|and|of|for|the|de|van|von|via)){0,7}"
)


_MAX_BESIDE_CREDIT = 5  # credit boxes of a caption whose words are taken out of it: a name, a contact


def _without(caption: str, credit: str) -> str:
    """A caption without the credit set before or after it, once: the caption's sentence may name the
    same ("Argonne National Laboratory" | "Bill Foster at Argonne National Laboratory in Illinois")."""
    if caption.startswith(credit):
        return caption[len(credit) :].strip()
    if caption.endswith(credit):
        return caption[: -len(credit)].strip()
    return caption.replace(credit, "", 1).strip()


def _credit_in_box(box: lxml.html.HtmlElement) -> tuple[str, str]:
    """The caption and credit of a picture's box whose lines say whose it is ("Credit: NASA"): the
    element that is the credit line alone, and the words before it ("View full size" after it is a
    link's); else the box's words split as a caption's."""
    shown = shown_block_text(box)
    if not _LABELLED_CREDIT.search(shown):
        return "", ""
    for text, found in _credit_elements(box):
        if text in shown:
            return split_credit(shown[: shown.find(text)])[0], clean_credit(found["credit"])
    return split_credit(shown)


def _credit_elements(box: lxml.html.HtmlElement) -> Iterator[tuple[str, re.Match[str]]]:
    """The shown text of each element of a box (its first _MAX_INNER_BOXES) that is a labelled credit
    line from its start ("Photo: Jo Doe"), with the credit's match."""
    for element in itertools.islice(box.iterdescendants(), _MAX_INNER_BOXES):
        text = shown_block_text(element) if isinstance(element.tag, str) else ""
        found = _LABELLED_CREDIT.match(text) if text else None
        if found:
            yield text, found


def _figcaption(figure: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """A figure's caption: its <figcaption>, else the element its class names a caption ("Figure-caption")."""
    found = figure.find(".//figcaption")
    if found is None:
        named = figure.xpath(f".//*[{_CAPTION_NAMED}]")
        found = named[0] if named else None
    return found


# ... and the photographer's: "photographer", a picture's "byline".
_CREDIT_NAMED = (
    f".//*[{_CREDIT_CLASS}"
    f" or contains({_LOWER_CLASS}, 'byline') or contains({_LOWER_CLASS}, 'photographer')"
    # a picture's "source": the class of that name, or schema.org's sourceOrganization
    f" or {_SOURCE_NAMED} or @itemprop='sourceOrganization']"
)


def _marked_credit(node: lxml.html.HtmlElement) -> str:
    for query in (
        ".//*[@itemprop='copyrightHolder' or @itemprop='creditText' or @itemprop='author']",
        ".//*[contains(concat(' ', normalize-space(@class), ' '), ' credit ')]",
        _CREDIT_NAMED,
    ):
        for found in node.xpath(query):
            text = _credit_box_text(found)
            if text:
                return text
    return ""


def _credit_box_text(box: lxml.html.HtmlElement) -> str:
    """What a credit box says, without the caption a box for both holds ("image-with-caption-credit":
    a caption box, then the credit); "" for a box that holds a narrower credit box, which says it."""
    text = shown_block_text(box)
    if box.get("itemprop") is not None and text:
        # schema.org's Organization or Person, its name a property of its own: Fox News's
        # sourceOrganization is the caption's <p>, "(AP)" its name
        named = box.find(".//*[@itemprop='name']")
        return (named is not None and shown_block_text(named)) or text
    if not text:
        return text
    if _holds_a_credit(box):
        return ""
    rest = text
    for caption in box.xpath(f".//*[contains({_LOWER_CLASS}, 'caption')]")[:_MAX_INNER_BOXES]:
        own = shown_block_text(caption)
        if own:
            rest = rest.replace(own, "").strip()
    if not rest:
        return text  # all of it in a "caption-link": the credit's own link, so named
    # a box named a credit that holds the caption's sentence before it ("short-form__lede-credit":
    # "Chad Morris … into his bar. Photos via Javad Khazaeli.")
    found = _LABELLED_CREDIT.search(rest) or _VIA.search(rest)
    said = rest[: found.start()].strip() if found else ""
    return clean_credit(found["credit"]) if found and _a_sentence(said) else rest


def _a_sentence(text: str) -> bool:
    """Whether text is a caption's sentence: a few words and a full stop, not a name or two."""
    return text[-1:] in ".!?" and len(text.split()) >= _SENTENCE_WORDS


_SENTENCE_WORDS = 4
# "Photos via Jo Doe" after the caption's sentence (_a_sentence), as Vice credits a reader's pictures;
# after a name, "… Press Service photo via AP" is the credit's own words
_VIA = re.compile(r"(?i)(?<=\s)(?:photo|picture|image)s?\s+via\s+(?P<credit>\w[^:]{1,119}?)\s*$")


_CREDIT_TEXT = re.compile(
    # a line in brackets, all of it ("(Photo: Acorn TV)" over BBC America's story)
    r"^(?:\((?=[^()]{2,120}\)$))?(?:(?:top|header|featured|lead)\s+)?"
    # "Fotos: Sophia Mahnert", "Bild: …" as German, Spanish and Portuguese pages write it; a licence
    # between the label and its colon ("Photo (cc) : svenwerk"); a bar for the colon, as Spanish blogs
    # close an article ("Imagen | Dacia, Tesla y Mercedes" on xataka.com)
    r"(?:(?:image|photo(?:graph)?|picture|illustration|foto|bild(?:er)?)s?(?:\s*(?:credits?|sources?))?|credits?"
    rf"|{_PICTURE_LABELS}){_LICENCE}\s*(?::|\|\s)",
    re.IGNORECASE,
)
_INNER_CREDIT = re.compile(r"(?i)(?<=[\s.])credits?\s*:\s*(?=\S)")
_IMAGE_BOX = re.compile(r"caption|figure|photo|picture|image|img|media|gallery", re.IGNORECASE)
_MAX_CREDIT_LINE = 2_000  # characters, white space included: a credit is a line, not a paragraph


def _credit_lines(doc: lxml.html.HtmlElement, body: lxml.html.HtmlElement | None, url: str) -> Iterator[str]:
    """Lines in the article that read as a credit, or are marked as one right beside an image.

    The article is its <article>s, else its body (_body_scope) on a page marked up without one; a line
    is a paragraph, or a small heading set after the text ("<h6>Photos: Getty Images</h6>"). A label
    before a link to another page of the site (``url``'s) is a gallery's or a story's, not a credit
    ("PHOTOS: <a href=/photogallery/…>Earthquake Shakes the Northeastern U.S.</a>").
    """
    unmarked = doc.find(".//article") is None
    scope, inside = (body, ".//") if unmarked and body is not None else (doc, "//article//")
    lines = f"{inside}*[contains({_LOWER_CLASS}, 'credit')] | {inside}p | {inside}h5 | {inside}h6"
    for node in scope.xpath(lines):
        text = node.text_content()
        if len(text) > _MAX_CREDIT_LINE:  # nested credit boxes would each fold the whole article
            continue
        text = squash(text)
        named = "credit" in (node.get("class") or "").lower()  # "credit", "ImageCredit"
        marked = named and _beside_image(node) and not _holds_a_credit(node) and not _a_gallerys(node)
        label = _CREDIT_TEXT.match(text)
        if label or marked:
            # a line that describes the picture before it credits it ("Header image: … Credit: Jo Doe")
            inner = _INNER_CREDIT.search(text, label.end()) if label else None
            if label and not inner and _links_within_site(node, text[label.end() :], url):
                continue
            yield text[inner.end() :] if inner else text


def _links_within_site(node: lxml.html.HtmlElement, said: str, url: str) -> bool:
    """Whether a line's words after its label are wholly a link to another page of the site at url."""
    said = squash(said)
    for link in node.xpath(".//a[@href]")[:_MAX_LINE_LINKS]:
        if squash(link.text_content()) == said:
            return same_site(_joined(url, str(link.get("href"))), url)
    return False


_MAX_LINE_LINKS = 5  # links of a credit line looked at: a line has one or two


def _holds_a_credit(node: lxml.html.HtmlElement) -> bool:
    """Whether a credit box holds another that says a credit: a box for a caption and its credit
    ("credit-caption") reads "<caption> Jo Doe/AP"; the credit is the box inside it."""
    inner = node.xpath(f".//*[contains({_LOWER_CLASS}, 'credit')]")
    return any(clean_credit(squash(box.text_content())) for box in inner[:_MAX_INNER_BOXES])


_MAX_INNER_BOXES = 20  # credit boxes looked into: a page that nests hundreds costs no more


def _a_gallerys(node: lxml.html.HtmlElement) -> bool:
    """Whether a credit box is a gallery's that shows no picture here, in the gallery's box after its
    title and description (Townsquare's "<div class=photogallery-wrapper><h2>Meet Team Reba …</h2>…<p
    class=photogallery-credit>Gallery Credit: Carena Liptak</p>", its pictures put in by a script): it
    credits those pictures, not the article's. Beside a picture it shows, it is that one's (Glam's
    "gallery-image-holder lead-image-holder", the story's first slide)."""
    boxes = list(itertools.islice(node.iterancestors(), 2))
    named = any(_GALLERY.search(f"{b.get('class', '')} {node.get('class', '')}") for b in boxes)
    return named and not any(box.find(".//img") is not None for box in boxes)


_GALLERY = re.compile(r"(?i)gallery|slideshow|carousel")


def _beside_image(node: lxml.html.HtmlElement) -> bool:
    """In a caption or an image's box, or right after the image (ad widgets have "credits" too)."""
    before = node.getprevious()
    if before is not None and (before.tag == "img" or before.find(".//img") is not None):
        return True
    boxes = list(itertools.islice(node.iterancestors(), 2))  # not all of them: a page nests deep
    return any(box.find("img") is not None or _IMAGE_BOX.search(box.get("class", "")) for box in boxes)


def _caption_text(figcaption: lxml.html.HtmlElement) -> str:
    """The words of the element inside a caption that holds the caption itself, apart from its credit."""
    found = figcaption.xpath(
        ".//*[@itemprop='caption' or contains(concat(' ', normalize-space(@class), ' '), ' caption ')"
        " or contains(@class, '__caption') or contains(@class, '-caption-text')]"
    )
    return shown_block_text(found[0]) if found else ""


# --- JSON-LD --------------------------------------------------------------------------------------


def _json_ld_images(doc: lxml.html.HtmlElement) -> Iterator[Any]:
    for item in json_ld(doc):
        image = item.get("image") if is_article(item) else None
        yield from image if isinstance(image, list) else [image] if image else []


def _json_ld_credit(doc: lxml.html.HtmlElement) -> str:
    """creditText, copyrightHolder or author (its photographer) of the article's first ImageObject."""
    for image in _json_ld_images(doc):
        if not isinstance(image, dict):
            continue
        holder = image.get("creditText") or image.get("copyrightHolder") or image.get("author") or ""
        if isinstance(holder, list):
            holder = holder[0] if holder else ""
        if isinstance(holder, dict):
            holder = holder.get("name", "")
        if isinstance(holder, str) and holder.strip():
            return holder
    return ""
