"""Content pages: Tugas Saya, the content list, the item page, and steps 1, 5 and 6.

Thin: parse the form, call the service, show its refusal in place. Every page issues a
fixed number of queries whatever the number of items, runs or publications.
"""

from __future__ import annotations

import datetime
import mimetypes
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from simedsos.accounts.authz import Action, AuthorizationError, capacities_of, visible_unit_ids
from simedsos.accounts.roles import Role
from simedsos.accounts.selectors import PEOPLE_MATCH_LIMIT
from simedsos.accounts.views import people_suggestions
from simedsos.content import page_selectors as ps
from simedsos.content.forms import (
    DisposeForm,
    ItemFilterForm,
    PublicationRowForm,
    UploadOrderForm,
    opened_at_from,
    opened_token,
)
from simedsos.content.models import Attachment, ContentItem, DraftMedia, DraftRevision
from simedsos.content.selectors import InboxEntry, inbox_for, item_detail, items_for, timeline_for
from simedsos.content.services import (
    item_dispose,
    publication_mark_not_published,
    publication_record,
    publication_start,
    upload_order_issue,
)
from simedsos.memos.models import MemoKind
from simedsos.memos.services import memo_fields_default
from simedsos.publishing.models import Publication
from simedsos.sop.engine import format_moment
from simedsos.sop.models import SopStep

Act = SopStep.SystemAction


def forbidden(request: HttpRequest, reason: object) -> HttpResponse:
    """The refusal in words, with status 403 (the service's message when there is one)."""
    return render(request, "content/forbidden.html", {"reason": str(reason)}, status=403)


# --- Tugas Saya ------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxRow:
    entry: InboxEntry
    url: str
    start_url: str  # step 6 not yet started: one click starts it and opens the page


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    rows = []
    for entry in inbox_for(request.user):
        action = entry.run.step.action
        start_url = ""
        if action == Act.PUBLISH and entry.started_at is None:
            start_url = reverse("content:publish_start", kwargs={"pk": entry.item.pk})
        rows.append(InboxRow(entry, ps.action_url(action, entry.item.pk), start_url))
    targets = ps.dispose_targets(request.user, capacities_of(request.user))
    return render(
        request,
        "content/inbox.html",
        {"rows": rows, "can_dispose": bool(targets)},
    )


# --- Konten: list ----------------------------------------------------------------------------


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    units = visible_unit_ids(request.user, Action.CONTENT_VIEW)
    form = ItemFilterForm(request.GET or None, steps=ps.step_filter_choices(units), unit_ids=units)
    filters = form.filters() if form.is_bound else {}
    try:
        page = int(request.GET.get("halaman", "1"))
    except ValueError:
        page = 1
    window = ps.page_window(items_for(request.user, **filters), page)
    query = request.GET.copy()
    query.pop("halaman", None)
    context = {
        "form": form,
        "window": window,
        "query": query.urlencode(),
        # An empty set of assignees (a search that found nobody) is a filter too.
        "filtered": any(v is not None for v in filters.values()),
        "people": form.people.result(),
        "person_match_limit": PEOPLE_MATCH_LIMIT,
    }
    if request.htmx and request.htmx.target == "item-results":
        # The results, and the form's hidden chosen person out of band: typed text replaces it.
        return render(request, "content/_list_update.html", context)
    context["can_dispose"] = bool(ps.dispose_targets(request.user, capacities_of(request.user)))
    return render(request, "content/list.html", context)


@login_required
def staff_suggest(request: HttpRequest) -> HttpResponse:
    """Up to ten staff of the units the reader sees, for the Staf search field's suggestions."""
    return people_suggestions(
        request,
        unit_ids=visible_unit_ids(request.user, Action.CONTENT_VIEW),
        text=request.GET.get("person_q", ""),
        role=Role.STAF,
    )


# --- the item page ---------------------------------------------------------------------------


