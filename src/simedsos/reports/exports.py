"""The report as charts, PDF and XLSX: all built from `tables.report_tables`, same figures."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from simedsos.reports.charts import Bar, bar_chart
from simedsos.reports.pdf import render_pdf, static_text
from simedsos.reports.selectors import Report
from simedsos.reports.tables import (
    DEC1,
    DEC2,
    INT,
    cell_text,
    report_tables,
    to_minutes,
    to_percent,
)
from simedsos.sop.models import SopVersion
from simedsos.sop.selectors import sop_document


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString


def report_charts(report: Report) -> list[Chart]:
    steps = report.steps
    charts = [
        (
            _("Median waktu kerja per langkah (menit) dan waktu baku"),
            [
                Bar(
                    label=f"{f.number}. {f.activity}",
                    value=to_minutes(f.working_median),
                    text=cell_text(to_minutes(f.working_median), DEC1),
                    marker=f.standard_minutes,
                    marker_text=_("waktu baku %(m)s menit") % {"m": f.standard_minutes},
                )
                for f in steps
            ],
        ),
        (
            _("Langkah yang selesai dalam waktu baku (%)"),
            [
                Bar(
                    label=f"{f.number}. {f.activity}",
                    value=to_percent(f.share_within),
                    text=cell_text(to_percent(f.share_within), DEC1) + "%",
                )
                for f in steps
            ],
        ),
        (
            _("Unggahan per platform"),
            [Bar(r.label, r.posts, cell_text(r.posts, INT)) for r in report.platforms],
        ),
        (
            _("Unggahan per bulan"),
            [Bar(r.label, r.posts, cell_text(r.posts, INT)) for r in report.months],
        ),
        (
            _("Langkah selesai per orang"),
            [Bar(r.name, r.runs, cell_text(r.runs, INT)) for r in report.workload],
        ),
    ]
    return [Chart(title, bar_chart(title=title, bars=bars)) for title, bars in charts]


def report_title(report: Report) -> str:
    return _("Laporan kepatuhan waktu SOP — %(unit)s") % {"unit": report.unit.name}


def report_pdf(report: Report) -> bytes:
    return render_pdf(
        "reports/pdf/report.html",
        {
            "report": report,
            "title": report_title(report),
            "tables": report_tables(report),
            "charts": report_charts(report),
            "generated_at": timezone.localtime(),
        },
    )


def report_xlsx(report: Report) -> bytes:
    """One sheet per table; numbers stay numbers (rounded as on the page)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in report_tables(report):
        sheet = workbook.create_sheet(title=table.key.capitalize())
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append([report.unit.name, report.period.label])
        sheet.append([])
        sheet.append([str(c.label) for c in table.columns])
        for cell in sheet[4]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row_index, row in enumerate(table.rows):
            values = []
            for column_index, value in enumerate(row):
                kind = table.kind_at(row_index, column_index)
                if isinstance(value, Promise):
                    value = str(value)  # translated labels (lazy) are text to openpyxl
                values.append("" if value is None and kind in (INT, DEC1, DEC2) else value)
            sheet.append(values)
            for column_index in range(1, len(row)):
                kind = table.kind_at(row_index, column_index)
                if kind in (DEC1, DEC2):
                    cell = sheet.cell(row=sheet.max_row, column=column_index + 1)
                    cell.number_format = "0.0" if kind == DEC1 else "0.00"
        if table.note:
            sheet.append([])
            sheet.append([table.note])
        for index, column in enumerate(table.columns, start=1):
            width = 42 if index <= 2 and column.kind == "text" else 16
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A5"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# WeasyPrint ignores CSS fill/stroke on SVG shapes, so the flowchart symbols get them as
# attributes in the PDF (the page keeps its stylesheet).
_SYMBOL_PAINT = {
    "<rect ": '<rect fill="#ffffff" stroke="#1a1a1a" stroke-width="1.6" ',
    "<polygon ": '<polygon fill="#fffbe6" stroke="#1a1a1a" stroke-width="1.6" ',
}


def sop_document_pdf(*, version: SopVersion) -> bytes:
    """The official SOP document (identity grid and flowchart table), as the page shows it."""
    with translation.override("id"):
        body = render_to_string("sop/_document.html", {"doc": sop_document(version=version)})
    for plain, painted in _SYMBOL_PAINT.items():
        body = body.replace(plain, painted)
    return render_pdf(
        "reports/pdf/sop_document.html",
        {
            "version": version,
            "body": mark_safe(body),  # noqa: S308 - our own rendered template
            "document_css": static_text("sop/document.css"),
        },
    )
