"""Counting words the way editors do, in any script."""

from __future__ import annotations

import re

# The code points of Chinese characters and Japanese kana.
HAN_KANA_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese and Japanese are written without spaces: count_words counts each character as a word, and
# estimated_words about two of them. Korean is not: it sets a space between its words, which both count
# as a Latin text's are (a Korean teaser whose every syllable counted as a word was a single sentence,
# a quarter of its budget).
_HAN_KANA = re.compile(f"[{HAN_KANA_CHARS}]")


# Thai, Lao, Burmese and Khmer are written without spaces between words (a space ends a phrase): a run
# of their letters counts as a word every _UNSPACED_CHARS characters, about as long as their words are.
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]+")
_UNSPACED_CHARS = 6


_CJK_WORD_CHARS = 2  # Chinese characters and Japanese kana to a word, in estimated_words


def estimated_words(text: str) -> int:
    """Words in a text for telling a line from a paragraph by length, in any script.

    count_words counts a Chinese or Japanese character as a word, as editors count a budget; a
    length meant in English words ("a paragraph of 25 words or more") is about twice as many
    characters of Chinese or Japanese. Without this, a paragraph of Japanese, written without
    spaces, is one word long. Korean is counted by its spaces, Thai as count_words counts it.
    """
    han = len(_HAN_KANA.findall(text))
    rest, unspaced = _without_unspaced(_HAN_KANA.sub(" ", text) if han else text)
    return len(rest.split()) + unspaced + han // _CJK_WORD_CHARS


def latin_length(text: str) -> int:
    """A text's length in Latin characters' worth: a Chinese or Japanese character says as much as
    three (two of them make a word, as an English word and its space make six)."""
    return len(text) + (_LATIN_CHARS_PER_HAN - 1) * len(_HAN_KANA.findall(text))


_LATIN_CHARS_PER_HAN = 3


def count_words(text: str) -> int:
    """Words in a text; each Chinese or Japanese character counts as one, Thai as above, Korean by its
    spaces."""
    rest, unspaced = _without_unspaced(text)
    return len(_HAN_KANA.sub(" ", rest).split()) + len(_HAN_KANA.findall(rest)) + unspaced


def _without_unspaced(text: str) -> tuple[str, int]:
    """The text with its runs of Thai, Lao, Burmese or Khmer spaced out, and the words those runs count."""
    unspaced = sum(-(-len(run) // _UNSPACED_CHARS) for run in _UNSPACED.findall(text))
    return (_UNSPACED.sub(" ", text) if unspaced else text), unspaced
