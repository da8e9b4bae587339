"""The monitoring and evaluation forms as PDF (Permenpan RB 35/2012 headings)."""

from __future__ import annotations

from django.utils import timezone

from simedsos.monev.models import Evaluation, Monitoring
from simedsos.reports.pdf import render_pdf
from simedsos.reports.selectors import semester_label


def monitoring_pdf(monitoring: Monitoring) -> bytes:
    rows = getattr(monitoring, "row_list", None) or list(monitoring.rows.order_by("number"))
    return render_pdf(
        "monev/pdf/monitoring.html",
        {
            "title": "Monitoring Pelaksanaan SOP AP",
            "m": monitoring,
            "rows": rows,
            "semester": semester_label(monitoring.year, monitoring.half),
            "generated_at": timezone.localtime(),
        },
    )


def evaluation_pdf(evaluation: Evaluation) -> bytes:
    share = evaluation.yes_share
    return render_pdf(
        "monev/pdf/evaluation.html",
        {
            "title": "Evaluasi Penerapan SOP AP",
            "e": evaluation,
            "rows": evaluation.question_rows(),
            "yes_percent": None if share is None else f"{share * 100:.1f}".replace(".", ","),
            "semester": semester_label(evaluation.year, evaluation.half),
            "generated_at": timezone.localtime(),
        },
    )
