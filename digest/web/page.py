"""The live preview page: the email at desktop and mobile widths and in dark mode, its text part, subject
and lint."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

if TYPE_CHECKING:
    from digest.web.preview import Preview

DESKTOP_WIDTH = 680
MOBILE_WIDTH = 375

# One template, rendered on the server for the first load and again for every update: the script
# fetches the page anew and swaps the parts marked data-live, so there is one way to draw them.
_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ "Build failed · " if error else "" }}{{ good.subject if good else "No preview yet" }}</title>
<style>
  body { margin: 0; font: 15px/1.45 system-ui, sans-serif; background: #eef0f3; color: #1b1f24; }
  header, section { margin: 0 24px; }
  header { padding: 16px 0 8px; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  h2 { font-size: 14px; margin: 16px 0 6px; text-transform: uppercase; color: #57606a; }
  .preheader { color: #57606a; margin: 0; }
  .meta { font-size: 12px; color: #6e7781; margin: 6px 0 0; }
  .error { background: #fff0f0; border: 2px solid #d1242f; border-radius: 6px; padding: 8px 16px; }
  .error h2 { color: #d1242f; margin-top: 8px; }
  .error pre { white-space: pre-wrap; font-size: 14px; }
  .lint li { color: #9a6700; }
  .frames { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; margin: 0 24px; }
  figure { margin: 0; }
  figcaption { font-size: 12px; color: #57606a; margin: 8px 0 4px; }
  iframe { border: 0; background: #fff; box-shadow: 0 1px 4px #0003; height: 800px; display: block; }
  /* The framed email's prefers-color-scheme follows its iframe's color-scheme: dark mode, no script. */
  iframe.dark { color-scheme: dark; background: #121212; }
  pre.text { background: #fff; padding: 16px; white-space: pre-wrap; max-width: 72ch; }
</style>
</head>
<body data-version="{{ version }}">
<header id="summary" data-live>
  <h1 class="subject">{{ good.subject if good else "No successful build yet" }}</h1>
  {% if good %}<p class="preheader">Preheader: {{ good.preheader }}</p>{% endif %}
  {% for note in (good.notes if good else ()) %}<p class="meta">{{ note }}</p>{% endfor %}
  <p class="meta">Watching {{ watching | join(", ") }}: saving one rebuilds this page.</p>
</header>
<section id="error" data-live>
  {% if error %}
  <div class="error" role="alert">
    <h2>Build failed{{ " — showing the last good build" if good else "" }}</h2>
    <pre>{{ error }}</pre>
  </div>
  {% endif %}
</section>
<section id="lint" class="lint" data-live>
  <h2>Lint</h2>
  {% if good and good.warnings %}
  <ul>{% for warning in good.warnings %}<li>{{ warning }}</li>{% endfor %}</ul>
  {% elif good %}<p>No warnings.</p>{% endif %}
</section>
<div class="frames">
  {% for id, label, width, scheme in frames %}
  <figure>
    <figcaption>{{ label }} ({{ width }} px) · <a href="/email" target="_blank">open</a></figcaption>
    <iframe id="{{ id }}" class="{{ scheme }}" title="{{ label }}" width="{{ width }}"
            src="/email?build={{ built }}"></iframe>
  </figure>
  {% endfor %}
</div>
<section id="text" data-live>
  <h2>Text part</h2>
  <pre class="text">{{ good.text if good else "" }}</pre>
</section>
<script>
function fit(frame) {
  const doc = frame.contentDocument;
  if (doc && doc.documentElement) frame.style.height = doc.documentElement.scrollHeight + "px";
}
async function update(version) {
  if (version === document.body.dataset.version) return;
  const response = await fetch("/", { cache: "no-store" });
  const next = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const part of document.querySelectorAll("[data-live]")) {
    part.replaceWith(document.adoptNode(next.getElementById(part.id)));
  }
  for (const frame of document.querySelectorAll("iframe")) {
    const src = next.getElementById(frame.id).getAttribute("src");
    if (frame.getAttribute("src") !== src) frame.setAttribute("src", src);
  }
  document.title = next.title;
  document.body.dataset.version = next.body.dataset.version;
}
for (const frame of document.querySelectorAll("iframe")) {
  frame.addEventListener("load", () => fit(frame));
  fit(frame);
}
new EventSource("/events").onmessage = (event) => update(event.data);
</script>
</body>
</html>
"""
_TEMPLATE = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(_PAGE)
# The script holds no template syntax, so the page serves it exactly as written: its hash allows it.
SCRIPT = _PAGE.split("<script>", 1)[1].split("</script>", 1)[0]


def render_page(good: Preview | None, error: str, version: str, built: int, watching: Sequence[Path]) -> str:
    """The page for the current state: the last good build, the current error, what is watched."""
    frames = [
        ("desktop", "Desktop", DESKTOP_WIDTH, "light"),
        ("mobile", "Mobile", MOBILE_WIDTH, "light"),
        ("dark", "Dark mode (Apple Mail, Outlook.com)", DESKTOP_WIDTH, "dark"),
    ]
    return _TEMPLATE.render(
        good=good,
        error=error,
        version=version,
        built=built,
        watching=[_short(p) for p in watching],
        frames=frames,
    )


def _short(path: Path) -> str:
    """A watched path as editors know it: templates/, schedule.toml, drafts/."""
    return path.name + ("/" if path.is_dir() or not path.suffix else "")
