"""Sentences in any script: where they end, where a paragraph can be cut, what trails the last one.

Abbreviations ("U.S.", "Dr.", "Calif."), initials, decimals and an agency dateline's place name are not
sentence ends; Chinese and Japanese full-width marks are, with no space after them, and so are the
full stops of Urdu, Hindi, Armenian, Ethiopic and other scripts; Thai and Lao, which have none, end
one at a space and at the paragraph's end. Every function is
linear in the text: an abbreviation is looked for a bounded distance back from each full stop.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from digest.words import count_words

ELLIPSIS = "…"
_ABBREVIATION_WORDS = (
    "mr mrs ms dr prof st sr jr gen sen rep gov lt col sgt capt cmdr adm inc ltd co corp no vs etc "
    "jan feb mar apr jun jul aug sep sept oct nov dec mt ft ave blvd dept est approx fig "
    "mme mlle sra srta nr bzw vgl inkl evtl ggf ca"  # French, Spanish and German ones ("Nr. 5", "ca. 500")
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
# AP-style state abbreviations, matched with their capital ("Calif.", "Ill.") so that "ill." still ends
# a sentence; a dateline such as "SPRINGFIELD, Ill. (AP) — …" must not split after them.
_STATE_WORDS = (
    "Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Kans Ky La Md Mass Mich Minn Miss Mo Mont "
    "Neb Nev Okla Ore Pa Tenn Tex Vt Va Wash Wis Wyo"
)
_STATES = frozenset(_STATE_WORDS.split())
# The place and agency that open an agency lede ("SPRINGFIELD, Ill. (AP) — "): no sentence ends inside.
_DATELINE_HEAD = re.compile(
    r"^(?:[A-ZÀ-Þ][\w'.\u2019-]*,?\s+){1,6}(?:\([^()]{1,30}\)\s*)?(?:[\u2014\u2013]|--?)\s"
)
_ABBREVIATION_REACH = 40  # how far back from a full stop an abbreviation can start
# Quotes and brackets a sentence closes after its end mark. German closes its double and single quotes
# („…“) with what opens one in English, and its angle quotes (»…«) with the French opening marks
# ("… sleep.“"); in Chinese and Japanese the corner, lenticular, double angle and tortoise-shell
# brackets close too ("【…の記事です。】").
CLOSERS = (
    "\"'\u201d\u2019\u201c\u2018\u00bb\u00ab\u203a\u2039)\\]"
    "\u300d\u300f\uff09\u3011\u300b\u3009\u3015\u3017\uff3d"
)
# What may open a sentence before its first letter: quotes in English, German (\u201e, \u00bb) and
# French use, brackets, and Spanish's inverted question and exclamation marks.
_OPENERS = "\"'\u201c\u2018\u00ab\u201e\u201a\u00bb\u2039\u203a\u00bf\u00a1(\\["
_FULL_WIDTH_ENDS = "\u3002\uff01\uff1f"  # ideographic full stop, exclamation and question marks
# The sentence ends of other scripts, each written with a space after it as "." is: the Urdu full stop
# and the Arabic question mark, the danda of Hindi, Bengali, Marathi, Nepali and Punjabi (and its
# double), the Armenian full stop, question and exclamation marks, the Ethiopic, Burmese, Khmer,
# Sinhala and Mongolian full stops, and the doubled marks (‼ ⁇ ⁈ ⁉). A teaser in Urdu or Hindi was
# otherwise left with no sentence at all.
_SCRIPT_ENDS = (
    "\u06d4\u061f\u0964\u0965\u0589\u055e\u055c\u1362\u1367\u1368\u104b\u17d4\u17d5\u0df4\u1803"
    "\u203c\u2047\u2048\u2049"
)
# Every mark that can end a sentence.
END_MARKS = f".!?\u2026{_FULL_WIDTH_ENDS}{_SCRIPT_ENDS}"
# Thai and Lao have no sentence marks: a space ends a sentence or a phrase, and so does a paragraph's end.
_UNMARKED = "\u0e01-\u0e5b\u0e81-\u0edf"
# What closes a sentence after its end mark: quotes and brackets, and a French closing guillemet set
# apart by a (no-break) space ("… merde ! »").
_CLOSING = rf"(?:[{CLOSERS}]|\s(?=[\u00bb\u203a]))*"
# A sentence's end mark, then space and what may open a sentence; in Chinese and Japanese the
# full-width marks end a sentence with no space after them too; in Thai and Lao a space ends one.
_SENTENCE_END = re.compile(
    rf"[{END_MARKS}]{_CLOSING}(?=\s+[{_OPENERS}]*(\S))"
    rf"|[{_FULL_WIDTH_ENDS}][{CLOSERS}]*(?=\S)"
    rf"|(?<=[{_UNMARKED}])[{CLOSERS}]*(?=\s+[{_OPENERS}]*[{_UNMARKED}])"
)
# A paragraph that introduces the next one ("…, the company said in a statement:"), a quote or a
# list: it ends in a colon after a word ("… in syslog():" too).
LEAD_IN = re.compile(f"(?:\\w|\\(\\))[{CLOSERS}]?\\s*[:\uff1a]$")
FINAL_END = re.compile(rf"[{END_MARKS}]{_CLOSING}$|[{_UNMARKED}][{CLOSERS}]*$")
_PAIRS = (
    ("(", ")"),
    ("[", "]"),
    ("\u00ab", "\u00bb"),
    ("\u300c", "\u300d"),
    ("\uff08", "\uff09"),
    ("\u3010", "\u3011"),
    ("\u300a", "\u300b"),
    ("\u300e", "\u300f"),
)


def to_sentence_end(text: str) -> str:
    """The paragraph up to its last sentence end: a trailing ':', link or emoji goes; '' if none."""
    text = without_trailing_symbols(text)
    if FINAL_END.search(text):
        return text
    ends = sentence_ends(text)
    return text[: ends[-1]] if ends else ""


def without_trailing_symbols(text: str) -> str:
    """The text without the emoji, arrows or other symbols after its last word ("Hi everyone! 👋").

    Marks, variation selectors and joiners go with the symbol they follow; after a letter they are
    the letter's own (Thai and Hindi write vowels so: "พื้นที่" keeps its last two).
    """
    end = len(text)
    while end:
        base = end
        while base and unicodedata.category(text[base - 1]) in _MARKS:
            base -= 1
        if base and (text[base - 1].isspace() or unicodedata.category(text[base - 1]) in _SYMBOLS):
            end = base - 1
        elif emoticon := _EMOTICON.search(text, max(0, base - _EMOTICON_CHARS), base):
            end = emoticon.start()  # an emoji typed in ASCII (":-p", ";)", "<3") after the last word
        else:
            break
    return text[:end]


_EMOTICON = re.compile(r"(?<=\s)(?:[:;][-'^o]?[()\[\]pPdDoO3/|*]{1,3}|[xX]D|\^\^|<3)$")
_EMOTICON_CHARS = 5  # the longest such emoji: only the text's end is searched


# What emoji sequences are made of: symbols and modifiers, and the marks, variation selectors and
# joiners that follow them.
_SYMBOLS = frozenset({"So", "Sk", "Sm"})
_MARKS = frozenset({"Mn", "Me", "Cf"})


def cut_at_sentence(text: str, max_words: int) -> str:
    """The longest run of whole sentences within max_words (at least one sentence), plus '…'.

    One pass with running word and bracket counts, so that a huge paragraph costs linear time.
    """
    best = first = unbalanced = None
    words, previous = 0, 0
    counts = Counter[str]()
    for end in sentence_ends(text):
        segment = text[previous:end]
        words += count_words(segment)
        counts.update(c for c in segment if c in _PAIR_CHARS)
        previous = end
        if words > max_words and (best is not None or unbalanced is not None):
            break
        if not _balanced_counts(counts):
            unbalanced = end if words <= max_words else unbalanced
        elif words <= max_words:
            best = end
        else:
            first = end
            break
    # A quote that never closes leaves no balanced cut: a sentence end within budget beats the whole text.
    cut = next((c for c in (best, first, unbalanced) if c is not None), None)
    if cut is None:
        return text
    kept = text[:cut]
    # a sentence that trails off with its own ellipsis ("… passen …") says already that more follows
    return kept if _TRAILS_OFF.search(kept) else f"{kept} {ELLIPSIS}"


_TRAILS_OFF = re.compile(f"(?:\u2026|\\.\\.\\.)[{CLOSERS}]*$")


# Curly double quotes open and close as each language writes them: “…” in English, „…“ in German,
# „…” in Polish; a text that opens and closes them has an even number of them.
_CURLY = "\u201c\u201d\u201e"
_PAIR_CHARS = frozenset("".join(a + b for a, b in _PAIRS) + '"' + _CURLY)


def _balanced_counts(counts: Counter[str]) -> bool:
    curly = sum(counts[c] for c in _CURLY)
    return all(counts[a] == counts[b] for a, b in _PAIRS) and counts['"'] % 2 == 0 and curly % 2 == 0


def sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence end that another sentence follows.

    Abbreviations ("U.S.", "Dr.", "Jan."), initials and decimals are not sentence ends, and neither is
    a full stop before anything but a capital letter, a digit or a letter of a script without case.
    """
    ends = []
    head = _DATELINE_HEAD.match(text)
    for match in _SENTENCE_END.finditer(text, head.end() if head else 0):
        following = match.group(1)
        if following and not (following.isdigit() or (following.isalpha() and not following.islower())):
            continue
        if text[match.start()] == "." and _is_abbreviation(text, match.start()):
            continue
        ends.append(match.end())
    return ends


