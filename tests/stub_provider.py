"""A loopback stand-in for the email providers' APIs, for tests and benchmarks.

A real HTTP server on 127.0.0.1 (uvicorn, port 0), in a thread (``serve``) or in a process of its
own (``spawn``, so a benchmark's client and server do not share the GIL). It speaks Postmark,
Resend (here) and SendGrid, Mailgun, SES (``stub_apis``); checks each request against the rules
of the provider's API, answering 4xx as the provider would; counts the copies each address
received; answers Postmark's outbound search and Mailgun's events from what it recorded; and
injects faults on demand: 429 with Retry-After, 5xx, dropped connections (before or after the batch
was taken), answers slower than the client waits, and refusals of single messages in a batch.
"""

from __future__ import annotations

import asyncio
import fnmatch
import functools
import hashlib
import multiprocessing
import random
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import brotli
import httpx
import orjson
from loopback import free_socket, quiet_server, running
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

TOKEN = "stub-token"
Handler = Callable[["Stub", Request, bytes], Awaitable[Response]]


class DropError(Exception):
    """Raised by a handler: close the connection without an answer."""


@dataclass
class Faults:
    """What goes wrong, as shares of the sending requests (each request rolls once)."""

    rate_429: float = 0.0
    retry_after: float = 0.02
    rate_5xx: float = 0.0
    rate_drop: float = 0.0  # dropped before the batch is taken: nothing was sent
    rate_drop_after: float = 0.0  # the batch is taken, then the connection drops: the client cannot know
    rate_slow: float = 0.0  # the batch is taken, the answer comes after ``slow`` seconds
    slow: float = 1.0
    rate_refuse: float = 0.0  # a message in a batch is refused and its address becomes inactive
    latency: float = 0.0
    seed: int = 7
    # From the Nth sending request on, each waits until Stub.release is set and is then dropped untaken:
    # a sender that is certainly mid-send, whatever the machine's speed (0: never).
    hold_from: int = 0
    # Deterministic faults: the Nth sending request (1-based) gets this outcome instead of a roll:
    # "429", "5xx", "drop", "drop_after", "slow", "garbled" (the batch is taken, and the answer
    # is a 200 whose body is not the API's JSON, as from a proxy in between) or "endless" (the
    # answer is the API's JSON followed by more white space than any answer needs) or "drip" (the
    # same, a space at a time, each well within any read timeout, for DRIP_SECONDS in all) or "bomb"
    # (BOMB_MB of white space, brotli-compressed to a few hundred bytes on the wire: brotli_bomb()).
    script: dict[int, str] = field(default_factory=dict)


@dataclass
class Record:
    """One accepted message, as the provider's log keeps it."""

    message_id: str
    recipient: str
    tag: str
    metadata: dict[str, str]
    provider: str
    at: float
    subject: str = ""
    body: str = ""
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Stub:
    """The server's state: credentials, faults, what it received and what it recorded."""

    base: str = ""
    faults: Faults = field(default_factory=Faults)
    token: str = TOKEN
    senders: tuple[str, ...] = ()  # verified sender domains; empty: any
    inactive: set[str] = field(default_factory=set)
    # Addresses whose message is answered with an account-level refusal (Postmark ErrorCode, SES Status)
    # while the other messages of the same batch are accepted.
    account: dict[str, Any] = field(default_factory=dict)
    batches: list[tuple[str, int]] = field(default_factory=list)  # (provider, messages) per taken request
    sends: int = 0  # sending requests seen (what Faults.script counts)
    keep: bool = True  # keep every message (search, bodies); off for million-message benchmarks
    received: Counter[str] = field(default_factory=Counter)
    records: list[Record] = field(default_factory=list)
    bodies: list[tuple[str, bytes]] = field(default_factory=list)  # (path, raw body) of every request
    hits: Counter[str] = field(default_factory=Counter)
    idempotency: dict[str, tuple[str, int, bytes]] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)
    held: int = 0  # requests held by Faults.hold_from so far

    def url(self, path: str) -> str:
        """An absolute URL on this server."""
        return f"{self.base}{path}"

    def accept(self, recipient: str, provider: str, tag: str = "", metadata: Any = None, **extra: Any) -> str:
        """Record one accepted message and return its id."""
        message_id = str(uuid.uuid4())
        with self.lock:
            self.received[recipient.lower()] += 1
            if self.keep:
                self.records.append(
                    Record(
                        message_id,
                        recipient.lower(),
                        tag,
                        dict(metadata or {}),
                        provider,
                        time.time(),
                        **extra,
                    )
                )
        return message_id

    def refused(self, recipient: str) -> bool:
        """True when this address is (or now becomes, by the fault roll) inactive."""
        address = recipient.lower()
        if address in self.inactive:
            return True
        if self.faults.rate_refuse and self.rng.random() < self.faults.rate_refuse:
            self.inactive.add(address)
            return True
        return False

    def sender_ok(self, sender: str) -> bool:
        """True when the From address is on a verified domain (always, when none are set)."""
        domain = sender.rpartition("@")[2].strip(" >").lower()
        return not self.senders or domain in self.senders

    def duplicates(self) -> int:
        """Copies received beyond the first, over every address."""
        return sum(n - 1 for n in self.received.values() if n > 1)

    def stats(self) -> dict[str, int]:
        """What a benchmark or a process-mode test reads back."""
        return {
            "received": sum(self.received.values()),
            "addresses": len(self.received),
            "duplicates": self.duplicates(),
            "requests": sum(self.hits.values()),
        }


