"""Sending: the weekly run, finishing a stopped issue, a test to one address, a dry run; one report shape."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digest import job
from digest.deliver import Audience, DeliveryReport, Progress, deliver, letter_for
from digest.errors import DigestError
from digest.mime import AddressError
from digest.models import RenderedIssue, SubscriberStatus
from digest.personalize import Personalizer
from digest.providers.letter import Addressee, Batch
from digest.service.runtime import Runtime
from digest.store import Store
from digest.store.segments import segment_condition

if TYPE_CHECKING:
    from digest.providers.base import Provider

ACTIVE = SubscriberStatus.ACTIVE.value


@dataclass(frozen=True, slots=True)
class TestReport:
    """A test message to one address, outside the ledger."""

    issue_id: str
    to: str
    accepted: bool
    error: str = ""


@dataclass(frozen=True, slots=True)
class DryRunReport:
    """Every subscriber's message written to a folder; nothing sent, the ledger untouched."""

    issue_id: str
    written: int
    folder: Path
    unwritable: int = 0  # addresses no message can be written to (they would fail in the send too)


def audience(runtime: Runtime, name: str, list_name: str | None = None) -> Audience:
    """Who a newsletter's issue goes to, under which name."""
    newsletter = runtime.config.newsletters[name]
    return Audience(
        list_name or newsletter.list_name, newsletter.sender, newsletter.title, newsletter.reply_to,
        newsletter.audience_segment,
    )  # fmt: skip


def require_audience(runtime: Runtime, name: str, who: Audience) -> None:
    """Refuse a send that would reach nobody: no active subscriber on the list, or none in its segment.

    Checked before an issue is stored, so that the slot can still go out once the list is fixed.
    """
    people, config_file = runtime.store.subscribers, Path(runtime.config.path).name
    active = people.count_by_status(who.list_name).get(ACTIVE, 0)
    if not active:
        raise DigestError(
            f"Newsletter '{name}': list '{who.list_name}' has no active subscribers; "
            f"{lists_in_store(runtime.store)}",
            f"import subscribers with `digest subscribers import FILE.csv --list {who.list_name}`, "
            f"or fix `list =` under [newsletters.{name}] in {config_file}",
        )
    if who.segment is None:
        return
    where = segment_condition(who.segment)
    if not people.count_by_status(who.list_name, where).get(ACTIVE, 0):
        segment = runtime.config.newsletters[name].segment
        shown = f'"{segment}"' if isinstance(segment, str) else "tags " + ", ".join(segment or ())
        raise DigestError(
            f"Newsletter '{name}': segment {shown} matches none of the {active:,} active subscribers "
            f"of list '{who.list_name}'",
            f"fix `segment =` under [newsletters.{name}] in {config_file}; "
            f"`digest subscribers count --list {who.list_name} --segment EXPR` counts a segment",
        )


def lists_in_store(store: Store, shown: int = 10) -> str:
    """The store's lists with their active subscribers, in words: `lists in the store: daily (120 active)`."""
    found = [f"{name} ({count:,} active)" for name, count in store.subscribers.lists_active()]
    if not found:
        return "the store has no lists yet"
    more = f" and {len(found) - shown:,} more" if len(found) > shown else ""
    return "lists in the store: " + ", ".join(found[:shown]) + more


def run(
    runtime: Runtime,
    name: str,
    *,
    progress: Progress | None = None,
    wait: float = 0.0,
    slot_time: datetime | None = None,
) -> job.RunReport:
    """The weekly job: build the slot's issue (today's by default) and send it to whoever has not had it."""
    from digest.providers import create_provider

    config, store = runtime.config, runtime.store
    create_provider(config.provider, config.path)  # a missing key stops the run before collecting
    issue_id = job.issue_slot(config, name, slot_time or runtime.clock())[0]
    if not store.ledger.counts(issue_id):  # a first run of the slot: is there anyone to send it to?
        require_audience(runtime, name, audience(runtime, name))
    links = runtime.links(name)

    async def work(reader: object) -> job.RunReport:
        async with runtime.provider() as provider:
            return await job.run(
                config, name, reader, store, provider, links, runtime.clock,  # type: ignore[arg-type]
                progress=progress, wait=wait, slot_time=slot_time,
            )  # fmt: skip

    return runtime.fetching(work)


