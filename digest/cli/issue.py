"""Commands editors use before a send: preview, draft, check."""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING

import click

from digest.cli.common import config_option, err, out, report_problems, runtime_for
from digest.service import issues

if TYPE_CHECKING:
    from digest.config import Config


@click.command()
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
    with runtime_for(config_path) as runtime:
        name, _ = runtime.config.newsletter(newsletter)
        shown = issues.preview(runtime, name, fetch=fetch, as_email=as_email)
    prepared, config = shown.prepared, runtime.config
    report_problems(prepared.problems)
    if prepared.note:
        err.print(f"note: {prepared.note}")
    if prepared.draft:
        out.print(f"Using the editors' draft {prepared.draft}")
    if serve:
        from digest.web.live import serve_preview  # the web stack: only the live preview needs it

        now = runtime.clock()
        serve_preview(
            config, name, prepared, shown.values, now, port=port, say=out.print, open_browser=open_browser
        )
        out.print("Preview server stopped.")
        return
    folder = (Path(out_dir) if out_dir else config.base_dir / "preview").resolve()
    page = issues.write_preview(config, shown.rendered, shown.values, folder, "preview")
    issue = prepared.issue
    assert issue is not None  # there is a rendered issue
    listed = f", {len(issue.more)} listed" if issue.more else ""
    click.echo(f"Preview of '{shown.rendered.subject}' ({len(issue.teasers)} articles{listed}):")
    out.print(f"  HTML: {page}\n  text: {page.with_suffix('.txt')}")
    for warning in shown.rendered.warnings:
        err.print(f"warning: {warning}")
    for note in shown.rendered.notes:
        err.print(f"note: {note}")
    if open_browser:
        webbrowser.open(page.as_uri())


@click.command()
@config_option
@click.argument("newsletter", required=False)
@click.option("--force", is_flag=True, help="Write the draft anew even if one exists (edits are lost).")
def draft(config_path: str, newsletter: str | None, force: bool) -> None:
    """Write the next issue's picks to drafts/<newsletter>/<date>.toml for editors to change."""
    with runtime_for(config_path) as runtime:
        name, _ = runtime.config.newsletter(newsletter)
        result = issues.draft(runtime, name, force=force)
    report_problems(result.prepared.problems)
    issue = result.prepared.issue
    assert issue is not None  # issues.draft raises when there is nothing to draft
    click.echo(f"Wrote the draft of {issue.id} ({len(issue.teasers)} articles): {result.path}")
    out.print(f"  preview: {result.preview}")
    out.print("Edit it, then `digest preview` to see the issue; `digest run` sends it.")


@click.command()
@config_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
def check(config_path: str, strict: bool) -> None:
    """Validate schedule.toml and render every newsletter's templates with a sample issue."""
    from digest.config import load_config
    from digest.errors import DigestError
    from digest.providers import create_provider
    from digest.render import render
    from digest.sample import sample_issue
    from digest.service import now_utc

    config = load_config(config_path)
    create_provider(config.provider, config.path)
    _check_values(config)
    warnings = 0
    for name, newsletter in config.newsletters.items():
        issue = sample_issue(name, newsletter, now_utc())
        rendered = render(
            issue, newsletter, config.theme, config.template_dirs(name), config.lint,
            public_url=config.server.public_url,
        )  # fmt: skip
        for warning in rendered.warnings:
            err.print(f"warning: newsletter '{name}': {warning}")
            warnings += 1
        for note in rendered.notes:
            err.print(f"note: newsletter '{name}': {note}")
    count = len(config.newsletters)
    if strict and warnings:
        raise DigestError(
            f"Config '{config_path}': {warnings} warnings and --strict", "fix them, or drop --strict"
        )
    click.echo(f"Config '{config_path}' and templates are OK ({count} newsletters, {warnings} warnings).")


def _check_values(config: Config) -> None:
    """Stop when a template uses a ``values.*`` that no newsletter defines (most likely a typo)."""
    from digest.errors import DigestError
    from digest.render.values import undefined_values

    defined = {key for newsletter in config.newsletters.values() for key in newsletter.values}
    found: dict[str, None] = {}  # each problem once, in order, though newsletters share templates
    for name in config.newsletters:
        found.update((p.described(), None) for p in undefined_values(config.template_dirs(name), defined))
    for line in found:
        err.print(f"error: {line}")
    if found:
        raise DigestError(
            f"Config '{config.path}': {len(found)} template lines use values no newsletter defines",
            "define them in [values] or [newsletters.NAME.values], or test them with 'is defined'",
        )
