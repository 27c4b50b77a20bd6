"""Postmark's own [provider] keys."""

from __future__ import annotations

from digest.providers.registry import Options


class PostmarkOptions(Options):
    """The message stream broadcasts go out on (Postmark keeps broadcast and transactional apart)."""

    message_stream: str = "broadcast"
