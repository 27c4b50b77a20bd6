"""The reader-facing endpoints: one-click unsubscribe (RFC 8058), subscribe with double opt-in, confirm.

``POST /u/TOKEN`` with ``List-Unsubscribe=One-Click`` unsubscribes at once and answers 200: the signed
token is the only credential, so no cookie, login or redirect is involved. ``GET /u/TOKEN`` only shows
a confirm button, because mail scanners follow links. ``POST /subscribe`` answers the same whatever
the address's state, so that the form cannot be used to find out who is subscribed. Every form is read
within FORM_LIMIT bytes; a store that cannot record a change answers 503 (see digest.web.app).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from digest.config import ThemeConfig
from digest.models import Subscriber, SubscriberStatus
from digest.store import Store
from digest.store.subscribers import NewSubscriber
from digest.subscriber_csv import clean_name, normalize_email
from digest.tokens import make_confirm_token, read_confirm_token, verify_confirm_token
from digest.web.body import CLOSE, BodyTooLargeError, read_form
from digest.web.html import message, page
from digest.web.leave import MAX_TOKEN, token_holder, unsubscribe
from digest.web.ratelimit import RateLimiter

log = logging.getLogger("digest.web")

ConfirmSender = Callable[[Subscriber, str], Awaitable[None]]
"""Sends the double opt-in email: called with the pending subscriber and their confirm URL."""

HONEYPOT = "website"  # a field people never see or fill in; bots fill in every field
# A second confirmation email to the same address waits this long, whatever the IP addresses.
RESEND_GAP = timedelta(minutes=10)
# Who gets a confirmation email when they sign up: not the active (nothing to do), and not an address
# that bounced or complained (the form must not become a way to mail them).
CONFIRMABLE = (SubscriberStatus.PENDING, SubscriberStatus.UNSUBSCRIBED)


@dataclass(frozen=True, slots=True)
class PublicSite:
    """What the public endpoints need; the CLI builds it, tests pass fakes."""

    store: Store
    secret: str
    public_url: str
    lists: Mapping[str, str]  # list name → the newsletter's title, first one the default
    send_confirmation: ConfirmSender
    clock: Callable[[], datetime]
    limiter: RateLimiter
    confirm_max_age: timedelta = timedelta(days=7)
    # list name → the theme of the first newsletter sent to it; a list without one looks like [theme]
    themes: Mapping[str, ThemeConfig] = field(default_factory=dict)

    def theme(self, list_name: str | None = None) -> ThemeConfig:
        """The look of a page about ``list_name``; a page about no list wears the default list's."""
        name = list_name if list_name is not None else next(iter(self.lists), "")
        return self.themes.get(name) or ThemeConfig()


