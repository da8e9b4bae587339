"""Server-rendered SVG bar charts: no script, readable by screen readers, printable.

Each chart is an `<svg role="img">` with a <title> and <desc> (the figures in words), and
every bar carries its own <title>, so the chart says what it shows without its picture.
The same markup goes into the HTML page and the PDF.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 640
LABEL_WIDTH = 210
VALUE_WIDTH = 70
ROW = 26
BAR = 16
TOP = 8
FILL = "#0b5394"
OVER = "#a00000"  # a bar beyond its standard

_ids = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str  # the value as shown next to the bar
    marker: float | None = None  # e.g. the time standard, drawn as a line across the bar
    marker_text: str = ""


def bar_chart(*, title: str, bars: list[Bar], marker_label: str = "") -> SafeString:
    """A horizontal bar chart; bars with no value are listed with a dash and no bar."""
    chart_id = f"chart-{next(_ids)}"
    values = [b.value or 0 for b in bars] + [b.marker or 0 for b in bars]
    top = max(values, default=0) or 1
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = TOP * 2 + ROW * max(len(bars), 1)
    description = "; ".join(
        f"{b.label}: {b.text}" + (f" ({b.marker_text})" if b.marker_text else "") for b in bars
    )
    parts = [
        f'<svg class="chart" id="{chart_id}" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" font-size="11" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description or "—")}</desc>',
    ]
    if not bars:
        parts.append(
            f'<text x="0" y="{TOP + ROW / 2 + 4}" class="chart-empty">'
            f"{escape(_('Tidak ada data pada periode ini.'))}</text>"
        )
    for index, b in enumerate(bars):
        y = TOP + index * ROW
        label = b.label if len(b.label) <= 28 else b.label[:27] + "…"
        parts.append("<g>")
        parts.append(
            f"<title>{escape(b.label)}: {escape(b.text)}"
            + (f" ({escape(b.marker_text)})" if b.marker_text else "")
            + "</title>"
        )
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 3}" text-anchor="end" '
            f'class="chart-label">{escape(label)}</text>'
        )
        width = plot * (b.value or 0) / top
        if b.value:
            over = bool(b.marker and b.value > b.marker)
            css = "chart-bar chart-bar--over" if over else "chart-bar"
            # Colours as attributes: WeasyPrint (the PDF) does not apply CSS to SVG shapes.
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR}" '
                f'class="{css}" fill="{OVER if over else FILL}"/>'
            )
        if b.marker:
            mx = LABEL_WIDTH + plot * b.marker / top
            parts.append(
                f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{y - 3}" y2="{y + BAR + 3}" '
                f'class="chart-marker" stroke="#1a1a1a" stroke-width="2" stroke-dasharray="3 2"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + BAR - 3}" '
            f'class="chart-value">{escape(b.text)}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    # Every piece of text above went through escape(); the rest is our own markup.
    return mark_safe("".join(parts))  # noqa: S308
