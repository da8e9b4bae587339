"""Monitoring and evaluation pages: thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from simedsos.accounts.authz import ACTION_LABELS, Action, AuthorizationError
from simedsos.monev import exports, selectors, services
from simedsos.monev.forms import EvaluationForm, MonitoringForm, SemesterForm
from simedsos.reports.selectors import semester_label


def _semester(request: HttpRequest) -> tuple[int, int]:
    form = SemesterForm(request.GET or request.POST)
    if form.is_valid():
        return form.cleaned_data["tahun"], form.cleaned_data["semester"]
    today = timezone.localdate()
    # By default the semester just ended: the one a review is usually due for.
    if today.month <= 6:
        return today.year - 1, 2
    return today.year, 1


def _refuse_post(request: HttpRequest, form) -> None:
    """A change to a signed form is explained; one by someone without the right is refused."""
    if not form.is_signed:
        raise AuthorizationError(
            f"Anda tidak berwenang {ACTION_LABELS[Action.MONEV_ASSESS]} di {form.work_unit.name}."
        )
    messages.error(request, _("Formulir ini sudah ditandatangani dan tidak dapat diubah."))


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    year, half = _semester(request)
    rows = selectors.monev_overview(user=request.user, year=year, half=half)
    return render(
        request,
        "monev/overview.html",
        {
            "rows": rows,
            "year": year,
            "half": half,
            "semester": semester_label(year, half),
            "form": SemesterForm(initial={"tahun": year, "semester": half}),
        },
    )


@login_required
@require_POST
def monitoring_prefill(request: HttpRequest) -> HttpResponse:
    year, half = _semester(request)
    version = selectors.version_get(user=request.user, pk=request.POST.get("versi") or 0)
    try:
        monitoring = services.monitoring_prefill(
            actor=request.user,
            sop_version=version,
            unit=version.sop.work_unit,
            year=year,
            half=half,
        )
    except ValidationError as error:
        _error(request, error)
        return redirect(reverse("monev:list") + f"?tahun={year}&semester={half}")
    messages.success(request, _("Formulir monitoring diisi dari angka terukur."))
    return redirect("monev:monitoring", pk=monitoring.pk)


@login_required
def monitoring(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.monitoring_get(user=request.user, pk=pk)
    can_assess = not item.is_signed and item.work_unit_id in selectors.assess_unit_ids(request.user)
    if request.method == "POST" and not can_assess:
        _refuse_post(request, item)
        return redirect("monev:monitoring", pk=item.pk)
    form = MonitoringForm(request.POST or None, rows=item.row_list)
    if request.method == "POST" and can_assess and form.is_valid():
        try:
            services.monitoring_save(actor=request.user, monitoring=item, rows=form.row_values())
            if request.POST.get("aksi") == "tandatangani":
                services.monitoring_sign(actor=request.user, monitoring=item)
                messages.success(request, _("Formulir monitoring ditandatangani."))
            else:
                messages.success(request, _("Penilaian disimpan."))
            return redirect("monev:monitoring", pk=item.pk)
        except ValidationError as error:
            # What was typed is saved (or still in the form): show why signing failed.
            _error(request, error)
            item = selectors.monitoring_get(user=request.user, pk=pk)
    return render(
        request,
        "monev/monitoring.html",
        {
            "m": item,
            "form": form,
            "can_assess": can_assess,
            "semester": semester_label(item.year, item.half),
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@login_required
def monitoring_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.monitoring_get(user=request.user, pk=pk)
    response = HttpResponse(exports.monitoring_pdf(item), content_type="application/pdf")
    name = f"monitoring-sop-{item.work_unit.code}-{item.year}-{item.half}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def evaluation_new(request: HttpRequest) -> HttpResponse:
    year, half = _semester(request)
    version = selectors.version_get(
        user=request.user, pk=request.GET.get("versi") or request.POST.get("versi") or 0
    )
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_save(
                actor=request.user,
                sop_version=version,
                unit=version.sop.work_unit,
                year=year,
                half=half,
                answers=form.answers(),
                conclusion=form.cleaned_data["conclusion"],
            )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("Evaluasi disimpan."))
            return redirect("monev:evaluation", pk=evaluation.pk)
    return render(
        request,
        "monev/evaluation.html",
        {
            "e": None,
            "version": version,
            "form": form,
            "can_assess": version.sop.work_unit_id in selectors.assess_unit_ids(request.user),
            "year": year,
            "half": half,
            "semester": semester_label(year, half),
        },
    )


@login_required
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.evaluation_get(user=request.user, pk=pk)
    assess = selectors.assess_unit_ids(request.user)
    can_assess = not item.is_signed and item.work_unit_id in assess
    if request.method == "POST" and not can_assess:
        _refuse_post(request, item)
        return redirect("monev:evaluation", pk=item.pk)
    form = EvaluationForm(request.POST or None, evaluation=item)
    if request.method == "POST" and can_assess and form.is_valid():
        try:
            services.evaluation_save(
                actor=request.user,
                sop_version=item.sop_version,
                unit=item.work_unit,
                year=item.year,
                half=item.half,
                answers=form.answers(),
                conclusion=form.cleaned_data["conclusion"],
            )
            if request.POST.get("aksi") == "tandatangani":
                services.evaluation_sign(actor=request.user, evaluation=item)
                messages.success(request, _("Evaluasi ditandatangani."))
            else:
                messages.success(request, _("Evaluasi disimpan."))
            return redirect("monev:evaluation", pk=item.pk)
        except ValidationError as error:
            _error(request, error)
    return render(
        request,
        "monev/evaluation.html",
        {
            "e": item,
            "version": item.sop_version,
            "form": form,
            "can_assess": can_assess,
            "can_revise": item.is_signed and item.revision_id is None,
            "year": item.year,
            "half": item.half,
            "semester": semester_label(item.year, item.half),
        },
    )


@login_required
@require_POST
def evaluation_revision(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.evaluation_get(user=request.user, pk=pk)
    try:
        draft = services.sop_revision_from_evaluation(actor=request.user, evaluation=item)
    except ValidationError as error:
        _error(request, error)
        return redirect("monev:evaluation", pk=item.pk)
    messages.success(
        request, _("Konsep revisi ke-%(n)s dibuat dari evaluasi ini.") % {"n": draft.revision}
    )
    return redirect("sop:edit", pk=draft.pk)


@login_required
def evaluation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.evaluation_get(user=request.user, pk=pk)
    response = HttpResponse(exports.evaluation_pdf(item), content_type="application/pdf")
    name = f"evaluasi-sop-{item.work_unit.code}-{item.year}-{item.half}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