def resume(
    runtime: Runtime, issue_id: str, *, progress: Progress | None = None, wait: float = 0.0
) -> job.RunReport:
    """Finish a stored issue whose send stopped (a crash, a kill, a pause), without collecting anything."""
    stored = runtime.store.issues.get(issue_id)
    if stored is None:
        raise DigestError(
            f"Issue '{issue_id}' is not in the store", "`digest issues` lists the stored issues"
        )
    name, _ = runtime.config.newsletter(
        stored.newsletter if stored.newsletter in runtime.config.newsletters else None
    )
    links = runtime.links(name)
    who = audience(runtime, name, stored.list_name)
    if not runtime.store.ledger.counts(issue_id):
        require_audience(runtime, name, who)

    async def send(provider: Provider) -> DeliveryReport:
        return await deliver(
            stored.rendered(), who, runtime.store, provider, links, runtime.clock, runtime.config.provider,
            progress=progress, wait=wait,
        )  # fmt: skip

    report = runtime.with_provider(send)
    return job.RunReport(stored.newsletter, issue_id, job.outcome(report), report)


def todays_issue(runtime: Runtime, name: str) -> tuple[RenderedIssue, str]:
    """The issue subscribers get today: the stored one, else built now from the last collect (and a note)."""
    config, store, now = runtime.config, runtime.store, runtime.clock()
    stored = store.issues.get(job.issue_slot(config, name, now)[0])
    if stored is not None:
        return stored.rendered(), ""
    prepared = runtime.fetching(lambda reader: job.preview(config, name, reader, store, now))
    if prepared.rendered is None:
        raise DigestError(f"Newsletter '{name}': {prepared.note}", "check the sources with `digest collect`")
    return prepared.rendered, prepared.note


def check_test_addresses(addresses: Sequence[str]) -> tuple[str, ...]:
    """Every test address normalized; DigestError naming each invalid one (then nothing may be sent)."""
    from digest.subscriber_csv import normalize_email

    checked, invalid = [], []
    for address in addresses:
        try:
            checked.append(normalize_email(address))
        except ValueError as exc:
            invalid.append((address, str(exc)))
    if len(invalid) == 1:
        [(address, why)] = invalid
        raise DigestError(f"Test address '{address}' is not an email address", f"{why} Nothing was sent.")
    if invalid:
        named = "; ".join(f"'{address}' ({why})" for address, why in invalid)
        raise DigestError(
            f"Test addresses are not email addresses: {named}", "correct them; nothing was sent"
        )
    return tuple(dict.fromkeys(checked))  # each address once, in the order given


def send_test(runtime: Runtime, name: str, address: str, rendered: RenderedIssue) -> TestReport:
    """Send the issue to one address, outside the ledger, with "[Test]" before the subject."""
    return send_tests(runtime, name, [address], rendered)[0]


def send_tests(
    runtime: Runtime, name: str, addresses: Sequence[str], rendered: RenderedIssue
) -> tuple[TestReport, ...]:
    """Send the issue to each address, outside the ledger, with "[Test]" before the subject.

    Every address is checked before anything is sent; the provider's answer is reported per address.
    """
    checked = check_test_addresses(addresses)
    who = audience(runtime, name)
    letter = letter_for(rendered, who)
    letter = replace(letter, subject=f"[Test] {letter.subject}")
    personalizer = Personalizer(runtime.links(name), rendered.issue_id, who.list_name)

    async def send(provider: Provider) -> tuple[TestReport, ...]:
        reports = []
        for address in checked:
            personal = personalizer.test(address)
            addressee = Addressee(0, address, "", personal.values, personal.headers)
            # A key of its own per message: a provider that drops repeated keys (Resend) sends each.
            batch = Batch(f"test-{runtime.clock():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}", letter, (addressee,))
            outcome = await provider.send(batch)
            if outcome.stop is not None and not outcome.results:
                raise outcome.stop
            result = outcome.results[0]
            reports.append(TestReport(rendered.issue_id, address, result.accepted, result.error))
        return tuple(reports)

    return runtime.with_provider(send)