async def faulty(
    stub: Stub, body: bytes, take: Callable[[bytes], Awaitable[Response]], busy: Response
) -> Response:
    """Apply the fault roll around a sending request; ``busy`` is the provider's 429 answer."""
    faults = stub.faults
    if faults.latency:
        await asyncio.sleep(faults.latency)
    stub.sends += 1
    if faults.hold_from and stub.sends >= faults.hold_from and not stub.release.is_set():
        stub.held += 1
        await asyncio.to_thread(stub.release.wait)
        raise DropError
    outcome = faults.script.get(stub.sends) or _roll(stub)
    if outcome in ("429", "5xx", "drop"):
        stub.hits[outcome] += 1
        if outcome == "429":
            busy.headers["Retry-After"] = str(faults.retry_after)
            return busy
        if outcome == "5xx":
            return JSONResponse({"Message": "Internal server error", "ErrorCode": 500}, status_code=503)
        raise DropError
    response = await take(body)
    if response.status_code < 300 and outcome in ("drop_after", "slow", "garbled", "endless", "drip", "bomb"):
        stub.hits[outcome] += 1
        if outcome == "drop_after":
            raise DropError
        if outcome == "garbled":
            return Response("<html><body>upstream reset</body></html>", media_type="text/html")
        if outcome == "endless":
            return StreamingResponse(_endless(bytes(response.body)), media_type="application/json")
        if outcome == "bomb":
            return Response(brotli_bomb(), media_type="application/json", headers={"content-encoding": "br"})
        if outcome == "drip":
            return StreamingResponse(_drip(bytes(response.body)), media_type="application/json")
        await asyncio.sleep(faults.slow)
    return response


async def _endless(answer: bytes) -> AsyncIterator[bytes]:
    """A JSON answer, then white space (still valid JSON) past what a client may read of an answer."""
    yield answer
    for _ in range(ENDLESS_MB):
        yield b" " * 1024 * 1024


ENDLESS_MB = 6  # past MAX_ANSWER_BYTES
BOMB_MB = 256  # what a client that decodes each piece whole holds in memory at once


@functools.cache
def brotli_bomb() -> bytes:
    """BOMB_MB of spaces in a few hundred bytes of brotli (made once, before a test measures memory)."""
    return brotli.compress(b" " * BOMB_MB * 1024 * 1024, quality=5)


async def _drip(answer: bytes) -> AsyncIterator[bytes]:
    """A JSON answer, then a space every DRIP_PAUSE seconds: never a read timeout, and slow in all."""
    yield answer
    for _ in range(round(DRIP_SECONDS / DRIP_PAUSE)):
        await asyncio.sleep(DRIP_PAUSE)
        yield b" "


DRIP_SECONDS = 30.0
DRIP_PAUSE = 0.05


