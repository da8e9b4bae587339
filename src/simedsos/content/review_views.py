"""The review page: the revision under review, its difference from the previous one, comments
and the decision. Parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from simedsos.content import draft_selectors as sel
from simedsos.content.diff import revision_diff
from simedsos.content.draft_forms import (
    ReviewCommentForm,
    ReviewDecisionForm,
    comment_field_choices,
)
from simedsos.content.draft_views import item_url
from simedsos.content.models import ContentItem, DraftRevision
from simedsos.content.preflight_service import item_platforms, preflight_view, revision_snapshot
from simedsos.content.services import (
    review_approve,
    review_comment_add,
    review_return,
    review_start,
)
from simedsos.publishing.platforms.limits import Platform


def _revision_media(revision: DraftRevision | None, media_by_id: dict) -> list[dict]:
    if revision is None:
        return []
    rows = []
    for entry in sorted(revision.media or [], key=lambda e: e.get("position", 0)):
        rows.append(
            {
                "media": media_by_id.get(entry.get("media_id")),
                "alt_text": entry.get("alt_text", ""),
                "name": entry.get("original_name", ""),
                "kind": entry.get("kind", ""),
            }
        )
    return rows


def _field_labels(choices) -> dict[str, str]:
    return {str(key): str(label) for key, label in choices}


def _context(
    request: HttpRequest,
    data: sel.ReviewData,
    *,
    comment_form: ReviewCommentForm | None = None,
    decision_form: ReviewDecisionForm | None = None,
    errors: list[str] | None = None,
) -> dict:
    revision = data.revision
    names = {pk: m.original_name for pk, m in data.media_by_id.items()}
    choices = comment_field_choices(revision, names) if revision else []
    previous_choices = comment_field_choices(data.previous, names) if data.previous else []
    labels = _field_labels(previous_choices) | _field_labels(choices)
    platforms = item_platforms(data.item)
    comments = list(revision.comments.all()) if revision else []
    previous_comments = list(data.previous.comments.all()) if data.previous else []
    for comment in comments + previous_comments:
        comment.field_label = labels.get(comment.field, comment.field)
    return {
        "item": data.item,
        "revision": revision,
        "previous": data.previous,
        "previous_review": getattr(data.previous, "review", None) if data.previous else None,
        "previous_comments": previous_comments,
        "comments": comments,
        "variants": [
            (Platform(key).label if key in Platform.values else key, text)
            for key, text in (revision.variants or {}).items()
        ]
        if revision
        else [],
        "media": _revision_media(revision, data.media_by_id),
        "diff": revision_diff(data.previous, revision) if data.previous and revision else [],
        "preflight": (
            preflight_view(revision_snapshot(revision, data.media_by_id), platforms)
            if revision
            else None
        ),
        "run": data.run,
        "at_review": data.at_review,
        "may_decide": data.may_decide,
        "own_revision": data.own_revision,
        "comment_form": comment_form or ReviewCommentForm(field_choices=choices),
        "decision_form": decision_form or ReviewDecisionForm(),
        "errors": errors or [],
        "item_link": item_url(data.item.pk),
    }


def _item_or_404(pk: int) -> ContentItem:
    item = ContentItem.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows the revision; POST records that the reviewer began (fired on page load)."""
    if request.method == "POST":
        item = _item_or_404(pk)
        try:
            run = review_start(actor=request.user, item=item)
        except (ValidationError, PermissionDenied) as exc:
            message = " ".join(getattr(exc, "messages", None) or [str(exc)])
            if request.htmx:
                return render(
                    request,
                    "content/_review_started.html",
                    {"error": message},
                    status=409 if isinstance(exc, ValidationError) else 403,
                )
            messages.error(request, message)
            return redirect("content:review", pk=pk)
        if request.htmx:
            return render(request, "content/_review_started.html", {"run": run})
        return redirect("content:review", pk=pk)
    data = sel.review_data(request.user, pk)
    return render(request, "content/review.html", _context(request, data))


@login_required
@require_POST
def review_comment(request: HttpRequest, pk: int) -> HttpResponse:
    data = sel.review_data(request.user, pk)
    revision = data.revision
    if revision is None or str(revision.pk) != request.POST.get("revision"):
        errors = [_("Revisi yang Anda komentari sudah berganti. Muat ulang halaman.")]
        form = None
    else:
        names = {k: m.original_name for k, m in data.media_by_id.items()}
        form = ReviewCommentForm(request.POST, field_choices=comment_field_choices(revision, names))
        errors = []
        if form.is_valid():
            try:
                review_comment_add(
                    actor=request.user,
                    revision=revision,
                    field=form.cleaned_data["field"],
                    text=form.cleaned_data["text"],
                )
            except (ValidationError, PermissionDenied) as exc:
                errors = list(getattr(exc, "messages", None) or [str(exc)])
            else:
                if not request.htmx:
                    messages.success(request, _("Catatan koreksi ditambahkan."))
                    return redirect("content:review", pk=pk)
                data = sel.review_data(request.user, pk)
                form = None
    if not request.htmx and errors:
        for error in errors:
            messages.error(request, error)
        return redirect("content:review", pk=pk)
    status = 400 if errors or (form is not None and form.errors) else 200
    return render(
        request,
        "content/_review_comments.html",
        _context(request, data, comment_form=form, errors=errors),
        status=status,
    )


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_or_404(pk)
    form = ReviewDecisionForm(request.POST)
    errors: list[str] = []
    status = 400
    if form.is_valid():
        decide = (
            review_approve
            if form.cleaned_data["decision"] == ReviewDecisionForm.APPROVE
            else review_return
        )
        try:
            review_obj = decide(actor=request.user, item=item, comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, field_errors in exc.message_dict.items():
                    for error in field_errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                errors = list(exc.messages)
                status = 409
        except PermissionDenied as exc:
            errors = [str(exc)]
            status = 403
        else:
            moment = timezone.localtime(review_obj.decided_at).strftime("%d-%m-%Y %H:%M")
            messages.success(
                request,
                _("Konsep revisi %(n)d %(what)s pada %(t)s.")
                % {
                    "n": review_obj.revision.number,
                    "what": review_obj.get_decision_display().lower(),
                    "t": moment,
                },
            )
            return redirect(item_url(item.pk))
    data = sel.review_data(request.user, pk)
    return render(
        request,
        "content/review.html",
        _context(request, data, decision_form=form, errors=errors),
        status=status,
    )
