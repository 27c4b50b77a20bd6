"""SMTP: any mail server, for self-hosted mail (aiosmtplib), a few connections kept open.

``base_url`` is ``smtp://user@host:587`` (STARTTLS when the server offers it) or
``smtps://user@host:465`` (TLS from the start); the password comes from the environment variable
that provider.api_key_env names (SMTP_PASSWORD by default). An SMTP server keeps no log we can
ask, so a message whose answer was lost is settled by [provider] on_uncertain.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

import aiosmtplib

from digest.errors import ProviderError
from digest.mime import AddressError, build_mime, envelope_sender, needs_smtputf8, serialize, wire_address
from digest.models import OutgoingMessage, SendResult
from digest.providers.base import (
    EXCHANGE_TIMEOUTS,
    Context,
    Limits,
    Reconcile,
    SendOutcome,
    TransientError,
    masked_url,
)
from digest.providers.letter import Batch

PASSWORD_ENV = "SMTP_PASSWORD"
_BROKEN = (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError, OSError)


class SmtpProvider:
    """Each batch goes over one connection, one message after another."""

    name = "smtp"
    limits = Limits(max_batch=100, concurrency=4)
    reconcile: Reconcile = "none"

    def __init__(self, context: Context, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        url = urlsplit(context.config.base_url or "smtp://localhost:25")
        if url.scheme not in ("smtp", "smtps") or not url.hostname:
            shown = masked_url(context.config.base_url)  # a password in the URL never reaches a log
            raise ProviderError(
                self.name,
                f"cannot use base_url '{shown}': not an smtp:// or smtps:// URL",
                "write provider.base_url as smtp://user@host:587 or smtps://user@host:465, and keep the "
                f"password in {context.env_name(PASSWORD_ENV)}, not in the URL",
            )
        self._tls = url.scheme == "smtps"
        self._host, self._port = url.hostname, url.port or (465 if self._tls else 25)
        self._user = unquote(url.username or "")
        self._password = context.secret(PASSWORD_ENV, required=bool(self._user))
        self._env = context.env_name(PASSWORD_ENV)
        self._timeout = context.config.timeout
        # aiosmtplib's timeout bounds each wait for the server's next bytes, not a whole exchange.
        self._deadline = EXCHANGE_TIMEOUTS * self._timeout
        self._clock = clock
        self._idle: list[aiosmtplib.SMTP] = []
        self._fatal: ProviderError | None = None

    async def send(self, batch: Batch) -> SendOutcome:
        """Send each message of the batch over one connection; per-recipient refusals are per row.

        A broken connection or a refused sender ends the batch early: the messages not tried have no
        result and go back to pending; a refused sender also stops the send. An address this server
        cannot take fails that recipient alone: one recipient never stalls a batch."""
        if self._fatal:
            raise self._fatal
        sender = self._envelope(batch.letter.sender)
        smtp = await self._connection()
        results: list[SendResult] = []
        for message in batch.messages():
            try:
                results.append(await self._send_one(smtp, message, sender))
            except aiosmtplib.SMTPSenderRefused as exc:
                self._fatal = ProviderError(
                    self.name, f"refused the sender '{message.sender}': {exc.code} {exc.message}",
                    "check that the server lets this account send as the newsletter's from address",
                )  # fmt: skip
                if not results:
                    raise self._fatal from None
                return SendOutcome(tuple(results), self._fatal)
            except _BROKEN as exc:
                smtp.close()
                why = _lost(exc, self._deadline)
                if not results:  # the message in progress may have gone through: uncertain
                    raise TransientError(
                        f"lost the connection to '{self._host}': {why}", uncertain=True
                    ) from None
                # The ones before it were accepted; the one in progress may have been too.
                return SendOutcome(tuple(results), uncertain=(message.subscriber_id,))
        self._idle.append(smtp)
        return SendOutcome(tuple(results))

    def _envelope(self, sender: str) -> str:
        """The envelope sender; one that cannot be written stops the send (it is every message's)."""
        try:
            return envelope_sender(sender)
        except AddressError as exc:
            raise ProviderError(self.name, exc.message, "check the newsletter's from address") from None

    async def _send_one(self, smtp: aiosmtplib.SMTP, message: OutgoingMessage, sender: str) -> SendResult:
        """Send one message; a refusal, or an address this server cannot take, fails this row only."""
        try:
            to, mime = wire_address(message.to), build_mime(message, self._clock())
            # Our own serialization: aiosmtplib's would fold List-Unsubscribe at 78 columns.
            async with asyncio.timeout(self._deadline):
                await smtp.sendmail(
                    sender, [to], serialize(mime, smtp=True),
                    mail_options=["SMTPUTF8"] if needs_smtputf8(to) else [],
                )  # fmt: skip
        except AddressError as exc:
            return _failed(message, exc.message)
        except aiosmtplib.SMTPNotSupported:
            return _failed(
                message, f"address '{message.to}' needs SMTPUTF8, which '{self._host}' does not offer"
            )
        except ValueError as exc:  # an address aiosmtplib will not put in a command (UnicodeEncodeError too)
            await _reset(smtp)
            return _failed(message, f"address '{message.to}' cannot be sent: {exc}")
        except aiosmtplib.SMTPSenderRefused:
            raise
        except (
            aiosmtplib.SMTPRecipientsRefused,
            aiosmtplib.SMTPDataError,
            aiosmtplib.SMTPResponseException,
        ) as exc:
            code, why = _refusal(exc)
            return SendResult(
                message.subscriber_id, False, error=f"SMTP {code}: {why}", permanent=code >= 500
            )
        return SendResult(message.subscriber_id, True, str(mime["Message-ID"]))

    async def accepted(self, batch: Batch) -> None:
        """An SMTP server cannot be asked what it accepted."""
        return None

    async def _connection(self) -> aiosmtplib.SMTP:
        if self._idle:
            return self._idle.pop()
        smtp = aiosmtplib.SMTP(
            hostname=self._host, port=self._port, use_tls=self._tls, timeout=self._timeout,
            username=self._user or None, password=self._password or None,
        )  # fmt: skip
        try:
            async with asyncio.timeout(self._deadline):
                await smtp.connect()
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise ProviderError(
                self.name, f"refused the login of '{self._user}': {exc.code} {exc.message}",
                f"set {self._env} to the password of '{self._user}' on {self._host}",
            ) from None  # fmt: skip
        except (aiosmtplib.SMTPException, OSError) as exc:  # TimeoutError too: nothing was sent yet
            smtp.close()
            why = _lost(exc, self._deadline)
            raise TransientError(f"cannot connect to '{self._host}:{self._port}': {why}") from None
        return smtp

    async def aclose(self) -> None:
        """Say goodbye on every open connection."""
        while self._idle:
            smtp = self._idle.pop()
            try:
                await smtp.quit()
            except (aiosmtplib.SMTPException, OSError):
                smtp.close()


def _lost(exc: Exception, deadline: float) -> str:
    """Why a connection was given up, in words (a deadline that ran out says nothing by itself)."""
    if type(exc) is TimeoutError:
        return f"no complete answer in {deadline:g} s ({EXCHANGE_TIMEOUTS:g} times the provider's timeout)"
    return str(exc)


def _failed(message: OutgoingMessage, why: str) -> SendResult:
    """This recipient failed for good: no later attempt to this server would go otherwise."""
    return SendResult(message.subscriber_id, False, error=f"SMTP: {why}", permanent=True)


async def _reset(smtp: aiosmtplib.SMTP) -> None:
    """Drop a half-made envelope, so that the next message starts clean (a broken link shows then)."""
    with suppress(aiosmtplib.SMTPException, OSError):
        await smtp.rset()


def _refusal(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        first = exc.recipients[0]
        return first.code, first.message
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return exc.code, exc.message
    return 451, str(exc)