def without_final_stop(text: str) -> str:
    """A line without the full stop that ends it, unless the stop is an abbreviation's or an
    initial's ("Getty Images." reads "Getty Images"; "Jo Doe Jr." and "ACME Inc." keep theirs)."""
    if not text.endswith(".") or text.endswith("..") or _is_abbreviation(text, len(text) - 1):
        return text
    return text[:-1].rstrip()


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the word before this full stop is an abbreviation, initial or dotted short form.

    It looks back a bounded distance, so that splitting a long text stays linear.
    """
    start = dot
    while start > max(0, dot - _ABBREVIATION_REACH) and (
        text[start - 1].isalnum() or text[start - 1] in "._"
    ):
        start -= 1
    token = text[start:dot]
    if not token:
        return False
    if "." in token:  # U.S., e.g., a.m.; but a version or a number ("mat2 0.13.4.") ends its sentence
        return not token.replace(".", "").isdigit()
    if token.isdigit():
        return len(token) <= 3 and _is_ordinal(text, start, dot)
    # An initial ("Jo D."), or a letter of a spaced abbreviation ("z. B.", "u. a.", "n. 45").
    return token.lower() in _ABBREVIATIONS or token in _STATES or len(token) == 1


def _is_ordinal(text: str, start: int, dot: int) -> bool:
    """Whether a number and its full stop are an ordinal, as German writes them ("am 3. Oktober").

    After an article or preposition ("im 19. Jahrhundert", "zum 100. Geburtstag") or before a month;
    a count that ends a sentence ("Der Zähler stand bei 3.") stays an end.
    """
    before = text[max(0, start - 8) : start].split()
    after = text[dot + 1 : dot + 12].split()
    return (bool(before) and before[-1].lower() in _ORDINAL_BEFORE) or (bool(after) and after[0] in _MONTHS)


_ORDINAL_WORDS = "am im zum zur vom beim ins der die das dem den des ab bis seit jeden jedem jeder jede"
_ORDINAL_BEFORE = frozenset(_ORDINAL_WORDS.split())
_MONTH_WORDS = (
    "Januar Jänner Februar Feber März April Mai Juni Juli August September Oktober November Dezember"
)
_MONTHS = frozenset(_MONTH_WORDS.split())