@login_required
def item_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = item_detail(request.user, pk)
    except AuthorizationError as exc:
        return forbidden(request, exc)
    capacities = capacities_of(request.user)
    history, history_template = ps.item_history(item)
    publications = list(item.publications.all())
    open_run = next((r for r in item.step_runs.all() if r.finished_at is None), None)
    return render(
        request,
        "content/item_detail.html",
        {
            "item": item,
            "timeline": timeline_for(item),
            "open_run": open_run,
            "action": ps.current_action_for(request.user, item, capacities),
            "publications": publications,
            "revisions": list(item.revisions.all()),
            "history": history,
            "history_template": history_template,
        },
    )


# --- step 1: disposition ---------------------------------------------------------------------


@login_required
def dispose(request: HttpRequest) -> HttpResponse:
    targets = ps.dispose_targets(request.user, capacities_of(request.user))
    if not targets:
        return forbidden(
            request,
            _(
                "Anda tidak berwenang membuat disposisi konten: langkah disposisi "
                "dijalankan oleh pejabat yang ditetapkan SOP (Kepala Bagian atau "
                "Plt./Plh.-nya)."
            ),
        )
    wanted = request.POST.get("unit") or request.GET.get("unit")
    target = next((t for t in targets if str(t.unit.pk) == wanted), targets[0])
    defaults = ps.dispose_memo_defaults(target)
    kwargs = {"unit_id": target.unit.pk, "memo_defaults": defaults}
    if request.method == "POST":
        form = DisposeForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = item_dispose(
                    actor=request.user,
                    work_unit=target.unit,
                    title=data["title"],
                    instruction=data["instruction"],
                    content_type=data["content_type"],
                    priority=data["priority"],
                    deadline=data["deadline"],
                    target_accounts=list(data["target_accounts"]),
                    assignee=data["assignee"],
                    legal_products=form.legal_products(),
                    attachments=data["attachments"],
                    opened_at=opened_at_from(data["opened"], "dispose", request.user.pk),
                    memo_fields=form.memo_fields(),
                )
            except AuthorizationError as exc:
                return forbidden(request, exc)
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                memo = item.disposition.memo
                messages.success(
                    request,
                    _(
                        "Disposisi tercatat dengan Nota Dinas nomor %(memo_number)s; tugas "
                        "dikirim kepada %(assignee_full_name)s."
                    )
                    % {
                        "memo_number": memo.number,
                        "assignee_full_name": item.assignee.get_full_name(),
                    },
                )
                return redirect("content:item", pk=item.pk)
    else:
        form = DisposeForm(initial={"opened": opened_token("dispose", request.user.pk)}, **kwargs)
    return render(
        request,
        "content/dispose_form.html",
        {
            "form": form,
            "target": target,
            "targets": targets,
            "files_lost": form.is_bound and bool(request.FILES),
        },
    )


# --- step 5: upload order --------------------------------------------------------------------


def _step_page_access(request: HttpRequest, pk: int, action: str):
    """The access check of a step page: (access, None) or (None, the response to send)."""
    try:
        access = ps.step_access(request.user, pk, action)
    except AuthorizationError as exc:
        return None, forbidden(request, exc)
    if access.wrong_step:
        messages.info(request, access.refusal)
        return None, redirect("content:item", pk=pk)
    if access.refusal:
        return None, forbidden(request, access.refusal)
    return access, None


def _latest_revision(item: ContentItem) -> DraftRevision | None:
    return (
        DraftRevision.objects.filter(item=item)
        .select_related("submitted_by", "review__reviewer")
        .order_by("-number")
        .first()
    )


