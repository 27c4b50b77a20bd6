"""HTTP plumbing the API providers share: one POST, status codes sorted into retry, stop or go on."""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
import orjson

from digest.errors import ProviderError
from digest.inflate import UndecodableError, decoded_chunks
from digest.providers.base import EXCHANGE_TIMEOUTS, Context, TransientError


class ApiProvider:
    """Base of the HTTP API providers: the shared client, or one of their own made on first use."""

    def __init__(self, context: Context) -> None:
        self._shared = context.client
        self._own: httpx.AsyncClient | None = None
        self._timeout = context.config.timeout

    @property
    def client(self) -> httpx.AsyncClient:
        """The client requests go through."""
        if self._shared is not None:
            return self._shared
        if self._own is None:
            self._own = httpx.AsyncClient(timeout=self._timeout)
        return self._own

    async def aclose(self) -> None:
        """Close the client if this provider made it."""
        if self._own is not None:
            await self._own.aclose()
            self._own = None


# What a provider's answer is read up to. Its results take a few hundred bytes a message (a batch of
# 500: about 150 KB); an answer without end would fill the memory of an unattended run.
MAX_ANSWER_BYTES = 4 * 1024 * 1024
# Headers that describe the body as it came over the wire, not as it is kept once read.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
# A gateway may time out after the service behind it took the batch: the outcome is unknown.
_UNCERTAIN_STATUS = frozenset({502, 504})


async def request(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    content: bytes | AsyncIterator[bytes] | None = None,
    data: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    auth: httpx.Auth | tuple[str, str] | None = None,
) -> httpx.Response:
    """Send one request; a failure to connect or to hear back becomes TransientError.

    The answer is read up to MAX_ANSWER_BYTES: what comes after is not read (a success whose results
    are cut off no longer parses, and its batch is settled as an uncertain outcome). The whole
    exchange takes at most EXCHANGE_TIMEOUTS times the client's longest timeout; one that runs out
    of it is uncertain too, as the provider may have taken the batch.
    """
    deadline = EXCHANGE_TIMEOUTS * _longest(client.timeout)
    try:
        async with asyncio.timeout(deadline):
            built = client.build_request(
                method, url, content=content, data=data, params=params, headers=headers
            )
            response = await client.send(built, auth=auth, stream=True)
            try:
                return await _bounded(response)
            finally:
                await response.aclose()
    except TimeoutError:
        raise TransientError(
            f"'{_host(url)}' took more than {deadline:g} s to answer in all "
            f"({EXCHANGE_TIMEOUTS:g} times the provider's timeout)",
            uncertain=True,
        ) from None
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        # Nothing left this machine: safe to retry.
        raise TransientError(f"cannot connect to '{_host(url)}': {_why(exc)}") from None
    except httpx.TimeoutException as exc:
        raise TransientError(f"no answer from '{_host(url)}' in time: {_why(exc)}", uncertain=True) from None
    except httpx.TransportError as exc:
        raise TransientError(f"connection to '{_host(url)}' dropped: {_why(exc)}", uncertain=True) from None


def _longest(timeout: httpx.Timeout) -> float:
    """The longest of a client's timeouts (30 s when it has none)."""
    phases = [t for t in (timeout.connect, timeout.read, timeout.write, timeout.pool) if t]
    return max(phases, default=30.0)


async def _bounded(response: httpx.Response) -> httpx.Response:
    """The answer with its body read, decoded, up to MAX_ANSWER_BYTES.

    A success longer than that is not read on: its results cannot be known (a cut in white space
    would still parse), so the batch's outcome is uncertain. A refusal keeps what was read of it.
    """
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in decoded_chunks(response, MAX_ANSWER_BYTES):
            chunks.append(chunk[: MAX_ANSWER_BYTES - size])
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                if response.status_code < 300:
                    raise TransientError(
                        f"answered {response.status_code} with more than {MAX_ANSWER_BYTES // 1024} KB, "
                        "more than any answer to a batch holds",
                        uncertain=True,
                    )
                break
    except UndecodableError as exc:
        if response.status_code < 300:  # its results cannot be read: the batch may have been taken
            raise TransientError(f"answered {response.status_code}, but {exc}", uncertain=True) from None
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _WIRE_HEADERS]
    return httpx.Response(
        response.status_code, headers=headers, content=b"".join(chunks), request=response.request
    )


async def drain(runs: list[list[bytes]]) -> AsyncIterator[bytes]:
    """A request body written as the socket takes it, one run of pieces joined at a time.

    The pieces of a batch are mostly references to the issue's body, encoded once: a batch in
    flight holds those references and one joined run, never a copy of the whole body. Send it
    with an explicit Content-Length (``body_length(runs)``).
    """
    for run in runs:
        yield b"".join(run)


def body_length(runs: list[list[bytes]]) -> int:
    """The length of a body given as runs of pieces."""
    return sum(sum(map(len, run)) for run in runs)


def check(response: httpx.Response, provider: str, detail: str, hint: str) -> None:
    """Raise for a response that is not a success: TransientError for 429 and 5xx, ProviderError otherwise."""
    status = response.status_code
    if status < 300:
        return
    if status == 429 or status >= 500 or status == 408:
        raise TransientError(
            f"answered {status}: {detail}",
            retry_after=retry_after(response.headers.get("retry-after")),
            uncertain=status in _UNCERTAIN_STATUS,
        )
    raise ProviderError(provider, f"refused the batch: {status} {detail}".rstrip(), hint)


def auth_hint(provider: str, env: str) -> str:
    """The hint for a refused key."""
    return f"set {env} to a valid {provider} API key (and check it may send email)"


def name_of(value: Any) -> str:
    """An event's type or kind as the provider's JSON gives it; "" for anything but a string.

    A JSON object or list is no key of a table: looked up as one, it raised TypeError (a 500 answer,
    which the provider retries for days).
    """
    return value if isinstance(value, str) else ""


def nested(value: Any, *keys: str) -> Any:
    """``value[k1][k2]…`` through JSON objects; None where one is missing or not an object."""
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def body_json(response: httpx.Response) -> Any:
    """The response's JSON, or None when it has none."""
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None


def unreadable(response: httpx.Response, answer: Any, expected: int, found: int | None) -> TransientError:
    """A success answer that does not say, message by message, what was taken: an uncertain outcome.

    The provider may have taken the batch, so it is neither sent again blindly nor released as
    pending: the engine settles it like a lost answer (the provider's log, its idempotency key, or
    [provider] on_uncertain).
    """
    if answer is None:
        what = "a body that is not JSON"
    elif found is not None and found != expected:
        what = f"{found} results"
    else:
        what = "JSON of another shape"
    return TransientError(
        f"answered {response.status_code} with {what} for a batch of {expected}", uncertain=True
    )


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date); None if absent."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _host(url: str) -> str:
    return httpx.URL(url).host or url


def _why(exc: Exception) -> str:
    return str(exc) or type(exc).__name__
