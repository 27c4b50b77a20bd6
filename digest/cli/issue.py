"""Commands about the issue: preview, run, check, collect, feed."""

from __future__ import annotations

import json
import webbrowser
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from digest import job
from digest.cli import cli
from digest.cli.common import (
    config_option,
    err,
    fetch_with,
    fetching,
    json_option,
    now_utc,
    out,
    report_problems,
    signing_secret,
    store_for,
)
from digest.collect import Reader
from digest.collect.feeds import FeedReport, read_entries
from digest.collect.fetch import Fetcher
from digest.config import Config, FetchConfig, SourceConfig, load_config
from digest.errors import DigestError, SourceError
from digest.links import Links
from digest.models import Article
from digest.personalize import Template
from digest.providers import create_provider
from digest.render import render
from digest.sample import sample_issue


@cli.command()
@config_option
@click.argument("newsletter", required=False)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Folder for preview files.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@click.option("--serve", is_flag=True, help="Serve a live preview that rebuilds when an editor saves.")
@click.option("--port", type=click.IntRange(0, 65535), help="Port for --serve ([server] port; 0: any).")
@click.option(
    "--as", "as_email", metavar="EMAIL", help="Show name, address and links as this subscriber sees them."
)
@click.option("--fetch", is_flag=True, help="Collect anew instead of using the last collect's articles.")
def preview(
    config_path: str,
    newsletter: str | None,
    out_dir: str | None,
    open_browser: bool,
    serve: bool,
    port: int | None,
    as_email: str | None,
    fetch: bool,
) -> None:
    """Build the next issue and write preview.html and preview.txt, or serve it live (sends nothing)."""
    if (serve and out_dir) or (port is not None and not serve):
        raise click.UsageError("--serve writes no files and --port is for --serve: use --out or --serve")
    from digest.web.serve import serve_preview, subscriber_values  # the web stack: only preview needs it

    config = load_config(config_path)
    name, settings = config.newsletter(newsletter)
    now = now_utc()
    with store_for(config) as store:
        prepared = fetching(config, store, lambda f: job.preview(config, name, f, store, now, fetch=fetch))
        report_problems(prepared.problems)
        if prepared.rendered is None:
            raise DigestError(
                f"Newsletter '{name}': {prepared.note}", "check the sources with `digest collect`"
            )
        values = {
            "email": "reader@example.org",
            "name": "Reader",
            "web_url": "#view-in-browser",
            "unsubscribe_url": f"{config.server.public_url}/u/preview",
        }
        if as_email:
            links = Links(config.server.public_url, signing_secret(config, store), settings.sender)
            values = subscriber_values(store, settings, links, as_email, prepared.rendered.issue_id)
    if prepared.note:
        err.print(f"note: {prepared.note}")
    if prepared.draft:
        out.print(f"Using the editors' draft {prepared.draft}")
    if serve:
        serve_preview(
            config, name, prepared, values, now, port=port, say=out.print, open_browser=open_browser
        )
        out.print("Preview server stopped.")
        return
    folder = (Path(out_dir) if out_dir else config.base_dir / "preview").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    html = _local_images(config, Template(prepared.rendered.html, escape=True).fill(values))
    (folder / "preview.html").write_text(html, encoding="utf-8")
    (folder / "preview.txt").write_text(Template(prepared.rendered.text, escape=False).fill(values))
    count = len(prepared.collection.articles)
    out.print(f"Preview of '{prepared.rendered.subject}' ({count} articles):")
    out.print(f"  HTML: {folder / 'preview.html'}\n  text: {folder / 'preview.txt'}")
    for warning in prepared.rendered.warnings:
        err.print(f"warning: {warning}")
    if open_browser:
        webbrowser.open((folder / "preview.html").as_uri())


def _local_images(config: Config, html: str) -> str:
    """In the preview only, show mirrored images from their local folder."""
    for newsletter in config.newsletters.values():
        for source in newsletter.sources:
            if source.mirror:
                local = Path(source.mirror.dir).resolve().as_uri() + "/"
                html = html.replace(f'src="{source.mirror.url}', f'src="{local}')
    return html


@cli.command()
@config_option
@click.argument("newsletter", required=False)
@json_option
@click.pass_context
def run(ctx: click.Context, config_path: str, newsletter: str | None, as_json: bool) -> None:
    """Run the weekly job now: collect, summarize, render and send to the list."""
    from digest.cli.send import progress_for, run_job

    config = load_config(config_path)
    name, _ = config.newsletter(newsletter)
    create_provider(config.provider, config.path)  # a missing key stops the run before collecting
    quiet = bool(ctx.obj and ctx.obj.get("quiet"))
    with store_for(config) as store, progress_for(quiet or as_json) as progress:
        report = run_job(config, name, store, progress=progress)
    if as_json:
        click.echo(json.dumps(_report_json(report)))
        return
    report_problems(report.problems)
    out.print(summary_line(report, config.provider.outbox_dir if config.provider.name == "outbox" else None))


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
    if report.problems:
        line += f"; {len(report.problems)} sources or pages could not be read (see warnings)"
    if outbox:
        line += f"\n  .eml files: {Path(outbox) / report.issue_id}"
    return line


def _report_json(report: job.RunReport) -> dict[str, Any]:
    delivery = report.delivery
    return {
        "newsletter": report.newsletter,
        "issue": report.issue_id,
        "outcome": report.outcome,
        "sent": delivery.sent if delivery else 0,
        "failed": delivery.failed if delivery else 0,
        "skipped": delivery.suppressed if delivery else 0,
        "already_sent": delivery.already_sent if delivery else 0,
        "problems": [str(p) for p in report.problems],
    }


