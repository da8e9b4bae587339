"""SOP pages: thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from simedsos.accounts.authz import Action
from simedsos.sop import selectors, services
from simedsos.sop.forms import MoveForm, PublishForm, StepForm, VersionIdentityForm
from simedsos.sop.models import SopStep


def _attach(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its fields where it names them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _problems_before_publishing(version) -> list[str]:
    """What blocks publishing, judged before the publish form supplies the effective date."""
    version.effective_on = version.effective_on or timezone.localdate()
    return services.sop_version_validate(version)


@login_required
def version_list(request: HttpRequest) -> HttpResponse:
    versions = selectors.sop_versions_visible(user=request.user)
    editable = selectors.sop_editable_unit_ids(request.user)
    groups: list[dict] = []
    for version in versions:
        if not groups or groups[-1]["sop"].pk != version.sop_id:
            groups.append({"sop": version.sop, "versions": [], "can_edit": False})
        groups[-1]["versions"].append(version)
        groups[-1]["can_edit"] = version.sop.work_unit_id in editable
    for group in groups:
        group["has_draft"] = any(v.status == v.Status.DRAFT for v in group["versions"])
    return render(request, "sop/version_list.html", {"groups": groups})


@login_required
def document(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.sop_version_get(user=request.user, pk=pk)
    can_edit = version.sop.work_unit_id in selectors.sop_editable_unit_ids(request.user)
    return render(
        request,
        "sop/document.html",
        {"doc": selectors.sop_document(version=version), "can_edit": can_edit},
    )


@login_required
@require_POST
def copy(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.sop_version_get(user=request.user, pk=pk, action=Action.SOP_EDIT)
    try:
        draft = services.sop_version_copy(actor=request.user, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("sop:list")
    messages.success(
        request, _("Konsep revisi ke-%(n)s dibuat. Silakan sunting.") % {"n": draft.revision}
    )
    return redirect("sop:edit", pk=draft.pk)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft workspace: identity form, the steps, and what still blocks publishing."""
    version = selectors.sop_version_get(user=request.user, pk=pk, action=Action.SOP_EDIT)
    if not version.is_editable:
        messages.error(request, _("Versi ini sudah tidak dapat diubah. Buat revisi baru."))
        return redirect("sop:document", pk=version.pk)
    if request.method == "POST":
        form = VersionIdentityForm(request.POST)
        if form.is_valid():
            try:
                services.sop_version_update(
                    actor=request.user, version=version, **form.cleaned_data
                )
            except ValidationError as error:
                _attach(form, error)
            else:
                messages.success(request, _("Identitas SOP disimpan."))
                return redirect("sop:edit", pk=version.pk)
    else:
        form = VersionIdentityForm(initial=VersionIdentityForm.initial_from(version))
    version.refresh_from_db()
    titles = {c.get("role"): c.get("title") for c in version.actor_columns if isinstance(c, dict)}
    steps = list(version.steps.order_by("number"))
    for step in steps:
        step.actor_title = titles.get(step.actor_role) or step.get_actor_role_display()
    return render(
        request,
        "sop/edit.html",
        {
            "version": version,
            "form": form,
            "steps": steps,
            "problems": _problems_before_publishing(version),
        },
    )


@login_required
def step_form(request: HttpRequest, pk: int, step_pk: int | None = None) -> HttpResponse:
    version = selectors.sop_version_get(user=request.user, pk=pk, action=Action.SOP_EDIT)
    step = get_object_or_404(SopStep, pk=step_pk, version=version) if step_pk else None
    if not version.is_editable:
        messages.error(request, _("Versi ini sudah tidak dapat diubah. Buat revisi baru."))
        return redirect("sop:document", pk=version.pk)
    if request.method == "POST":
        form = StepForm(request.POST, version=version)
        if form.is_valid():
            try:
                services.sop_step_save(
                    actor=request.user, version=version, step=step, data=form.cleaned_data
                )
            except ValidationError as error:
                _attach(form, error)
            else:
                messages.success(request, _("Langkah disimpan."))
                return redirect("sop:edit", pk=version.pk)
    else:
        initial = StepForm.initial_from(step) if step else {"kind": SopStep.Kind.TASK}
        form = StepForm(initial=initial, version=version)
    return render(request, "sop/step_form.html", {"version": version, "step": step, "form": form})


@login_required
@require_POST
def step_delete(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    version = selectors.sop_version_get(user=request.user, pk=pk, action=Action.SOP_EDIT)
    step = get_object_or_404(SopStep, pk=step_pk, version=version)
    try:
        services.sop_step_delete(actor=request.user, step=step)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Langkah %(n)s dihapus.") % {"n": step.number})
    return redirect("sop:edit", pk=version.pk)


@login_required
@require_POST
def step_move(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    version = selectors.sop_version_get(user=request.user, pk=pk, action=Action.SOP_EDIT)
    step = get_object_or_404(SopStep, pk=step_pk, version=version)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Posisi tujuan tidak valid."))
        return redirect("sop:edit", pk=version.pk)
    try:
        services.sop_step_move(
            actor=request.user, step=step, to_number=form.cleaned_data["to_number"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("sop:edit", pk=version.pk)


@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.sop_version_get(user=request.user, pk=pk, action=Action.SOP_PUBLISH)
    if not version.is_editable:
        messages.error(request, _("Versi ini sudah diterbitkan atau dicabut."))
        return redirect("sop:document", pk=version.pk)
    if request.method == "POST":
        form = PublishForm(request.POST)
        if form.is_valid():
            try:
                services.sop_version_publish(
                    actor=request.user,
                    version=version,
                    effective_on=form.cleaned_data["effective_on"],
                )
            except ValidationError as error:
                _attach(form, error)
            else:
                messages.success(request, _("Versi SOP diterbitkan dan mulai berlaku."))
                return redirect("sop:document", pk=version.pk)
    else:
        form = PublishForm(initial={"effective_on": timezone.localdate()})
    problems = _problems_before_publishing(version) if request.method == "GET" else []
    return render(
        request, "sop/publish.html", {"version": version, "form": form, "problems": problems}
    )


@login_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.sop_version_get(user=request.user, pk=pk, action=Action.SOP_EDIT)
    try:
        services.sop_version_delete(actor=request.user, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("sop:document", pk=version.pk)
    messages.success(request, _("Konsep revisi dihapus."))
    return redirect("sop:list")
