"""The small public pages (unsubscribe, subscribe, confirm): one layout, autoescaped, no scripts.

They wear the newsletter's theme (its brand colour, background, text colour and font), so a reader who
clicks Unsubscribe lands on a page that looks like the email they came from.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup
from starlette.responses import HTMLResponse

from digest.config import ThemeConfig

# The URL carries the token, so it must not leak through Referer, caches or search engines; the
# pages need no script, a form may post only back to this site, and no other site may frame them (a
# framed Unsubscribe button could be clicked by someone who did not mean to).
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}

_LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{{ title }}</title>
<style>
 body { font: 17px/1.5 {{ font }}; background: {{ theme.background_color }}; color: {{ theme.text_color }};
        margin: 0; }
 main { max-width: 34rem; margin: 10vh auto; background: #fff; padding: 2rem; border-radius: 6px;
        border-top: 6px solid {{ theme.brand_color }}; }
 h1 { color: {{ theme.brand_color }}; }
 a { color: {{ theme.brand_color }}; }
 button { font: inherit; padding: .5rem 1.25rem; background: {{ theme.brand_color }}; color: #fff; border: 0;
          border-radius: 4px; cursor: pointer; }
 input { font: inherit; padding: .4rem; width: 100%; box-sizing: border-box; margin: .2rem 0 1rem; }
 .trap { position: absolute; left: -10000px; }
 /* The reader's dark setting: dark surfaces, the brand colour lightened so it stays readable. */
 @media (prefers-color-scheme: dark) {
  body { background: #121212; color: #e8e6e3; }
  main { background: #1e1e1e; }
  h1, a { color: color-mix(in srgb, {{ theme.brand_color }} 45%, #fff); }
  input, select { background: #2a2a2a; color: inherit; border: 1px solid #555; }
 }
</style></head>
<body><main>
<h1>{{ title }}</h1>
{% block body %}{% endblock %}
</main></body></html>"""

_PAGES = {
    "message.html": """{% extends "layout.html" %}{% block body %}<p>{{ message }}</p>{% endblock %}""",
    "unsubscribe.html": """{% extends "layout.html" %}{% block body %}
<p>Stop sending <strong>{{ newsletter }}</strong> to <strong>{{ email }}</strong>?</p>
<form method="post">
  <input type="hidden" name="List-Unsubscribe" value="One-Click">
  <button type="submit" id="confirm">Unsubscribe</button>
</form>{% endblock %}""",
    "subscribe.html": """{% extends "layout.html" %}{% block body %}
<form method="post" action="/subscribe">
  <label>Email address <input type="email" name="email" required></label>
  <label>Name (optional) <input type="text" name="name"></label>
  {% if lists | length > 1 %}<label>Newsletter <select name="list">
  {% for name, title in lists.items() %}<option value="{{ name }}">{{ title }}</option>{% endfor %}
  </select></label>{% else %}<input type="hidden" name="list" value="{{ lists | first }}">{% endif %}
  <label class="trap" aria-hidden="true">Leave this empty
    <input type="text" name="website" tabindex="-1" autocomplete="off"></label>
  <button type="submit">Subscribe</button>
</form>{% endblock %}""",
}

_env = jinja2.Environment(
    loader=jinja2.DictLoader({"layout.html": _LAYOUT, **_PAGES}),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def page(template: str, status: int = 200, theme: ThemeConfig | None = None, **values: Any) -> HTMLResponse:
    """A rendered page with the headers every public page carries, in ``theme`` (default: [theme]'s
    defaults)."""
    theme = theme or ThemeConfig()
    html = _env.get_template(template).render(theme=theme, font=Markup(theme.css_font()), **values)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def message(
    title: str, text: str, status: int = 200, theme: ThemeConfig | None = None, /, **headers: str
) -> HTMLResponse:
    """A page that only says something, in ``theme``, with extra ``headers`` (positional-only
    arguments, so that no header name can collide with them)."""
    response = page("message.html", status, theme=theme, title=title, message=text)
    response.headers.update(headers)
    return response