@login_required
def upload_order(request: HttpRequest, pk: int) -> HttpResponse:
    access, response = _step_page_access(request, pk, Act.ORDER_UPLOAD)
    if response is not None:
        return response
    item = access.item
    defaults = memo_fields_default(item, MemoKind.UPLOAD_ORDER, access.capacity)
    if request.method == "POST":
        form = UploadOrderForm(request.POST, memo_defaults=defaults)
        if form.is_valid():
            try:
                order = upload_order_issue(
                    actor=request.user,
                    item=item,
                    publish_at=form.cleaned_data["publish_at"],
                    opened_at=opened_at_from(
                        form.cleaned_data["opened"], f"order:{item.pk}", request.user.pk
                    ),
                    memo_fields=form.memo_fields(),
                )
            except AuthorizationError as exc:
                return forbidden(request, exc)
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                when = (
                    _(" untuk tayang %(order_publish_at)s")
                    % {"order_publish_at": format_moment(order.publish_at)}
                    if order.publish_at
                    else ""
                )
                messages.success(
                    request,
                    _(
                        "Perintah pengunggahan%(when)s diterbitkan dengan Nota Dinas nomor "
                        "%(memo_number)s."
                    )
                    % {"when": when, "memo_number": order.memo.number},
                )
                return redirect("content:item", pk=item.pk)
    else:
        form = UploadOrderForm(
            memo_defaults=defaults,
            initial={"opened": opened_token(f"order:{item.pk}", request.user.pk)},
        )
    return render(
        request,
        "content/upload_order_form.html",
        {
            "item": item,
            "form": form,
            "capacity": access.capacity,
            "revision": _latest_revision(item),
        },
    )


# --- step 6: publication ---------------------------------------------------------------------


