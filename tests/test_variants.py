"""Variants: a test on a recipient's fields compiles one copy per class of value, never one per recipient."""

from __future__ import annotations

import asyncio
import email
import shutil
from email.policy import default
from pathlib import Path

import pytest
from conftest import NOW, ROOT
from sqlalchemy import select
from test_render import NEWSLETTER

from digest.config import ProviderConfig, ThemeConfig
from digest.deliver import Audience, deliver
from digest.errors import TemplateError
from digest.links import Links
from digest.models import RenderedIssue
from digest.providers.base import SendOutcome
from digest.providers.letter import Batch
from digest.providers.outbox import OutboxProvider
from digest.render import render
from digest.sample import sample_issue
from digest.store import Store
from digest.store.schema import deliveries
from digest.store.subscribers import NewSubscriber

AUDIENCE = Audience("weekly", NEWSLETTER.sender, NEWSLETTER.title)
LINKS = Links("https://news.example.org", "test-secret", AUDIENCE.sender)

NOTE = """<mj-section><mj-column>
{% if recipient.attributes.plan == "paid" %}
<mj-text>Thank you for your membership, {{ recipient.first_name | default("reader") }}.</mj-text>
{% elif recipient.attributes.plan in ["trial", "gift"] %}
<mj-text>Your trial ends soon.</mj-text>
{% else %}
<mj-text>Become a member.</mj-text>
{% endif %}
</mj-column></mj-section>
"""
GREETING = "{% if recipient.first_name %}Dear {{ recipient.first_name }},{% else %}Dear reader,{% endif %}\n"
BLOCKS = ("Thank you for your membership", "Your trial ends soon.", "Become a member.")


def templates(tmp_path: Path, note: str = NOTE, text_head: str = GREETING) -> Path:
    """The default templates with a note that tests the plan, and a text part that tests the first name."""
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    (folder / "partials" / "note.mjml.j2").write_text(note, encoding="utf-8")
    plain = folder / "digest.txt.j2"
    plain.write_text(text_head + plain.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def rendered_issue(folder: Path) -> RenderedIssue:
    issue = sample_issue("weekly", NEWSLETTER, NOW)
    return render(issue, NEWSLETTER, ThemeConfig(), folder)


def block(html: str) -> str:
    found = [b for b in BLOCKS if b in html]
    assert len(found) == 1, found
    return found[0]


def test_a_test_on_an_attribute_compiles_one_variant_per_class_it_names(tmp_path: Path) -> None:
    rendered = rendered_issue(templates(tmp_path))
    variants = rendered.variants
    assert variants is not None
    # plan: paid | trial/gift (one block) | anything else or nothing; first_name: set | empty
    assert [(c.field, c.literals) for c in variants.conditions] == [
        ("attr:plan", ("gift", "paid", "trial")),
        ("first_name", ()),
    ]
    assert len(variants.documents) == 6  # 3 blocks by 2 greetings; 10 class combinations share them
    assert "compiled 6 variants of the issue" in " ".join(rendered.notes) and not rendered.warnings
    for plan, expected in (("paid", 0), ("trial", 1), ("gift", 1), ("free", 2), ("", 2), ("Paid", 2)):
        html, text = rendered.documents({"attr:plan": plan, "first_name": "Ana"})
        assert block(html) == BLOCKS[expected]
        assert text.startswith("Dear %%digest:first_name%%,")
    _, text = rendered.documents({"attr:plan": "paid", "first_name": ""})
    assert text.startswith("Dear reader,")
    # the stored copy (and the public archive) is the reader with no values at all
    assert block(rendered.html) == BLOCKS[2] and rendered.text.startswith("Dear reader,")


def test_a_template_without_tests_on_recipients_compiles_once(tmp_path: Path) -> None:
    rendered = rendered_issue(templates(tmp_path, note="", text_head=""))
    assert rendered.variants is None
    assert rendered.notes == ()


@pytest.mark.parametrize(
    "test",
    [
        'recipient.attributes.plan | lower == "paid"',
        'recipient.attributes.plan.startswith("p")',
        '"ai" in recipient.attributes.plan',
        "recipient.attributes.plan == values.plan",
    ],
)
def test_a_test_that_cannot_be_compiled_ahead_names_its_file_and_line(tmp_path: Path, test: str) -> None:
    block = f"{{% if {test} %}}\n<mj-text>x</mj-text>\n{{% endif %}}\n"
    note = f"<mj-section><mj-column>\n{block}</mj-column></mj-section>"
    with pytest.raises(TemplateError) as caught:
        rendered_issue(templates(tmp_path, note=note, text_head=""))
    error = caught.value
    assert error.template == "partials/note.mjml.j2" and error.line == 2
    assert "recipient.attributes.plan" in str(error) and 'compare it with strings: == "x"' in str(error)


def test_more_variants_than_the_limit_are_refused(tmp_path: Path) -> None:
    tests = " ".join(f'{{% if recipient.attributes.a{i} == "x" %}}{i}{{% endif %}}' for i in range(4))
    with pytest.raises(TemplateError) as caught:
        rendered_issue(templates(tmp_path, text_head=tests + "\n"))
    assert "make 405 variants of the issue, over 32" in str(caught.value)  # plan: 5, each aN: 3


class _Recorder(OutboxProvider):
    """The outbox, noting the document of each batch it is handed."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.batches: list[Batch] = []

    async def send(self, batch: Batch) -> SendOutcome:
        self.batches.append(batch)
        return await super().send(batch)


def test_each_subscriber_gets_their_variant_and_each_batch_holds_one(store: Store, tmp_path: Path) -> None:
    rendered = rendered_issue(templates(tmp_path))
    assert store.issues.create(rendered, "2026-11-25", "weekly", [], NOW)
    plans = {"p0": "paid", "p1": "trial", "p2": "", "p3": "paid", "p4": "other", "p5": "gift"}
    people = [NewSubscriber(f"{p}@example.org", f"P {p}", {"plan": v} if v else {}) for p, v in plans.items()]
    store.subscribers.upsert(people, "weekly", "test", NOW)
    stored = store.issues.get(rendered.issue_id)
    assert stored is not None and stored.rendered().variants == rendered.variants  # a resume sends the same

    provider = _Recorder(tmp_path / "outbox")
    settings = ProviderConfig(batch_size=10)
    report = asyncio.run(deliver(stored.rendered(), AUDIENCE, store, provider, LINKS, lambda: NOW, settings))

    assert report.sent == 6
    for path in (tmp_path / "outbox").rglob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=default)
        who = message["To"].split("@")[0]
        html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
        expected = {"paid": 0, "trial": 1, "gift": 1}.get(plans[who], 2)
        assert block(html) == BLOCKS[expected], who
        if expected == 0:
            assert "Thank you for your membership, P." in html  # their first name
    # one claim of six rows became one batch per document, each under its own ledger key
    assert len(provider.batches) == 3
    for batch in provider.batches:
        assert batch.letter.variants is None
        assert {block(batch.letter.html)} == {
            BLOCKS[{"paid": 0, "trial": 1, "gift": 1}.get(plans[a.email.split("@")[0]], 2)]
            for a in batch.addressees
        }
    with store.engine.connect() as conn:
        keys = dict(conn.execute(select(deliveries.c.email, deliveries.c.batch_key)).all())
    assert len(set(keys.values())) == 3
    assert keys["p0@example.org"] == keys["p3@example.org"] != keys["p1@example.org"]
    assert keys["p1@example.org"] == keys["p5@example.org"]