@cli.command()
@config_option
@click.argument("newsletter", required=False)
@click.option("--force", is_flag=True, help="Write the draft anew even if one exists (edits are lost).")
def draft(config_path: str, newsletter: str | None, force: bool) -> None:
    """Write the next issue's picks to drafts/<newsletter>/<date>.toml for editors to change."""
    config = load_config(config_path)
    name, _ = config.newsletter(newsletter)
    now = now_utc()

    async def prepare(fetcher: Reader) -> job.Prepared:
        return job.build(
            config, name, await job.gather(config, name, fetcher, store, now), now, use_draft=False
        )

    with store_for(config) as store:
        prepared = fetching(config, store, prepare)
    report_problems(prepared.problems)
    if prepared.issue is None:
        raise DigestError(f"Newsletter '{name}': {prepared.note}", "nothing to draft yet")
    path = job.write_draft(config, name, prepared, now, force=force)
    out.print(f"Wrote the draft of {prepared.issue.id} ({len(prepared.issue.teasers)} articles): {path}")
    out.print("Edit it, then `digest preview` to see the issue; `digest run` sends it.")


@cli.command()
@config_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
def check(config_path: str, strict: bool) -> None:
    """Validate schedule.toml and render every newsletter's templates with a sample issue."""
    config = load_config(config_path)
    create_provider(config.provider, config.path)
    warnings = 0
    for name, newsletter in config.newsletters.items():
        issue = sample_issue(name, newsletter, now_utc())
        rendered = render(issue, newsletter, config.theme, config.template_dirs(name), config.lint)
        for warning in rendered.warnings:
            err.print(f"warning: newsletter '{name}': {warning}")
            warnings += 1
    count = len(config.newsletters)
    if strict and warnings:
        raise DigestError(
            f"Config '{config_path}': {warnings} warnings and --strict", "fix them, or drop --strict"
        )
    out.print(f"Config '{config_path}' and templates are OK ({count} newsletters, {warnings} warnings).")


@cli.command("collect")
@config_option
@click.argument("newsletter", required=False)
@json_option
def collect_(config_path: str, newsletter: str | None, as_json: bool) -> None:
    """Show what the next issue would contain, and why other items were left out (sends nothing)."""
    config = load_config(config_path)
    name, _ = config.newsletter(newsletter)
    with store_for(config) as store:
        found = fetching(config, store, lambda f: job.gather(config, name, f, store, now_utc()))
    if as_json:
        click.echo(json.dumps({
            "newsletter": name,
            "window": {"start": _iso(found.window_start), "end": _iso(found.window_end)},
            "articles": [article_json(a) for a in found.articles],
            "skipped": [asdict(s) for s in found.skipped],
            "problems": [asdict(p) for p in found.problems],
        }, indent=2))  # fmt: skip
        return
    out.print(f"Window {_iso(found.window_start)} → {_iso(found.window_end)}: {len(found.articles)} articles")
    for article in found.articles:
        out.print(f"  {article.published:%Y-%m-%d %H:%M}  {article.section or '-':<12} {article.title}")
        out.print(f"      {article.url}")
    if found.skipped:
        out.print(f"Left out ({len(found.skipped)}):")
        for skipped in found.skipped:
            out.print(f"  {skipped.title}: {skipped.reason}")
    report_problems(found.problems)


@cli.command()
@config_option
@click.argument("location")
@click.option("--mirror", nargs=2, metavar="URL DIR", help="Read URLs under URL from folder DIR.")
@json_option
def feed(config_path: str, location: str, mirror: tuple[str, str] | None, as_json: bool) -> None:
    """Parse one feed (URL or path) and print its items, ignoring any window; exit 1 when broken.

    Works without a config file; when one is there, its [fetch] limits and mirrors apply.
    """
    given: dict[str, Any] = {"url": location}
    if mirror:
        given["mirror"] = {"url": mirror[0], "dir": mirror[1]}
    try:
        source = SourceConfig.model_validate(given, context={"base_dir": Path.cwd()})
    except ValidationError as exc:
        raise DigestError(f"Feed '{location}': {exc.errors()[0]['msg']}") from None
    settings, mirrors = FetchConfig(), [source.mirror] if source.mirror else []
    if Path(config_path).exists():
        config = load_config(config_path)
        settings = config.fetch
        mirrors += [s.mirror for n in config.newsletters.values() for s in n.sources if s.mirror]
    report = fetch_with(settings, mirrors, None, lambda f: _read_one_feed(source.url, f))
    if as_json:
        items = [article_json(a) for a in report.articles]
        click.echo(json.dumps({"items": items, "skipped": [asdict(s) for s in report.skipped]}, indent=2))
        return
    for article in report.articles:
        when = f"{article.published:%Y-%m-%d %H:%M}" if article.dated else "(no date)       "
        out.print(f"{when}  {article.section or '-':<12} {article.title}\n      {article.url}")
    out.print(f"{len(report.articles)} items in {location}")
    if report.skipped:
        out.print(f"Skipped {len(report.skipped)} entries:")
        for skipped in report.skipped:
            out.print(f"  {skipped.title or '(no title)'}: {skipped.reason}")


async def _read_one_feed(location: str, fetcher: Fetcher) -> FeedReport:
    """The feed's items and the entries it had to skip; a broken feed is an error with a hint."""
    try:
        return read_entries(await fetcher.feed(location), location, now_utc())
    except SourceError as exc:
        raise SourceError(exc.source, exc.reason, "check the address, or open it in a browser") from None


def article_json(article: Article) -> dict[str, Any]:
    """An article as a script wants it."""
    return {
        "title": article.title,
        "url": article.url,
        "published": article.published.isoformat() if article.dated else None,
        "section": article.section,
        "categories": list(article.categories),
        "author": article.author,
        "image": article.image_url,
        "summary": article.summary,
    }


def _iso(moment: Any) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""
