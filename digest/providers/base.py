"""What every provider is: a name, its limits, send a batch, say what it accepted, close.

Provider.send(batch)      → a SendOutcome: one SendResult per message the provider answered for (a
                             message without one was not sent), and a stop reason when the account
                             refused part of the batch after accepting the rest; raises TransientError
                             (retry the batch) or ProviderError (the whole request was refused: nothing sent)
Provider.accepted(batch)  → subscriber id → message id of those the provider has a record of,
                             or None when it keeps no log that can be searched
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, TypeVar
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel

from digest.errors import ProviderError
from digest.models import SendResult
from digest.providers.letter import Batch

if TYPE_CHECKING:
    import httpx

    from digest.config import ProviderConfig

OptionsT = TypeVar("OptionsT", bound=BaseModel)

Reconcile = Literal["idempotent", "search", "none"]
# How long one exchange with a provider (a request and its answer, an SMTP message) may take, in the
# provider's timeouts: a client's timeout bounds each wait for the next bytes, not their sum, and a
# server that answers a byte at a time (a broken proxy, a hostile endpoint) would otherwise hold an
# unattended run for days.
EXCHANGE_TIMEOUTS = 4.0


@dataclass(frozen=True, slots=True)
class Limits:
    """A provider's documented limits, used unless [provider] overrides them (None: no limit)."""

    max_batch: int
    requests_per_s: float | None = None
    messages_per_s: float | None = None
    concurrency: int = 4


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """What a provider said about one batch.

    ``results`` holds a result for each message the provider answered for; a message without one was
    not sent and goes back to pending. ``stop`` is set when the account or sender cannot send at all
    (a bad token, a suspended account) even though earlier messages of the same answer were accepted:
    those are recorded, and the whole send stops with this error. ``uncertain`` names the messages
    (by subscriber id) that may have been accepted though no answer came (an SMTP connection lost
    in the middle of one): they are settled like an uncertain batch, never simply sent again.
    """

    results: tuple[SendResult, ...]
    stop: ProviderError | None = None
    uncertain: tuple[int, ...] = ()


class TransientError(Exception):
    """A batch failed in a way worth retrying (429, 5xx, timeout, dropped connection).

    ``uncertain`` is set when the provider may have accepted the batch before the failure (the
    request was sent but no answer came back), so a blind retry could send it twice.
    """

    def __init__(self, reason: str, *, retry_after: float | None = None, uncertain: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.uncertain = uncertain


class Provider(Protocol):
    """Sends batches of personalized messages and says, per message, whether it was accepted."""

    name: str
    limits: Limits
    # How a batch whose outcome is unknown (a crash, a timeout) is settled: "idempotent" — send it
    # again under the same key, the provider drops the repeat; "search" — ask accepted(); "none" —
    # the [provider] on_uncertain policy decides (re-send: at-least-once; skip: at-most-once).
    reconcile: Reconcile

    async def send(self, batch: Batch) -> SendOutcome:
        """Send one batch; raise TransientError to retry it, ProviderError when nothing of it was sent."""
        ...

    async def accepted(self, batch: Batch) -> dict[int, str] | None:
        """Which of a batch the provider accepted earlier (id → message id); None if it cannot tell."""
        ...

    async def aclose(self) -> None:
        """Release connections and files."""
        ...


@dataclass(frozen=True, slots=True)
class Context:
    """What a factory gets: the [provider] table, the shared HTTP client and the environment."""

    config: ProviderConfig
    client: httpx.AsyncClient | None
    environ: Mapping[str, str]

    def secret(self, default_env: str, *, required: bool = True) -> str:
        """The key from the environment variable [provider] names (or the provider's usual one)."""
        env = self.config.api_key_env or default_env
        value = self.environ.get(env, "")
        if required and not value:
            raise ProviderError(
                self.config.name,
                f"needs an API key: environment variable {env} is not set",
                f"export {env}=… (the key from your {self.config.name} account), "
                "or name another variable in provider.api_key_env",
            )
        return value

    def env_name(self, default_env: str) -> str:
        """The environment variable that holds the key, for hints."""
        return self.config.api_key_env or default_env

    def options(self, kind: type[OptionsT]) -> OptionsT:
        """The provider's own [provider] keys, as its options model ``kind`` validated them."""
        options = self.config.options
        return options if isinstance(options, kind) else kind()


def masked_url(url: str) -> str:
    """A URL fit for an error message: a password in it is shown as ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.netloc.rpartition('@')[2]}"
    return urlunsplit(parts._replace(netloc=netloc))


def all_results(batch: Batch, accepted: bool, message_id: str = "", error: str = "") -> SendOutcome:
    """The same outcome for every addressee of a batch (providers that answer per request)."""
    return SendOutcome(
        tuple(SendResult(a.subscriber_id, accepted, message_id, error) for a in batch.addressees)
    )
