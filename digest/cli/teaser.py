"""`digest teaser`: the teaser digest writes for one page, and which paragraphs it dropped and why."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from digest.cli.common import config_option, json_option, out
from digest.collect.extract import is_binary
from digest.collect.fetch import Fetched
from digest.collect.pages import article_from_page, extract_page
from digest.collect.standins import stand_in
from digest.config import FetchConfig, SectionsConfig, TeaserConfig, load_config
from digest.errors import DigestError
from digest.ledes import teaser as write_teaser
from digest.models import Teaser
from digest.service.runtime import fetch_with


@click.command()
@config_option
@click.argument("page")
@click.option("--url", "page_url", help="The page's public URL, when PAGE is a local file.")
@click.option("--newsletter", help="Use this newsletter's [teaser] settings (default: the first).")
@json_option
def teaser(config_path: str, page: str, page_url: str | None, newsletter: str | None, as_json: bool) -> None:
    """Print the teaser for one page (file or URL): lede, image, credit, section, what was dropped."""
    settings, sections, fetching = TeaserConfig(), SectionsConfig(), FetchConfig()
    if Path(config_path).exists():
        config = load_config(config_path)
        chosen = config.newsletter(newsletter)[1]
        settings, sections, fetching = chosen.teaser, chosen.sections, config.fetch  # allow_hosts, limits
    fetched = _read(page, fetching)
    url = page_url or (fetched.url if urlsplit(fetched.url).scheme in ("http", "https") else "")
    if not url:
        url = "https://example.invalid/" + Path(page).name
    info = extract_page(fetched.body, url, fetched.content_type)
    if said := stand_in(info, ""):
        click.echo(
            f"Warning: the page reads as an error page or a bot check ('{said}'): in an issue, "
            "its article keeps the feed's own text. Save the page from a browser and give the file.",
            err=True,
        )
    result = write_teaser(article_from_page(info, url), settings)
    result = replace(result, section=sections.name_for(result.section, result.url))
    if as_json:
        click.echo(json.dumps(teaser_json(result), indent=2, ensure_ascii=False))
        return
    _print(result)


def _read(page: str, settings: FetchConfig) -> Fetched:
    if urlsplit(page).scheme in ("http", "https"):
        return fetch_with(settings, (), None, lambda f: f.url(page, page=True))
    path = Path(page)
    try:
        with path.open("rb") as file:
            body = file.read(settings.max_bytes + 1)  # a bounded read: the file may be a device or a pipe
    except OSError as exc:
        raise DigestError(f"Page '{page}' cannot be read: {exc.strerror}") from None
    if len(body) > settings.max_bytes:
        raise DigestError(
            f"Page '{page}' is larger than the {settings.max_bytes // 1024} KB limit",
            hint="raise [fetch] max_bytes to read it",
        )
    if is_binary(body):
        raise DigestError(
            f"Page '{page}' is not a web page: its first bytes are those of a document or medium "
            "(PDF, image, audio, video or archive)",
            hint="give the HTML of the article's page, saved from a browser",
        )
    return Fetched(path.resolve().as_uri(), body)


def teaser_json(result: Teaser) -> dict[str, Any]:
    """A teaser as `digest teaser --json` prints it."""
    return {
        "title": result.title,
        "url": result.url,
        "section": result.section,
        "image": result.image_url,
        "image_alt": result.image_alt,
        "credit": result.image_credit,
        "paragraphs": list(result.paragraphs),
        "words": result.word_count,
        "truncated": result.truncated,
        "dropped": [{"text": d.source, "reason": d.reason} for d in result.dropped],
    }


def _print(result: Teaser) -> None:
    # each field named: the section printed bare above the title, as the email sets it, read as a
    # word of the title
    out.print(f"{result.title}\n{result.url}\nsection: {result.section}")
    if result.image_url:
        out.print(
            f"image:   {result.image_url}"
            + (f"\ncredit:  {result.image_credit}" if result.image_credit else "")
        )
    for paragraph in result.paragraphs:
        out.print(f"\n{paragraph}")
    out.print(f"\n({result.word_count} words{', cut at a sentence end' if result.truncated else ''})")
    for dropped in result.dropped:
        text = dropped.source if len(dropped.source) < 90 else dropped.source[:87] + "..."
        out.print(f"  dropped ({dropped.reason}): {text}")