def public_routes(site: PublicSite) -> list[Route]:
    """The routes of the unsubscribe, subscribe and confirm pages."""

    async def unsubscribe_page(request: Request) -> Response:
        person = await run_in_threadpool(token_holder, site.store, site.secret, request.path_params["token"])
        if person is None:
            return _invalid(site)
        title, theme = site.lists.get(person.list, person.list), site.theme(person.list)
        if person.status not in (SubscriberStatus.PENDING, SubscriberStatus.ACTIVE):
            return message("Unsubscribed", f"{person.email} no longer receives {title}.", 200, theme)
        return page(
            "unsubscribe.html", theme=theme, title="Unsubscribe", newsletter=title, email=person.email
        )

    async def one_click(request: Request) -> Response:
        try:
            form = await read_form(request)
        except BodyTooLargeError:
            return _too_large(site)
        if form.get("List-Unsubscribe") != "One-Click":
            return message(
                "Not understood", "The request must say List-Unsubscribe=One-Click.", 400, site.theme()
            )
        person = await run_in_threadpool(token_holder, site.store, site.secret, request.path_params["token"])
        if person is None:
            return _invalid(site)
        await run_in_threadpool(unsubscribe, site.store, person, site.clock())
        title = site.lists.get(person.list, person.list)
        return message(
            "Unsubscribed", f"{person.email} will receive no more of {title}.", 200, site.theme(person.list)
        )

    async def subscribe_form(_: Request) -> Response:
        # One form for every list: it wears the default (first) list's theme.
        return page("subscribe.html", theme=site.theme(), title="Subscribe", lists=site.lists)

    async def subscribe(request: Request) -> Response:
        wait = site.limiter.hit(request.client.host if request.client else "unknown")
        if wait:
            return message(
                "Too many requests",
                "Please try again later.",
                429,
                site.theme(),
                **{"Retry-After": f"{wait:.0f}"},
            )
        try:
            form = await read_form(request)
        except BodyTooLargeError:
            return _too_large(site)
        if str(form.get(HONEYPOT, "")):
            return _check_inbox(site.theme())  # a bot: answer as if it worked, do nothing
        list_name = str(form.get("list") or next(iter(site.lists)))
        if list_name not in site.lists:
            return message("Unknown newsletter", f"There is no newsletter '{list_name}'.", 400, site.theme())
        theme = site.theme(list_name)
        if any("\x00" in str(value) for value in form.values()):
            # PostgreSQL refuses NUL in text, and nobody types one: a robot or a broken client.
            return message("Not understood", "The form holds a NUL byte: please type it again.", 400, theme)
        try:
            email = normalize_email(str(form.get("email", "")))
        except ValueError as exc:
            return message("Not a valid address", f"Please check the address: {exc}", 400, theme)
        row = NewSubscriber(email, clean_name(str(form.get("name", ""))))
        person = await run_in_threadpool(
            site.store.subscribers.add_pending, row, list_name, "web", site.clock()
        )
        # Sending after the response keeps the answer's timing the same for every address.
        return _check_inbox(theme, BackgroundTask(_send_confirmation, site, person))

    async def confirm(request: Request) -> Response:
        return await run_in_threadpool(_confirm, site, request.path_params["token"])

    return [
        Route("/u/{token}", unsubscribe_page, methods=["GET"]),
        Route("/u/{token}", one_click, methods=["POST"]),
        Route("/subscribe", subscribe_form, methods=["GET"]),
        Route("/subscribe", subscribe, methods=["POST"]),
        Route("/confirm/{token}", confirm, methods=["GET"]),
    ]


def _confirm(site: PublicSite, token: str) -> Response:
    named = read_confirm_token(token) if len(token) <= MAX_TOKEN else None
    person = site.store.subscribers.get(named[0]) if named else None
    if named is None or person is None or person.list != named[1]:
        return _invalid(site)
    now = site.clock()
    if not verify_confirm_token(site.secret, token, person.email, now, timedelta.max):
        return _invalid(site)
    title, theme = site.lists.get(person.list, person.list), site.theme(person.list)
    if not verify_confirm_token(site.secret, token, person.email, now, site.confirm_max_age):
        expired = f"This link has expired: please subscribe to {title} again."
        return message("Link expired", expired, 410, theme)
    if not site.store.subscribers.confirm(person.id, named[2], now):
        return message("Link no longer valid", f"Please subscribe to {title} again.", 410, theme)
    return message("Subscribed", f"{person.email} will receive {title}. Thank you!", 200, theme)


async def _send_confirmation(site: PublicSite, person: Subscriber) -> None:
    if person.status not in CONFIRMABLE:
        return
    now = site.clock()
    try:
        claimed = await run_in_threadpool(
            site.store.subscribers.claim_confirmation, person.id, now, RESEND_GAP
        )
        if not claimed:
            return
        token = make_confirm_token(site.secret, person.list, person.id, person.email, now)
        await site.send_confirmation(person, f"{site.public_url}/confirm/{token}")
    except Exception:
        # The reader has had their answer already; the operator finds the reason in the log.
        log.exception("Confirmation email to '%s' failed", person.email)


def _check_inbox(theme: ThemeConfig, background: BackgroundTask | None = None) -> Response:
    response = message(
        "Check your inbox", "If the address can receive it, a confirmation link is on its way.", 200, theme
    )
    response.background = background
    return response


def _too_large(site: PublicSite) -> Response:
    text = "The request is larger than this form could ever be."
    return message("Too large", text, 413, site.theme(), **CLOSE)


def _invalid(site: PublicSite) -> Response:
    # The token names no list that can be trusted: the page wears the default list's theme.
    text = "This link is not valid. Please use the link from your email."
    return message("Link not valid", text, 404, site.theme())