def _roll(stub: Stub) -> str:
    """One request's fault by the seeded roll ('' for none)."""
    faults = stub.faults
    roll = stub.rng.random()
    for share, outcome in (
        (faults.rate_429, "429"), (faults.rate_5xx, "5xx"), (faults.rate_drop, "drop"),
        (faults.rate_drop_after, "drop_after"), (faults.rate_slow, "slow"),
    ):  # fmt: skip
        if roll < share:
            return outcome
        roll -= share
    return ""


def routes() -> dict[tuple[str, str], Handler]:
    """(method, path or path prefix) → handler, for every API the stub speaks."""
    import stub_apis
    import stub_postmark

    return {**stub_postmark.ROUTES, **stub_apis.ROUTES}


class App:
    """The ASGI application: route, check, answer, or drop the connection on purpose."""

    def __init__(self, stub: Stub) -> None:
        self.stub = stub
        self.routes = routes()

    def find(self, method: str, path: str) -> Handler | None:
        """The handler for a method and path (a route may hold '*' for a path segment)."""
        for (verb, pattern), handler in self.routes.items():
            if verb == method and fnmatch.fnmatchcase(path, pattern):
                return handler
        return None

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:  # type: ignore[type-arg]
        """Serve one request."""
        request = Request(scope, receive)
        path = request.url.path
        self.stub.hits[path] += 1
        try:
            response = await self._answer(request, path)
        except DropError:
            # Start an answer and never finish it: uvicorn closes the connection.
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]}
            )
            return
        await response(scope, receive, send)

    async def _answer(self, request: Request, path: str) -> Response:
        if path == "/_stub/stats":
            return JSONResponse(self.stub.stats())
        handler = self.find(request.method, path)
        if handler is None:
            return JSONResponse({"message": f"no route for {request.method} {path}"}, status_code=404)
        body = await request.body()
        if self.stub.keep:
            self.stub.bodies.append((path, body))
        return await handler(self.stub, request, body)


@contextmanager
def serve(faults: Faults | None = None, **settings: Any) -> Iterator[Stub]:
    """Run the stub in a thread of this process for the block; yields its live state."""
    faults = faults or Faults()
    sock = free_socket()
    stub = Stub(
        f"http://127.0.0.1:{sock.getsockname()[1]}", faults, rng=random.Random(faults.seed), **settings
    )
    with running(App(stub), sock, log_level="critical"):
        try:
            yield stub
        finally:
            stub.release.set()  # a request still held must not keep the server from stopping


def _run_in_process(sock: socket.socket, faults: Faults, settings: dict[str, Any]) -> None:
    stub = Stub(
        f"http://127.0.0.1:{sock.getsockname()[1]}", faults, rng=random.Random(faults.seed), **settings
    )
    quiet_server(App(stub), "critical").run(sockets=[sock])


@dataclass
class Spawned:
    """A stub running in a process of its own: its URL, and its figures over HTTP."""

    base: str
    process: multiprocessing.process.BaseProcess

    def url(self, path: str) -> str:
        """An absolute URL on this server."""
        return f"{self.base}{path}"

    def stats(self) -> dict[str, int]:
        """The stub's counts (``Stub.stats``)."""
        return dict(httpx.get(self.url("/_stub/stats"), timeout=60).json())


@contextmanager
def spawn(faults: Faults | None = None, **settings: Any) -> Iterator[Spawned]:
    """Run the stub in a separate process for the block (the socket is bound here, port 0)."""
    sock = free_socket()
    sock.listen(1024)
    context = multiprocessing.get_context("fork")
    process = context.Process(target=_run_in_process, args=(sock, faults or Faults(), settings), daemon=True)
    process.start()
    spawned = Spawned(f"http://127.0.0.1:{sock.getsockname()[1]}", process)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            spawned.stats()
            break
        except httpx.TransportError:
            time.sleep(0.05)
    try:
        yield spawned
    finally:
        process.terminate()
        process.join(timeout=10)
        sock.close()


def digest_of(body: bytes) -> str:
    """A request body's fingerprint (idempotency: the same key must come with the same body)."""
    return hashlib.sha256(body).hexdigest()


def loads(body: bytes) -> Any:
    """JSON from a request body, or None when it is not JSON."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
