"""The streaming JSON body of a batch, shared by the JSON batch APIs (Postmark, Resend).

A batch is a JSON array of message objects that differ only in their recipient's fields and
bodies. The fields every message shares are encoded once per batch, each body once per issue
(``JsonBodies``), and the request body is written as runs of references to those pieces
(``http.drain``): never a copy of the whole document per recipient.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson

from digest.providers.letter import Addressee, Batch, JsonBodies

RUN = 16  # messages joined into one write of the request body
Fields = Callable[[Addressee], Mapping[str, Any]]


class JsonBatchWriter:
    """Writes batches as ``[{shared…, head…, "<html>": …, "<text>": …, tail…}, …]``."""

    def __init__(self, html_key: str, text_key: str) -> None:
        self._html = f',"{html_key}":"'.encode()
        self._text = f'","{text_key}":"'.encode()
        self._bodies: dict[int, JsonBodies] = {}  # per letter: a variant's batches alternate

    def runs(self, batch: Batch, shared: Mapping[str, Any], head: Fields, tail: Fields) -> list[list[bytes]]:
        """The batch as runs of pieces: ``shared`` fields, then each addressee's ``head`` fields, the
        bodies filled with their values, and their ``tail`` fields (objects: ``tail`` is not empty)."""
        bodies = self._bodies.get(id(batch.letter))
        if bodies is None or bodies.letter is not batch.letter:
            bodies = self._bodies[id(batch.letter)] = JsonBodies(batch.letter)
        common = orjson.dumps(shared)[:-1]
        runs: list[list[bytes]] = []
        out: list[bytes] = [b"["]
        for index, addressee in enumerate(batch.addressees):
            out += [b"," if index else b"", common, b",", orjson.dumps(head(addressee))[1:-1], self._html]
            bodies.html.extend(out, addressee.values)
            out.append(self._text)
            bodies.text.extend(out, addressee.values)
            out += [b'",', orjson.dumps(tail(addressee))[1:]]
            if index % RUN == RUN - 1:
                runs.append(out)
                out = []
        out.append(b"]")
        runs.append(out)
        return runs
