"""Request bodies read within a limit, chunk by chunk: nobody can make the server hold more than that.

A declared Content-Length over the limit is refused before anything is read; a chunked body (no
Content-Length) is counted as it arrives and refused at the first chunk past the limit, so an
unauthenticated sender cannot fill the server's memory with one request.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import Message

FORM_LIMIT = 64 * 1024  # the public forms hold an address, a name, a list: far less than this
# Sent with a 413: the server closes the connection instead of reading (and dropping) the rest.
CLOSE = {"Connection": "close"}


class BodyTooLargeError(Exception):
    """The request's body is (or declares itself) larger than the endpoint accepts: answer 413."""


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, read chunk by chunk; BodyTooLargeError as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise BodyTooLargeError(f"Content-Length '{declared[:20]}' is more than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError(f"the body is more than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_form(request: Request, limit: int = FORM_LIMIT) -> FormData:
    """The form (urlencoded or multipart, as RFC 8058 allows), parsed from a body read within ``limit``."""
    body = await read_body(request, limit)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    # A new Request over the bytes already read: Starlette's parsers then never touch the socket.
    return await Request(request.scope, replay).form()