def dry_run(
    runtime: Runtime, name: str, rendered: RenderedIssue, progress: Progress | None = None
) -> DryRunReport:
    """Write each active subscriber's message (of the segment, if any) under <outbox_dir>/dry-run/<issue>/."""
    from digest.providers.outbox import OutboxProvider

    who = audience(runtime, name)
    require_audience(runtime, name, who)  # a dry run tells what the send would do: it would stop here
    personalizer = Personalizer(runtime.links(name), rendered.issue_id, who.list_name)
    letter = letter_for(rendered, who)
    folder = Path(runtime.config.provider.outbox_dir) / "dry-run"
    outbox = OutboxProvider(folder, runtime.clock)
    people = runtime.store.subscribers
    where = None if who.segment is None else segment_condition(who.segment)
    if progress is not None:
        progress.start(people.count_by_status(who.list_name, where).get("active", 0), 0)
    written = unwritable = 0
    for person in people.stream(who.list_name, "active", where=where):
        personal = personalizer.subscriber(person.id, person.email, person.name, "", person.attributes)
        addressee = Addressee(person.id, person.email, person.name, personal.values, personal.headers)
        try:
            outbox.write(letter.message(addressee))
        except AddressError:  # one address an .eml cannot hold: the send would fail it alone too
            unwritable += 1
            continue
        written += 1
        if progress is not None and written % 100 == 0:
            progress.advance(100)
    if progress is not None:
        progress.advance(written % 100)
    return DryRunReport(rendered.issue_id, written, folder / rendered.issue_id, unwritable)


def shortfall(report: job.RunReport) -> DigestError | None:
    """Why a run that reached the send did not do its work (None when it did): it went to nobody, the
    provider accepted none of its messages, or recipients are left (the send stopped)."""
    delivery, issue = report.delivery, report.issue_id
    if delivery is None:
        return None  # nothing new: the issue was not built, by design (skip_if_empty)
    if delivery.remaining:
        return DigestError(
            f"Issue '{issue}': {delivery.remaining:,} recipients still to send",
            f"`digest send --resume {issue}` continues where it stopped",
        )
    if delivery.attempted and not delivery.sent:
        return DigestError(
            f"Issue '{issue}': the provider accepted none of its {delivery.attempted:,} messages",
            "check the sender address and the provider's account; `digest issues` counts the failures",
        )
    if not (delivery.attempted or delivery.suppressed or delivery.already_sent):
        return DigestError(
            f"Issue '{issue}' went to nobody: no active subscriber on its list",
            "import subscribers with `digest subscribers import FILE.csv`, or fix `list =` in the config",
        )
    return None


def report_json(report: job.RunReport) -> dict[str, Any]:
    """The one JSON shape of `digest run --json` and `digest send --json`."""
    delivery = report.delivery
    figures = ("sent", "failed", "suppressed", "already_sent", "reconciled", "uncertain", "remaining")
    data: dict[str, Any] = {
        "newsletter": report.newsletter,
        "issue": report.issue_id,
        "outcome": report.outcome,
    }
    data.update({name: getattr(delivery, name) if delivery else 0 for name in figures})
    data["skipped"] = data.pop("suppressed")
    data["seconds"] = round(delivery.seconds, 3) if delivery else 0.0
    data["problems"] = [str(p) for p in report.problems]
    return data


def summary_line(report: job.RunReport, outbox: str | None) -> str:
    """The one line every run ends with, e.g. `Sent 99,994 of 100,000 (6 failed, 0 skipped) in 14.2 s`."""
    delivery = report.delivery
    if delivery is None or delivery.attempted + delivery.suppressed == 0:
        return f"Sent 0 messages for {report.issue_id}: {report.outcome}"
    total = delivery.attempted + delivery.suppressed
    line = (
        f"Sent {delivery.sent:,} of {total:,} ({delivery.failed:,} failed, {delivery.suppressed:,} skipped) "
        f"in {delivery.seconds:.1f} s — issue {report.issue_id}"
    )
    if delivery.reconciled:
        line += f"; {delivery.reconciled:,} found accepted by the provider after an interruption"
    if delivery.uncertain:
        line += f"; {delivery.uncertain:,} not sent again after an uncertain outcome (on_uncertain = skip)"
    if delivery.remaining:
        line += f"; {delivery.remaining:,} still to send (`digest send --resume {report.issue_id}`)"
    if report.problems:
        line += f"; {len(report.problems)} sources or pages could not be read (see warnings)"
    if outbox:
        line += f"\n  .eml files: {Path(outbox) / report.issue_id}"
    return line
