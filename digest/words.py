"""Counting words the way editors do, in any script."""

from __future__ import annotations

import re

# Chinese, Japanese and Korean are written without spaces: each character counts as a word.
CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


# Thai, Lao, Burmese and Khmer are written without spaces between words (a space ends a phrase): a run
# of their letters counts as a word every _UNSPACED_CHARS characters, about as long as their words are.
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]+")
_UNSPACED_CHARS = 6


def count_words(text: str) -> int:
    """Words in a text; each Chinese, Japanese or Korean character counts as one, Thai as above."""
    unspaced = sum(-(-len(run) // _UNSPACED_CHARS) for run in _UNSPACED.findall(text))
    if unspaced:
        text = _UNSPACED.sub(" ", text)
    return len(CJK.sub(" ", text).split()) + len(CJK.findall(text)) + unspaced
