"""Response bodies decompressed a piece at a time, never past a limit (pages, feeds, providers' answers).

A few hundred bytes of brotli or gzip on the wire can expand to gigabytes (a decompression bomb),
and httpx decodes each piece it receives whole before anyone can count it: a 607-byte answer
became 400 MB in memory. Here each piece is decoded only as far as the room left under the caller's
limit (zlib's max_length, brotli's output_buffer_limit), so a reader that stops at its limit holds
at most about that much (twice it with brotli, whose buffer grows in steps).
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Protocol

import brotli
import httpx


class UndecodableError(ValueError):
    """A body whose Content-Encoding cannot be read: one digest does not know, or corrupt data."""


class _Decoder(Protocol):
    def pieces(self, data: bytes, room: int) -> Iterator[bytes]: ...


async def decoded_chunks(response: httpx.Response, limit: int) -> AsyncIterator[bytes]:
    """The body as its Content-Encoding says to decode it, in pieces, up to just past ``limit`` bytes.

    The pieces stop once more than ``limit`` bytes have come out: a caller that counts them sees the
    limit passed, never a body decoded far beyond it. Raises UndecodableError.
    """
    try:
        content = response.content  # a response made in memory (a mock transport) is read already
    except httpx.ResponseNotRead:
        pass
    else:
        yield content[: limit + 1]
        return
    decoder = _decoder(response.headers.get("content-encoding", ""))
    size = 0
    async for raw in response.aiter_raw():
        for piece in decoder.pieces(raw, limit - size):
            size += len(piece)
            yield piece
            if size > limit:
                return


def _decoder(encoding: str) -> _Decoder:
    names = [name.strip().lower() for name in encoding.split(",") if name.strip()]
    names = [name for name in names if name != "identity"]
    if not names:
        return _Identity()
    if len(names) > 1:
        raise UndecodableError(f"its content is encoded several times over ({encoding})")
    if names[0] in ("gzip", "x-gzip"):
        return _Zlib(zlib.MAX_WBITS | 16, "gzip")
    if names[0] == "deflate":
        return _Zlib(zlib.MAX_WBITS, "deflate")
    if names[0] == "br":
        return _Brotli()
    raise UndecodableError(f"its content is encoded as '{names[0]}', which digest cannot decode")


class _Identity:
    def pieces(self, data: bytes, room: int) -> Iterator[bytes]:
        yield data


class _Zlib:
    """gzip, or deflate: zlib-wrapped as HTTP says, or raw as some servers send it."""

    def __init__(self, wbits: int, name: str) -> None:
        self._inflater = zlib.decompressobj(wbits)
        self._name = name
        self._started = False

    def pieces(self, data: bytes, room: int) -> Iterator[bytes]:
        pending = data
        while pending and room >= 0:
            piece = self._decompress(pending, room)
            yield piece
            room -= len(piece)
            pending = self._inflater.unconsumed_tail

    def _decompress(self, data: bytes, room: int) -> bytes:
        first, self._started = not self._started, True
        try:
            return self._inflater.decompress(data, room + 1)
        except zlib.error as exc:
            if first and self._name == "deflate":  # raw deflate, without zlib's header
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                return self._decompress(data, room)
            raise UndecodableError(f"its {self._name} data is corrupt ({exc})") from None


class _Brotli:
    def __init__(self) -> None:
        self._inflater = brotli.Decompressor()

    def pieces(self, data: bytes, room: int) -> Iterator[bytes]:
        try:
            piece = self._inflater.process(data, output_buffer_limit=room + 1)
            yield piece
            room -= len(piece)
            # Output held back by the limit comes out with empty input, a limited piece at a time.
            while room >= 0 and not self._inflater.can_accept_more_data():
                piece = self._inflater.process(b"", output_buffer_limit=room + 1)
                if not piece:
                    return
                yield piece
                room -= len(piece)
        except brotli.error as exc:
            raise UndecodableError(f"its brotli data is corrupt ({exc})") from None
