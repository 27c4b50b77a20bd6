"""Adding a provider is one package plus one entry point: found by config, `digest run` and the webhooks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import digest, write_config
from websupport import harness, subscribe

from digest.config import load_config
from digest.errors import ConfigError
from digest.providers import available, register, registry
from digest.store import Store

TESTS = Path(__file__).resolve().parent
NEWSLETTER = """
[newsletters.w]
title = "W"
from = "a@example.org"
list = "w"
postal_address = "1 Example Street"

[[newsletters.w.sources]]
url = "feed.xml"
"""


def entry_points_file(site: Path, lines: str) -> None:
    """An installed distribution in ``site`` declaring ``lines`` in the digest.providers group."""
    info = site / "acme_digest_test-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-digest-test\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[digest.providers]\n{lines}\n")


@pytest.fixture
def acme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The test-only provider 'acme' installed by entry point (tests/plugin_acme.py); its site folder."""
    site = tmp_path / "site"
    entry_points_file(site, "acme = plugin_acme:plugin")
    monkeypatch.syspath_prepend(str(site))
    registry.refresh()
    yield site
    monkeypatch.undo()
    registry.refresh()


def test_an_entry_point_provider_is_available_with_the_built_in_ones(acme: Path) -> None:
    assert {"acme", "outbox", "postmark", "ses"} <= set(available())
    assert registry.plugin("acme").webhook is not None


def test_digest_run_sends_through_a_provider_found_by_its_entry_point(
    acme: Path, tmp_path: Path, live_site: Path
) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    config = write_config(folder, live_site)
    table = '[provider]\nname = "acme"\nfolder = "acme-out"'
    config.write_text(config.read_text().replace('[provider]\nname = "outbox"\noutbox_dir = "outbox"', table))
    (folder / "people.csv").write_text(
        "email,name\nana@example.org,Ana\nbo@example.com,Bo\ncy@example.net,Cy\n"
    )
    env = {
        "PYTHONPATH": os.pathsep.join([str(acme), str(TESTS)]),
        "DIGEST_SECRET": "plugin-secret-0123456789abcdefghijklmn",
    }
    assert digest(folder, "subscribers", "import", "people.csv", **env).returncode == 0
    run = digest(folder, "run", **env)
    assert run.returncode == 0, run.stderr
    assert "Sent 3 of 3" in run.stdout
    lines = (folder / "acme-out" / "sent.jsonl").read_text().splitlines()
    assert len(lines) == 3 and len({line.split('"batch": ')[1] for line in lines}) == 2  # max_batch = 2


def test_a_providers_own_keys_are_checked_by_its_model_with_line_and_key(acme: Path, tmp_path: Path) -> None:
    config = tmp_path / "schedule.toml"
    text = '[provider]\nname = "acme"\nflder = "x"\n' + NEWSLETTER
    config.write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_config(config)
    message = str(raised.value)
    assert "line 3: provider.flder: unknown key" in message
    assert "provider.folder: required key is missing" in message
    config.write_text(text.replace('flder = "x"', 'folder = " "'))
    with pytest.raises(ConfigError, match=r"line 3: provider\.folder: must name a folder"):
        load_config(config)


def test_an_unknown_provider_name_lists_the_installed_ones(tmp_path: Path) -> None:
    config = tmp_path / "schedule.toml"
    config.write_text('[provider]\nname = "postmrak"\n' + NEWSLETTER)
    with pytest.raises(ConfigError) as raised:
        load_config(config)
    assert "line 2: provider.name: 'postmrak' is not a provider of this installation; use one of: " in str(
        raised.value
    )
    assert "postmark" in str(raised.value)


def test_a_built_in_providers_keys_stay_where_users_write_them(tmp_path: Path) -> None:
    config = tmp_path / "schedule.toml"
    body = "\n" + NEWSLETTER
    config.write_text('[provider]\nname = "ses"\nregion = "eu-west-1"' + body)
    assert load_config(config).provider.options.model_dump() == {
        "region": "eu-west-1",
        "access_key_env": "AWS_ACCESS_KEY_ID",
    }
    config.write_text('[provider]\nname = "postmark"\nregion = "eu-west-1"' + body)
    with pytest.raises(ConfigError, match=r"line 3: provider\.region: unknown key"):
        load_config(config)


def test_the_plugins_webhook_is_routed_by_the_serve_app(acme: Path, store: Store) -> None:
    subscribe(store, "ana@example.org", "bo@example.org")
    app = harness(store, secrets={"ACME_WEBHOOK_SECRET": "s3cret"})
    body = {"bounced": ["ana@example.org"]}
    refused = app.request("POST", "/webhooks/acme", json=body, headers={"X-Acme-Secret": "wrong"})
    assert refused.status_code == 401
    taken = app.request("POST", "/webhooks/acme", json=body, headers={"X-Acme-Secret": "s3cret"})
    assert taken.json() == {"events": 1, "applied": 1}
    statuses = {s.email: s.status.value for s in store.subscribers.stream("weekly")}
    assert statuses == {"ana@example.org": "bounced", "bo@example.org": "active"}
    assert app.request("POST", "/webhooks/postmark", json={}).status_code == 401  # the built-in ones stay


def test_a_second_provider_of_a_name_is_refused(
    acme: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match="provider 'acme' is already registered"):
        register("acme")(lambda context: None)  # type: ignore[arg-type,return-value]
    site = tmp_path / "twice"
    entry_points_file(site, "postmark = plugin_acme:plugin")
    monkeypatch.syspath_prepend(str(site))
    registry.refresh()
    with pytest.raises(ValueError, match="provider 'postmark' is already registered"):
        available()
