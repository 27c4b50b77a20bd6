"""The double opt-in email, handed to the configured provider like any other batch."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import jinja2

from digest.errors import ProviderError
from digest.models import Subscriber
from digest.personalize import FIELDS
from digest.providers.base import Provider
from digest.providers.letter import Addressee, Batch, Letter
from digest.web.public import ConfirmSender


@dataclass(frozen=True, slots=True)
class Newsletter:
    """Who a list's confirmation email comes from and what it is called."""

    sender: str
    title: str


_HTML = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
    "<p>{{ greeting }}</p><p>please confirm that you want to receive <strong>{{ title }}</strong>:</p>"
    '<p><a href="{{ url }}">Yes, subscribe me</a></p>'
    "<p>If you did not ask for it, ignore this email: you will not hear from us again.</p>"
)
_TEXT = jinja2.Environment(
    autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
).from_string(
    "{{ greeting }}\n\nplease confirm that you want to receive {{ title }}:\n\n{{ url }}\n\n"
    "If you did not ask for it, ignore this email: you will not hear from us again.\n"
)


def confirmation_letter(person: Subscriber, url: str, newsletter: Newsletter) -> Letter:
    """The email asking a new subscriber to confirm, with the link as its only call to action."""
    greeting = f"Hello {person.name}," if person.name else "Hello,"
    values = {"greeting": greeting, "title": newsletter.title, "url": url}
    text = _TEXT.render(values)
    body = _HTML.render(values)
    subject = f"Confirm your subscription to {newsletter.title}"
    return Letter(f"confirm-{person.list}", newsletter.sender, subject, body, text)


def provider_sender(
    provider: Provider, newsletters: Mapping[str, Newsletter], clock: Callable[[], datetime]
) -> ConfirmSender:
    """A ConfirmSender that hands the email to the configured provider as a batch of one."""

    async def send(person: Subscriber, url: str) -> None:
        letter = confirmation_letter(person, url, newsletters[person.list])
        # The bodies are final: every placeholder a provider may look for is given, and empty.
        values = {name: "" for name in FIELDS} | {"email": person.email, "name": person.name}
        addressee = Addressee(person.id, person.email, person.name, values)
        key = f"confirm-{person.id}-{clock():%Y%m%d%H%M%S}"
        outcome = await provider.send(Batch(key, letter, (addressee,)))
        if outcome.stop is not None:
            raise outcome.stop
        results = outcome.results
        refused = [r for r in results if not r.accepted]
        if refused or not results:
            reason = refused[0].error if refused else "no result"
            raise ProviderError(
                provider.name, f"refused the confirmation email to '{person.email}': {reason}"
            )

    return send
