"""Response bodies decoded a piece at a time within a limit: every encoding, chunking, and what is refused."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import AsyncIterator

import brotli
import httpx
import pytest

from digest.inflate import UndecodableError, decoded_chunks

TEXT = b"<html><body><p>The ferry left the harbour on Tuesday.</p></body></html>\n" * 2_000


def deflate(data: bytes, wbits: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return packer.compress(data) + packer.flush()


ENCODED = {
    "gzip": gzip.compress(TEXT),
    "x-gzip": gzip.compress(TEXT),
    "deflate": zlib.compress(TEXT),  # zlib-wrapped, as HTTP says
    "br": brotli.compress(TEXT),
    "identity": TEXT,
    "": TEXT,
}


def decode(body: bytes, encoding: str, limit: int, piece: int = 1_000) -> list[bytes]:
    """The decoded pieces of a body that arrives ``piece`` bytes at a time."""

    async def stream() -> list[bytes]:
        chunks = [body[i : i + piece] for i in range(0, len(body), piece)] or [b""]
        response = httpx.Response(200, headers={"content-encoding": encoding}, stream=_Chunked(chunks))
        return [p async for p in decoded_chunks(response, limit)]

    return asyncio.run(stream())


class _Chunked(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


@pytest.mark.parametrize("encoding", list(ENCODED))
def test_each_encoding_decodes_to_the_body_whatever_the_pieces(encoding: str) -> None:
    for piece in (7, 1_000, 1 << 20):
        assert b"".join(decode(ENCODED[encoding], encoding, limit=len(TEXT), piece=piece)) == TEXT


def test_raw_deflate_without_zlibs_header_is_read_too() -> None:
    assert b"".join(decode(deflate(TEXT, -zlib.MAX_WBITS), "deflate", limit=len(TEXT))) == TEXT


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", ""])
def test_decoding_stops_just_past_the_limit(encoding: str) -> None:
    body = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress, "": bytes}[encoding](
        b" " * 50_000_000
    )
    pieces = decode(body, encoding, limit=100_000, piece=1 << 20)
    decoded = sum(map(len, pieces))
    assert decoded > 100_000  # the caller sees the limit passed
    assert decoded < 300_000 or not encoding  # and no more than about twice it was decoded (brotli's steps)


@pytest.mark.parametrize(
    ("body", "encoding", "says"),
    [
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 20, "gzip", "gzip data is corrupt"),
        (b"not brotli at all, just text", "br", "brotli data is corrupt"),
        (TEXT, "zstd", "encoded as 'zstd', which digest cannot decode"),
        (TEXT, "gzip, br", "encoded several times over"),
    ],
)
def test_what_cannot_be_decoded_says_why(body: bytes, encoding: str, says: str) -> None:
    with pytest.raises(UndecodableError, match=says):
        decode(body, encoding, limit=len(TEXT))
