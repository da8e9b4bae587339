"""Draft editor, autosave, live preview, media and submission pages: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from simedsos.content import draft_selectors as sel
from simedsos.content.draft_forms import (
    DraftForm,
    MediaUpdateForm,
    MediaUploadForm,
    SubmitForm,
    sign_opened_at,
    unsign_opened_at,
)
from simedsos.content.media_services import media_add, media_remove, media_update
from simedsos.content.models import ContentItem, DraftMedia, Review
from simedsos.content.preflight import DraftSnapshot
from simedsos.content.preflight_service import (
    draft_media,
    item_platforms,
    media_info,
    preflight_view,
    snapshot_of,
)
from simedsos.content.services import draft_save, draft_start, draft_submit
from simedsos.sop import engine


def item_url(item_id: int) -> str:
    """Where to go after a step is done: the item page once it exists, else Tugas Saya."""
    link = engine.item_link(item_id)
    if link:
        return link
    for name in ("content:inbox", "home"):
        try:
            return reverse(name)
        except NoReverseMatch:  # the inbox page is built elsewhere
            continue
    return "/"


def _messages_of(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _editor_context(request: HttpRequest, data: sel.EditorData, form: DraftForm | None = None):
    item = data.item
    platforms = item_platforms(item)
    draft = item.draft
    form = form or DraftForm(initial=DraftForm.initial_from(draft), platforms=platforms)
    returned = data.last_revision if _was_returned(data.last_revision) else None
    return {
        "item": item,
        "draft": draft,
        "form": form,
        "media": data.media,
        "run": data.run,
        "editable": data.editable,
        "started": bool(data.run and data.run.started_at),
        "preflight": preflight_view(snapshot_of(draft, data.media), platforms),
        "upload_form": MediaUploadForm(),
        "returned_revision": returned,
        "item_link": item_url(item.pk),
        "autosave_ms": 4000,
    }


def _was_returned(revision) -> bool:
    if revision is None:
        return False
    try:
        return revision.review.decision == Review.Decision.RETURN
    except Review.DoesNotExist:  # not reviewed yet
        return False


@login_required
@require_http_methods(["GET", "POST"])
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows the editor (or the "start" button); POST records that drafting started."""
    if request.method == "POST":
        item = ContentItem.objects.filter(pk=pk).first()
        if item is None:
            raise Http404
        try:
            draft_start(actor=request.user, item=item)
        except ValidationError as exc:
            for message in _messages_of(exc):
                messages.error(request, message)
        return redirect("content:draft_edit", pk=pk)
    data = sel.editor_data(request.user, pk)
    return render(request, "content/draft_editor.html", _editor_context(request, data))


def _status(request, message: str, *, state: str, status: int = 200, version=None):
    response = render(
        request,
        "content/_autosave_status.html",
        {"message": message, "state": state},
        status=status,
    )
    if version is not None:
        response["X-Draft-Version"] = str(version)
    return response


@require_POST
def draft_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the typed text. Answers a small status; the new version in `X-Draft-Version`.

    Not behind `login_required`: an expired session must get a plain 401 the editor's script
    recognises (it keeps the text in the browser), not a login page to swap in.
    """
    if not request.user.is_authenticated:
        return _status(
            request,
            _(
                "Sesi Anda telah berakhir, sehingga perubahan belum tersimpan di server. Teks "
                "Anda tetap tersimpan di peramban ini: masuk kembali lalu buka konsep ini untuk "
                "memulihkannya."
            ),
            state="expired",
            status=401,
        )
    item = ContentItem.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    form = DraftForm(request.POST, platforms=item_platforms(item))
    if not form.is_valid():
        return _status(
            request,
            _("Konsep tidak dapat disimpan: data formulir tidak lengkap. Muat ulang halaman."),
            state="error",
            status=400,
        )
    try:
        draft = draft_save(
            actor=request.user,
            item=item,
            caption=form.cleaned_data["caption"],
            variants=form.variants(),
            hashtags=form.hashtag_list(),
            links=form.link_list(),
            base_version=form.cleaned_data["base_version"],
        )
    except ValidationError as exc:
        stale = getattr(exc, "code", None) == "stale"
        message = " ".join(_messages_of(exc))
        if not request.htmx:
            messages.error(request, message)
            return redirect("content:draft_edit", pk=pk)
        return _status(
            request, message, state="stale" if stale else "error", status=409 if stale else 400
        )
    if not request.htmx:
        messages.success(request, _("Konsep tersimpan."))
        return redirect("content:draft_edit", pk=pk)
    moment = timezone.localtime(draft.updated_at).strftime("%H:%M:%S")
    return _status(
        request,
        _("Tersimpan otomatis pukul %(t)s.") % {"t": moment},
        state="saved",
        version=draft.version,
    )


@login_required
@require_POST
def draft_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The per-platform preview and preflight of the text as typed (nothing is saved)."""
    data = sel.editor_data(request.user, pk)
    platforms = item_platforms(data.item)
    form = DraftForm(request.POST, platforms=platforms)
    form.is_valid()  # a half-typed form still previews; only base_version may be missing
    cleaned = form.cleaned_data
    snapshot = DraftSnapshot(
        caption=cleaned.get("caption") or "",
        variants={k: v for k, v in form.variants().items() if v.strip()},
        hashtags=tuple(form.hashtag_list()),
        links=tuple(form.link_list()),
        media=tuple(media_info(m) for m in data.media),
    )
    return render(
        request,
        "content/_draft_preview.html",
        {"preflight": preflight_view(snapshot, platforms), "item": data.item},
    )


