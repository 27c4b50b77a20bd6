"""The live preview: the app through Starlette's TestClient, and `digest preview --serve/--as` for real."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from conftest import NOW, digest, write_config
from starlette.applications import Starlette
from starlette.testclient import TestClient

from digest import job
from digest.collect.fetch import Fetcher
from digest.config import load_config
from digest.drafts import render_draft
from digest.models import Collection
from digest.web.live import mirrored_files, rebuilder, watched_paths
from digest.web.preview import create_app

VALUES = {
    "email": "reader@example.org",
    "name": "Reader",
    "web_url": "#view-in-browser",
    "unsubscribe_url": "https://news.example.org/u/preview",
}
TEASER = Path("templates") / "partials" / "teaser.mjml.j2"


def refuse(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected request for {request.url}")


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory, demo_site: Path) -> Collection:
    """The demo articles collected once, as `digest preview --serve` does when it starts."""
    config = load_config(write_config(tmp_path_factory.mktemp("collect"), demo_site))
    mirrors = [s.mirror for s in config.newsletters["weekly"].sources if s.mirror]

    async def go() -> job.Prepared:
        fetcher = Fetcher(httpx.AsyncClient(transport=httpx.MockTransport(refuse)), mirrors)
        return await job.preview(config, "weekly", fetcher, None, NOW)

    return asyncio.run(go()).collection


def preview_app(config_path: Path, collection: Collection) -> Starlette:
    """The app as the CLI wires it, on a demo project."""
    config = load_config(config_path)
    rebuild = rebuilder(str(config_path), "weekly", collection, VALUES, NOW)
    return create_app(rebuild, watched_paths(config, "weekly"), mirrored_files(config))


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll until check() holds (the watcher answers within a second; allow a slow machine)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def client(demo_config: Path, collection: Collection) -> Iterator[TestClient]:
    with TestClient(preview_app(demo_config, collection)) as client:
        yield client


def test_page_shows_subject_preheader_lint_and_both_widths(
    tmp_path: Path, demo_site: Path, collection: Collection
) -> None:
    config = write_config(tmp_path, demo_site)
    zone = 'timezone = "America/New_York"'
    subject = 'subject = "{{ newsletter.title }}: {{ issue.lead.title }}, and much more from the week"'
    config.write_text(config.read_text().replace(zone, f"{zone}\n{subject}"))
    with TestClient(preview_app(config, collection)) as client:
        page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert (
        "The Meridian Weekly: Valdoria&#39;s Fragile Coalition Bets Everything on a Budget, and much"
        in page.text
    )
    assert "Preheader: When the Valdorian parliament reconvened" in page.text
    assert "<h2>Lint</h2>" in page.text and "subject is" in page.text and "characters (over 78)" in page.text
    assert 'id="desktop"' in page.text and 'width="375"' in page.text and 'src="/email?build=1"' in page.text
    assert "Build failed" not in page.text
    assert "THE MERIDIAN WEEKLY" in page.text  # the text part
    # The dark frame: its color-scheme makes the email's prefers-color-scheme: dark apply, no script.
    assert '<iframe id="dark" class="dark"' in page.text and "iframe.dark { color-scheme: dark;" in page.text


def test_email_endpoint_serves_the_filled_in_html_with_local_images(client: TestClient) -> None:
    email = client.get("/email")
    assert email.status_code == 200 and email.headers["content-type"].startswith("text/html")
    assert email.text.lstrip().lower().startswith("<!doctype html")
    assert 'href="https://meridian.example/articles/' in email.text
    assert "%%digest:" not in email.text and "https://news.example.org/u/preview" in email.text
    assert 'src="https://meridian.example/' not in email.text
    image = email.text.split('src="/files/0/', 1)[1].split('"', 1)[0]
    served = client.get(f"/files/0/{image}")
    assert served.status_code == 200 and served.headers["content-type"].startswith("image/")
    assert client.get("/email.txt").text.startswith("THE MERIDIAN WEEKLY")


def test_saving_a_template_rebuilds_the_email(client: TestClient, demo_config: Path) -> None:
    teaser = demo_config.parent / TEASER
    teaser.write_text(teaser.read_text().replace("{{ teaser.title }}", "Edited: {{ teaser.title }}"))
    assert eventually(lambda: "Edited: Valdoria" in client.get("/email").text)
    assert 'src="/email?build=1"' not in client.get("/").text  # the page's frames load the new email


def test_a_broken_template_shows_file_and_line_and_keeps_the_last_good_email(
    client: TestClient, demo_config: Path
) -> None:
    good = client.get("/email").text
    teaser = demo_config.parent / TEASER
    source = teaser.read_text()
    line = source[: source.index("{{ teaser.title }}")].count("\n") + 1
    teaser.write_text(source.replace("{{ teaser.title }}", "{{ teaser.titel }}"))
    assert eventually(lambda: "Build failed" in client.get("/").text)
    page = client.get("/").text
    assert 'class="error"' in page and "— showing the last good build" in page
    assert f"Template &#39;partials/teaser.mjml.j2&#39; line {line}: a Teaser has no &#39;titel&#39;" in page
    assert client.get("/email").text == good
    teaser.write_text(source)
    assert eventually(lambda: "Build failed" not in client.get("/").text)


def test_saving_the_theme_in_schedule_toml_rebuilds_even_when_replaced(
    client: TestClient, demo_config: Path
) -> None:
    # Editors often save by writing a new file and renaming it over the old one.
    replacement = demo_config.with_suffix(".tmp")
    replacement.write_text(demo_config.read_text() + '\n[theme]\nbrand_color = "#123abc"\n')
    os.replace(replacement, demo_config)
    assert eventually(lambda: "#123abc" in client.get("/email").text)
    demo_config.write_text(demo_config.read_text().replace("#123abc", "not-a-colour"))
    assert eventually(lambda: "Build failed" in client.get("/").text)
    page = client.get("/").text
    assert "schedule.toml" in page and "theme.brand_color" in page and "line " in page
    assert "#123abc" in client.get("/email").text


def test_a_draft_written_while_serving_is_applied(client: TestClient, demo_config: Path) -> None:
    drafts = demo_config.parent / "drafts"
    assert not drafts.exists()  # the watcher must notice the folder appear, then the file in it
    draft = drafts / "weekly" / "2026-11-25.toml"
    draft.parent.mkdir(parents=True)
    draft.write_text(render_draft("weekly-2026-11-25", "", "", "", []) + 'subject = "Set by the desk"\n')
    assert eventually(lambda: "Set by the desk" in client.get("/").text)
    assert "Using the editors&#39; draft" in client.get("/").text


# `digest preview` as a user runs it: a real process, the real clock, so a site built as of now.


@pytest.fixture
def project(tmp_path: Path, live_site: Path) -> Path:
    write_config(tmp_path, live_site)
    return tmp_path


def test_preview_as_a_subscriber_shows_their_address_and_unsubscribe_link(project: Path) -> None:
    assert digest(project, "subscribers", "add", "ana@example.org", "--name", "Ana").returncode == 0
    result = digest(project, "preview", "--as", "ANA@example.org", "--out", "pv")
    assert result.returncode == 0, result.stderr
    html = (project / "pv" / "preview.html").read_text()
    assert "you subscribed with ana@example.org" in html and "reader@example.org" not in html
    assert "https://news.example.org/u/preview" not in html
    assert 'href="https://news.example.org/u/' in html and "/archive/weekly-" in html


def test_preview_as_an_unknown_address_says_so_with_a_hint(project: Path) -> None:
    result = digest(project, "preview", "--as", "nobody@example.org")
    assert result.returncode == 1
    assert "Subscriber 'nobody@example.org' is not on list 'weekly'" in result.stderr
    assert "Hint: see who is with `digest subscribers list --list weekly`" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_prints_its_url_and_stops_cleanly_on_ctrl_c(project: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "digest", "preview", "--serve", "--port", "0"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert "Live preview of 'The Meridian Weekly: " in line and "(Ctrl-C stops it)" in line
        url = line.split(" at ", 1)[1].split()[0]
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":8025/")
        with httpx.Client(base_url=url, timeout=10) as http:
            assert "Lint" in http.get("/").text
            with http.stream("GET", "/events") as events:
                # A page is listening: Ctrl-C must still stop the server at once.
                first = next(line for line in events.iter_lines() if line.startswith("data:"))
                assert first.endswith(".1")
                server.send_signal(signal.SIGINT)
                assert server.wait(timeout=10) == 0
        stdout, stderr = server.communicate()
        assert "Preview server stopped." in stdout
        assert "Traceback" not in stderr and "Aborted" not in stderr and "Warning" not in stderr
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_port_without_serve_is_a_usage_error() -> None:
    from click.testing import CliRunner

    from digest.cli import cli

    result = CliRunner().invoke(cli, ["preview", "--port", "0"])
    assert result.exit_code == 2 and "--port is for --serve" in result.output


def test_the_servers_socket_lets_asyncio_turn_nagle_off() -> None:
    # asyncio sets TCP_NODELAY on accepted connections only when the listening socket names
    # IPPROTO_TCP; without it each answer's body waited ~40 ms for the client's delayed ACK.
    import asyncio
    import socket

    from digest.web.live import listen

    sock = listen("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP

        async def accepted_nodelay() -> int:
            seen: list[int] = []

            async def handle(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                seen.append(
                    writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
                )
                writer.close()

            server = await asyncio.start_server(handle, sock=sock)
            _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
            while not seen:
                await asyncio.sleep(0.01)
            writer.close()
            server.close()
            return seen[0]

        assert asyncio.run(accepted_nodelay()) != 0
    finally:
        sock.close()
