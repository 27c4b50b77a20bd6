"""A real HTTP server on 127.0.0.1 (uvicorn in a thread) whose routes a test sets up."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.requests import Request
from starlette.responses import Response

Handler = Callable[[Request], Awaitable[Response]]


@dataclass
class Loopback:
    """The running server: its base URL, the routes it answers and what it has seen."""

    base: str
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0

    def url(self, path: str) -> str:
        """An absolute URL on this server."""
        return f"{self.base}{path}"

    def hits(self, path: str) -> list[Request]:
        """The requests received for one path."""
        return [r for r in self.requests if r.url.path == path]

    async def app(self, scope: dict, receive: Callable, send: Callable) -> None:  # type: ignore[type-arg]
        """The ASGI application: look the path up in ``routes``; 404 otherwise."""
        request = Request(scope, receive)
        self.requests.append(request)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            handler = self.routes.get(request.url.path)
            response = await handler(request) if handler else Response("not here", status_code=404)
        finally:
            self.in_flight -= 1
        await response(scope, receive, send)


def static(body: bytes | str, status: int = 200, delay: float = 0.0, **headers: str) -> Handler:
    """A handler that answers with a fixed body after an optional delay."""

    async def handle(_: Request) -> Response:
        if delay:
            await asyncio.sleep(delay)
        return Response(body, status_code=status, headers=headers)

    return handle


def free_socket(host: str = "127.0.0.1") -> socket.socket:
    """A socket bound to a free port of ``host``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    return sock


def quiet_server(app: Any, log_level: str = "error") -> uvicorn.Server:
    """A uvicorn server for a test app: no lifespan, no websockets, no access log."""
    config = uvicorn.Config(
        app, log_level=log_level, lifespan="off", ws="none", access_log=False, interface="asgi3"
    )
    return uvicorn.Server(config)


@contextmanager
def running(app: Any, sock: socket.socket, log_level: str = "error") -> Iterator[None]:
    """Serve an ASGI app on ``sock`` in a thread for the block; stop it afterwards."""
    server = quiet_server(app, log_level)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def serve(host: str = "127.0.0.1") -> Iterator[Loopback]:
    """Start a server on a free port of ``host``; stop it when the block ends."""
    sock = free_socket(host)
    server_state = Loopback(f"http://{host}:{sock.getsockname()[1]}")
    with running(server_state.app, sock):
        yield server_state