def _media_response(request: HttpRequest, item_id: int, errors: list[str] | None = None):
    """After a media change: the media list (htmx) or the editor (a plain form post)."""
    if not request.htmx:
        for error in errors or []:
            messages.error(request, error)
        return redirect("content:draft_edit", pk=item_id)
    data = sel.editor_data(request.user, item_id)
    response = render(
        request,
        "content/_media_list.html",
        {"item": data.item, "media": data.media, "editable": data.editable, "errors": errors},
        status=400 if errors else 200,
    )
    # The preview listens for this and refreshes (media change ratios, counts and alt text).
    response["HX-Trigger"] = "draft-media-changed"
    return response


@login_required
@require_POST
def media_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = ContentItem.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    form = MediaUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _media_response(request, pk, [e for errs in form.errors.values() for e in errs])
    try:
        media_add(actor=request.user, item=item, upload=form.cleaned_data["file"])
    except ValidationError as exc:
        return _media_response(request, pk, _messages_of(exc))
    return _media_response(request, pk)


def _media_or_404(media_id: int) -> DraftMedia:
    media = DraftMedia.objects.filter(pk=media_id).first()
    if media is None:
        raise Http404
    return media


@login_required
@require_POST
def media_update_view(request: HttpRequest, media_id: int) -> HttpResponse:
    media = _media_or_404(media_id)
    form = MediaUpdateForm(request.POST)
    # The alt text autosaves while typed: it answers with a small status, not the whole list
    # (swapping the list would take the text box away from under the typing hand).
    status_only = request.htmx and request.POST.get("reply") == "status"
    errors: list[str] = []
    if not form.is_valid():
        errors = [e for errs in form.errors.values() for e in errs]
    else:
        alt_text = form.cleaned_data["alt_text"] if "alt_text" in request.POST else None
        try:
            media_update(
                actor=request.user,
                media=media,
                alt_text=alt_text,
                position=form.cleaned_data.get("position"),
            )
        except ValidationError as exc:
            errors = _messages_of(exc)
    if status_only:
        response = _status(
            request,
            " ".join(errors) if errors else _("Teks alternatif tersimpan."),
            state="error" if errors else "saved",
            status=400 if errors else 200,
        )
        response["HX-Trigger"] = "draft-media-changed"
        return response
    return _media_response(request, media.item_id, errors)


@login_required
@require_POST
def media_remove_view(request: HttpRequest, media_id: int) -> HttpResponse:
    media = _media_or_404(media_id)
    try:
        media_remove(actor=request.user, media=media)
    except ValidationError as exc:
        return _media_response(request, media.item_id, _messages_of(exc))
    return _media_response(request, media.item_id)


@login_required
@require_GET
def media_file(request: HttpRequest, media_id: int) -> HttpResponse:
    """A medium's bytes, to people who may see its item; never a public address."""
    media = sel.media_for_file(request.user, media_id)
    try:
        handle = default_storage.open(media.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404(_("Berkas media tidak ditemukan di penyimpanan.")) from exc
    response = FileResponse(handle, content_type=media.mime_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def draft_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the final preflight per platform; POST: freeze the draft and hand it over."""
    data = sel.editor_data(request.user, pk)
    item = data.item
    errors: list[str] = []
    if request.method == "POST":
        form = SubmitForm(request.POST)
        form.is_valid()
        try:
            revision = draft_submit(
                actor=request.user,
                item=item,
                opened_at=unsign_opened_at(form.cleaned_data.get("opened_at")),
            )
        except ValidationError as exc:
            errors = _messages_of(exc)
        except PermissionDenied as exc:
            errors = [str(exc)]
        else:
            messages.success(
                request,
                _("Konsep revisi %(n)d telah diserahkan kepada pemeriksa.")
                % {"n": revision.number},
            )
            return redirect(item_url(item.pk))
        opened = form.cleaned_data.get("opened_at") or sign_opened_at()
    else:
        opened = sign_opened_at()
    platforms = item_platforms(item)
    return render(
        request,
        "content/draft_submit.html",
        {
            "item": item,
            "draft": item.draft,
            "media": data.media,
            "editable": data.editable,
            "preflight": preflight_view(snapshot_of(item.draft, draft_media(item)), platforms),
            "form": SubmitForm(initial={"opened_at": opened}),
            "errors": errors,
        },
        status=400 if errors else 200,
    )
