"""`digest inbound`: the mailto: unsubscribe. One email on stdin (the unsubscribe@ mailbox piped to it)."""

from __future__ import annotations

import sys
from typing import BinaryIO

import click

from digest.cli.common import config_option, err, runtime_for, summary

MAX_MESSAGE = 1024 * 1024  # the token is in the subject or near the top: the rest is read and dropped
TEMPFAIL = 75  # EX_TEMPFAIL (sysexits.h): the mail server keeps the message and tries again later


@click.command()
@config_option
@click.option("--list", "list_name", metavar="L", help="Accept only tokens for this list.")
def inbound(config_path: str, list_name: str | None) -> None:
    """Unsubscribe the reader whose mailto: unsubscribe email is on stdin (exit 1 for a bad token)."""
    from digest.errors import DigestError
    from digest.store.health import StoreUnavailableError
    from digest.web.leave import token_holder, token_in_message, unsubscribe

    raw = read_message(sys.stdin.buffer)
    token = token_in_message(raw)
    if token is None:
        raise DigestError(
            "Inbound email holds no unsubscribe token: neither its Subject nor its text says "
            "'unsubscribe <token>'",
            "pipe only the mailbox of the List-Unsubscribe mailto: address to `digest inbound`",
        )
    with runtime_for(config_path) as runtime:
        person = token_holder(runtime.store, runtime.secret(), token)
        if person is None or (list_name and person.list != list_name):
            raise DigestError(
                f"Unsubscribe token '{token[:40]}' is not valid: it names no subscriber"
                + (f" of list '{list_name}'" if list_name else "")
                + " or was not signed with this secret",
                "nothing was changed; the token must come from a digest email sent with this config",
            )
        try:
            unsubscribe(runtime.store, person, runtime.clock())
        except StoreUnavailableError as exc:
            err.print(f"Error: {exc}", style="bold red")
            sys.exit(TEMPFAIL)
    summary(f"Unsubscribed {person.email} from {person.list}")


def read_message(stream: BinaryIO) -> bytes:
    """The first MAX_MESSAGE bytes of the message; the rest is drained, so the sender sees no broken pipe."""
    head = stream.read(MAX_MESSAGE)
    while stream.read(64 * 1024):
        pass
    return head