@require_POST
@login_required
def publish_start(request: HttpRequest, pk: int) -> HttpResponse:
    access, response = _step_page_access(request, pk, Act.PUBLISH)
    if response is not None:
        return response
    try:
        publication_start(actor=request.user, item=access.item)
    except AuthorizationError as exc:
        return forbidden(request, exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("content:item", pk=pk)
    return redirect("content:publish", pk=pk)


def _publications(item: ContentItem) -> list[Publication]:
    return list(
        Publication.objects.filter(item=item)
        .select_related("account", "recorded_by")
        .order_by("account__platform", "id")
    )


@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    access, response = _step_page_access(request, pk, Act.PUBLISH)
    if response is not None:
        return response
    item = access.item
    publications = _publications(item)
    pending = [p for p in publications if p.status == Publication.Status.PENDING]
    started = access.run is not None and access.run.started_at is not None
    errors: list[str] = []
    if request.method == "POST":
        forms = {
            p.pk: PublicationRowForm(request.POST, request.FILES, publication=p) for p in pending
        }
        done = 0
        for form in forms.values():
            if not form.is_valid() or not form.intent:
                continue
            data = form.cleaned_data
            try:
                if form.intent == "record":
                    publication_record(
                        actor=request.user,
                        publication=form.publication,
                        url=data["url"],
                        went_live_at=_within_minute(data["went_live_at"], item.created_at),
                        evidence=data["evidence"],
                    )
                else:
                    publication_mark_not_published(
                        actor=request.user, publication=form.publication, reason=data["reason"]
                    )
            except AuthorizationError as exc:
                return forbidden(request, exc)
            except ValidationError as exc:
                for key, texts in ps.validation_messages(exc).items():
                    for text in texts:
                        form.add_error(key if key in form.fields else None, text)
            else:
                done += 1
        failed = any(f.errors for f in forms.values())
        if not done and not failed:
            errors.append(
                _(
                    "Belum ada yang dicatat: isi tautan unggahan (atau alasan tidak "
                    "diunggah) pada sekurang-kurangnya satu akun."
                )
            )
        if done:
            messages.success(request, _("%(done)s akun tercatat.") % {"done": done})
        if not failed and done:
            item.refresh_from_db(fields=["status", "current_step"])
            if item.current_step_id is None:
                messages.success(
                    request,
                    _("Semua akun tujuan telah dicatat; konten berstatus %(item_status_display)s.")
                    % {"item_status_display": item.get_status_display()},
                )
                return redirect("content:item", pk=pk)
            return redirect("content:publish", pk=pk)
        # Keep what was typed in the rows that failed; recorded rows become read-only.
        publications = _publications(item)
        rows = [
            (p, forms.get(p.pk) if p.status == Publication.Status.PENDING else None)
            for p in publications
        ]
        started = True
    else:
        pending_ids = {p.pk for p in pending}
        rows = [
            (p, PublicationRowForm(publication=p) if p.pk in pending_ids else None)
            for p in publications
        ]
    revision = _latest_revision(item)
    return render(
        request,
        "content/publication_form.html",
        {
            "item": item,
            "rows": rows,
            "started": started,
            "errors": errors,
            "revision": revision,
            "captions": _captions(revision, publications),
            "media": _revision_media(item, revision),
            "upload_order": getattr(item, "upload_order", None),
            "files_lost": request.method == "POST" and bool(request.FILES),
        },
    )


def _within_minute(typed: datetime.datetime | None, floor: datetime.datetime):
    """A time typed to the minute means any moment of that minute: one typed in the minute
    the item was opened (posted right away) is read as not before the opening."""
    if typed is None or typed.second or typed.microsecond:
        return typed
    if typed < floor < typed + datetime.timedelta(minutes=1):
        return floor
    return typed


def _captions(revision: DraftRevision | None, publications: list[Publication]) -> list[tuple]:
    """The approved caption each target account gets (its platform's variant or the master)."""
    if revision is None:
        return []
    tags = " ".join(f"#{t}" for t in revision.hashtags)
    out = []
    for pub in publications:
        text = revision.variants.get(pub.account.platform) or revision.caption
        out.append((pub.account, f"{text}\n\n{tags}".strip() if tags else text))
    return out


def _revision_media(item: ContentItem, revision: DraftRevision | None) -> list[DraftMedia]:
    if revision is None or not revision.media:
        return []
    ids = [m.get("media_id") for m in revision.media]
    by_id = {m.pk: m for m in DraftMedia.objects.filter(item=item, pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


# --- files of an item, served with the same access check as the item page ---------------------


def _visible_item(request: HttpRequest, pk: int) -> ContentItem:
    item = ContentItem.objects.select_related("work_unit").filter(pk=pk).first()
    if item is None:
        raise Http404(_("Konten tidak ditemukan."))
    if item.work_unit_id not in visible_unit_ids(request.user, Action.CONTENT_VIEW):
        raise AuthorizationError(
            _("Anda tidak berwenang melihat konten di %(work_unit_name)s.")
            % {"work_unit_name": item.work_unit.name}
        )
    return item


def _file_response(field, name: str) -> FileResponse:
    if not field:
        raise Http404(_("Berkas tidak ada."))
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Berkas tidak ditemukan di penyimpanan.")) from exc
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    inline = content_type.startswith("image/") or content_type == "application/pdf"
    return FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)


@login_required
def attachment_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    try:
        item = _visible_item(request, pk)
    except AuthorizationError as exc:
        return forbidden(request, exc)
    attachment = Attachment.objects.filter(item=item, pk=file_pk).first()
    if attachment is None:
        raise Http404(_("Lampiran tidak ditemukan."))
    return _file_response(attachment.file, attachment.original_name)


@login_required
def evidence_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    try:
        item = _visible_item(request, pk)
    except AuthorizationError as exc:
        return forbidden(request, exc)
    pub = Publication.objects.filter(item=item, pk=file_pk).first()
    if pub is None or not pub.evidence:
        raise Http404(_("Bukti unggahan tidak ditemukan."))
    return _file_response(pub.evidence, pub.evidence.name.rsplit("/", 1)[-1])


@login_required
def media_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    try:
        item = _visible_item(request, pk)
    except AuthorizationError as exc:
        return forbidden(request, exc)
    media = DraftMedia.objects.filter(item=item, pk=file_pk).first()
    if media is None:
        raise Http404(_("Media tidak ditemukan."))
    return _file_response(media.file, media.original_name)
