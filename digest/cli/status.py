"""`digest status`: is the scheduler running, what became of each newsletter's slots, what needs doing."""

from __future__ import annotations

import sys

import click
import orjson

from digest.cli.common import config_option, json_option, out, runtime_for


@click.command()
@config_option
@json_option
@click.option(
    "--alert", "alert", is_flag=True,
    help="Also send the alerts the state calls for, each once (from cron: hear of a stopped scheduler).",
)  # fmt: skip
def status(config_path: str, as_json: bool, alert: bool) -> None:
    """Show the scheduler's heartbeat and each newsletter's state; exit 0 healthy, 1 degraded, 2 down."""
    from digest.service.watching import current_status, down_alert, send_alerts, state_alerts

    with runtime_for(config_path) as runtime:
        found = current_status(runtime)
        sent = send_alerts(runtime, down_alert(found) + state_alerts(runtime, found)) if alert else []
    if as_json:
        data = found.to_json() | {"alerts_sent": [a.key for a in sent]}
        out.print(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
    else:
        _print(found, [a.title for a in sent])
    sys.exit(found.code)


def _print(found: object, sent: list[str]) -> None:
    from digest.service.watching import Status

    assert isinstance(found, Status)
    state = ("healthy", "degraded", "down")[found.code]
    beat = found.beat
    if beat is None:
        out.print(f"{state}: no scheduler has run on this store (start `digest schedule`)")
    else:
        age = int((found.checked_at - beat.beat_at).total_seconds())
        out.print(f"{state}: scheduler {found.scheduler}, last heartbeat {age} s ago ({beat.owner})")
    for n in found.newsletters:
        upcoming = f"{n.next_slot:%a %Y-%m-%d %H:%M} UTC" if n.next_slot else "none"
        last = (
            f"{n.last.slot} {n.last.outcome}" + (f" ({n.last.detail})" if n.last.detail else "")
            if n.last
            else "none yet"
        )
        out.print(f"{n.name}: next issue {upcoming}; last: {last}; {n.active:,} active subscribers")
        for earlier in n.recent[1:]:
            out.print(
                f"  {earlier.slot} {earlier.outcome}" + (f": {earlier.detail}" if earlier.detail else "")
            )
        for problem in n.problems:
            out.print(f"  problem: {problem}")
    for title in sent:
        out.print(f"alert sent: {title}")
