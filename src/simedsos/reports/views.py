"""Report pages and exports, and the SOP document as PDF: thin views over selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from simedsos.accounts.authz import Action, AuthorizationError, capacities_of
from simedsos.reports import exports, selectors
from simedsos.reports.forms import ReportForm
from simedsos.reports.tables import report_tables
from simedsos.sop import selectors as sop_selectors


def _form(request: HttpRequest) -> tuple[ReportForm, list]:
    capacities = capacities_of(request.user)
    units = selectors.report_units(user=request.user, capacities=capacities)
    if request.GET.get("unit"):
        form = ReportForm(request.GET, units=units)
    else:
        # Default: the user's own unit (the first where they may read reports), this semester.
        own = [c.work_unit.pk for c in capacities]
        default = next((u for u in units if u.pk in own), units[0] if units else None)
        period = selectors.Period.current_semester()
        form = ReportForm(
            {
                "unit": default.pk if default else "",
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
            },
            units=units,
        )
    return form, units


def _report(request: HttpRequest):
    form, units = _form(request)
    if not units:
        raise AuthorizationError("Anda tidak berwenang melihat laporan.")
    if not form.is_valid():
        return form, None
    report = selectors.report_for(
        user=request.user, unit=form.unit_obj, period=form.period, units=units
    )
    return form, report


def _filename(report, extension: str) -> str:
    return (
        f"laporan-{slugify(report.unit.code)}-{report.period.start:%Y%m%d}-"
        f"{report.period.end:%Y%m%d}.{extension}"
    )


@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    context = {"form": form, "report": report}
    if report is not None:
        context["tables"] = report_tables(report)
        context["charts"] = exports.report_charts(report)
        context["query"] = request.GET.urlencode() or (
            f"unit={report.unit.pk}&start={report.period.start:%Y-%m-%d}"
            f"&end={report.period.end:%Y-%m-%d}"
        )
    return render(request, "reports/report.html", context, status=200 if report else 400)


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        return render(request, "reports/report.html", {"form": form}, status=400)
    response = HttpResponse(exports.report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "pdf")}"'
    return response


@login_required
def report_xlsx(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        return render(request, "reports/report.html", {"form": form}, status=400)
    response = HttpResponse(
        exports.report_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "xlsx")}"'
    return response


@login_required
def sop_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    version = sop_selectors.sop_version_get(user=request.user, pk=pk, action=Action.SOP_VIEW)
    response = HttpResponse(
        exports.sop_document_pdf(version=version), content_type="application/pdf"
    )
    name = f"sop-{slugify(version.number)}-revisi-{version.revision}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
