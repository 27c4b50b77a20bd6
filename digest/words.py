"""Counting words the way editors do, in any script."""

from __future__ import annotations

import re

# Chinese, Japanese and Korean are written without spaces: each character counts as a word.
CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


def count_words(text: str) -> int:
    """Words in a text; each Chinese, Japanese or Korean character counts as one."""
    return len(CJK.sub(" ", text).split()) + len(CJK.findall(text))
