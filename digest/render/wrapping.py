"""The text part's line wrapping: Jinja's ``wordwrap``, without splitting what a reader sees as one letter."""

from __future__ import annotations

import textwrap
import unicodedata

# What belongs to the character before it: vowel signs and tone marks (Thai, Hindi, Arabic), enclosing
# marks, joiners and variation selectors. A line that began with one would show it alone, on a dotted
# circle.
_JOINING = frozenset({"Mn", "Mc", "Me", "Cf"})


def wordwrap(
    text: str,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: str | None = None,
    break_on_hyphens: bool = True,
) -> str:
    """Jinja's ``wordwrap`` filter, the same lines but for where a word too long for a line breaks.

    Such a word (Thai and Chinese are written without spaces) is broken between two letters as a
    reader sees them, never before a mark that belongs to the letter before it.
    """
    joiner = "\n" if wrapstring is None else wrapstring
    wrapper = _Wrapper(
        width=width,
        expand_tabs=False,
        replace_whitespace=False,
        break_long_words=break_long_words,
        break_on_hyphens=break_on_hyphens,
    )
    # As Jinja does: each line on its own, so that a line break in the text stays where it is.
    return joiner.join(joiner.join(wrapper.wrap(line)) for line in text.splitlines())


class _Wrapper(textwrap.TextWrapper):
    """textwrap's wrapper; a long word's cut moves back before the marks that go with a letter."""

    def _handle_long_word(
        self, reversed_chunks: list[str], cur_line: list[str], cur_len: int, width: int
    ) -> None:
        chunk = reversed_chunks[-1] if reversed_chunks else ""
        room = 1 if width < 1 else width - cur_len  # as textwrap counts it
        if (
            self.break_long_words
            and 0 < room < len(chunk)
            and unicodedata.category(chunk[room]) in _JOINING
            and not self._cut_at_hyphen(chunk, room)
        ):
            cut = room
            while cut > 1 and unicodedata.category(chunk[cut]) in _JOINING:
                cut -= 1
            if unicodedata.category(chunk[cut]) in _JOINING:  # a letter with more marks than room
                cut = _cluster_end(chunk, cut)
            cur_line.append(chunk[:cut])
            reversed_chunks[-1] = chunk[cut:]
            return
        super()._handle_long_word(reversed_chunks, cur_line, cur_len, width)

    def _cut_at_hyphen(self, chunk: str, room: int) -> bool:
        """Whether textwrap's own rule breaks this word after a hyphen (there is no mark to split)."""
        hyphen = chunk.rfind("-", 0, room)
        return self.break_on_hyphens and hyphen > 0 and any(c != "-" for c in chunk[:hyphen])


def _cluster_end(chunk: str, start: int) -> int:
    """The end of the marks that run from ``start``."""
    end = start
    while end < len(chunk) and unicodedata.category(chunk[end]) in _JOINING:
        end += 1
    return end
