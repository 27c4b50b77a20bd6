"""The desk's pages: the issue's fields and articles with their actions beside the email as sent.

Server-rendered from desk_templates/ and autoescaped; every link and form is relative, so the desk
works at / (`digest desk`) and under /desk (`digest serve`). The one script (allowed by its hash)
redraws the parts marked data-live when the preview rebuilds; every form works without it.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from digest.models import Fate
from digest.service.desk import DeskView
from digest.web.headers import BASE, script_hash
from digest.web.page import DESKTOP_WIDTH, MOBILE_WIDTH

TEMPLATES = Path(__file__).resolve().parent / "desk_templates"
_ENV = jinja2.Environment(
    autoescape=True, undefined=jinja2.StrictUndefined, loader=jinja2.FileSystemLoader(TEMPLATES)
)
_PAGE = (TEMPLATES / "desk.html").read_text(encoding="utf-8")
# The script holds no template syntax, so the page serves it exactly as written: its hash allows it.
SCRIPT = _PAGE.split("<script>", 1)[1].split("</script>", 1)[0]
HEADERS = BASE | {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        f"default-src 'none'; script-src {script_hash(SCRIPT)}; connect-src 'self'; frame-src 'self'; "
        "img-src 'self' https: data:; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}


def render_desk(
    newsletter: str, view: DeskView | None, csrf: str, tag: str, built: int, text: str, **notes: str
) -> str:
    """The desk page; ``notes`` are the ``flash`` (what the last action did) and a ``problem``."""
    issue = [a.url for a in view.articles if a.state is Fate.ISSUE] if view else []
    neighbours = {
        url: (issue[i - 1] if i else "", issue[i + 1] if i + 1 < len(issue) else "")
        for i, url in enumerate(issue)
    }
    frames = [("desktop", "Desktop", DESKTOP_WIDTH), ("mobile", "Phone", MOBILE_WIDTH)]
    return _ENV.get_template("desk.html").render(
        newsletter=newsletter, view=view, csrf=csrf, tag=tag, built=built, text=text, frames=frames,
        neighbours=neighbours, flash=notes.get("flash", ""), problem=notes.get("problem", ""),
    )  # fmt: skip


def render_login(csrf: str, problem: str = "") -> str:
    """The login page (a token from the environment variable [desk] token_env names)."""
    return _ENV.get_template("login.html").render(csrf=csrf, problem=problem)
