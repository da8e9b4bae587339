"""PDF rendering for reports, monev forms and the SOP document: the memos' WeasyPrint engine.

Reuses the memo renderer's configured engine (fonts from the shipped npm packages, only
`file:` and `data:` URLs fetched) and its lock, so fonts load once per process and renders
never run concurrently inside WeasyPrint.
"""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from simedsos.memos import rendering


def static_text(path: str) -> str:
    """The text of a static file (e.g. a stylesheet to inline into a PDF)."""
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    with open(found, encoding="utf-8") as handle:
        return handle.read()


def render_pdf(template: str, context: dict) -> bytes:
    """Render a Django template (Indonesian) to PDF bytes with the embedded fonts."""
    with translation.override("id"):
        html = render_to_string(template, context)
    with rendering._engine_lock:
        engine = rendering._get_engine()
        document = engine.html_class(string=html, url_fetcher=engine.fetcher).render(
            stylesheets=[engine.fonts_css], font_config=engine.font_config
        )
        return document.write_pdf()
