"""Memo pages (login required) and the public verification page: thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from simedsos.accounts.authz import AuthorizationError
from simedsos.memos import selectors, verification
from simedsos.memos.forms import MemoFilterForm, VerifyUploadForm
from simedsos.memos.models import RenderStatus
from simedsos.memos.rendering import tanggal_indonesia, verification_url
from simedsos.memos.rendering_service import RenderRefused, memo_can_rerender, memo_rerender
from simedsos.memos.verification import MAX_VERIFY_UPLOAD_BYTES

PAGE_SIZE = 25

# which file -> (model field, download name prefix)
MEMO_FILES = {
    "pdf": ("pdf", "nota-dinas"),
    "arsip": ("archive_pdf", "nota-dinas-arsip-pdfa"),
    "disposisi": ("disposition_sheet_pdf", "lembar-disposisi"),
}


@login_required
def memo_list(request: HttpRequest) -> HttpResponse:
    unit_ids = selectors.memo_unit_ids(request.user)
    units = list(selectors.memo_visible_units(request.user, unit_ids))
    form = MemoFilterForm(request.GET or None, units=units, years=selectors.memo_years())
    memos = selectors.memo_list(request.user, form.filters(), unit_ids=unit_ids)
    page = Paginator(memos, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "memos/memo_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "show_unit": len(units) > 1},
    )


def _detail_context(request: HttpRequest, memo) -> dict:
    return {
        "memo": memo,
        "tanggal": tanggal_indonesia(memo.issued_on),
        "can_rerender": memo_can_rerender(request.user, memo),
        "verification_url": verification_url(memo),
    }


@login_required
def memo_detail(request: HttpRequest, pk: int) -> HttpResponse:
    memo = selectors.memo_get_visible(request.user, pk)
    context = _detail_context(request, memo) | {
        "attachments": selectors.memo_attachments(memo),
    }
    return render(request, "memos/memo_detail.html", context)


@login_required
def memo_render_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The render-status fragment the detail page polls while the PDF is being made."""
    memo = selectors.memo_get_visible(request.user, pk)
    response = render(request, "memos/_render_status.html", _detail_context(request, memo))
    if memo.render_status == RenderStatus.DONE and request.htmx:
        # The preview and download links appear with a full reload.
        response["HX-Refresh"] = "true"
    return response


@login_required
@xframe_options_sameorigin  # the detail page previews the PDF in a frame
def memo_file(request: HttpRequest, pk: int, which: str) -> FileResponse:
    memo = selectors.memo_get_visible(request.user, pk)
    if which not in MEMO_FILES:
        raise Http404
    field, prefix = MEMO_FILES[which]
    stored = getattr(memo, field)
    if memo.render_status != RenderStatus.DONE or not stored:
        raise Http404(_("Berkas PDF nota dinas ini belum tersedia."))
    inline = request.GET.get("inline") == "1"
    safe_number = "".join(ch if ch.isalnum() else "-" for ch in memo.number).strip("-")
    return FileResponse(
        stored.open("rb"),
        as_attachment=not inline,
        filename=f"{prefix}-{safe_number}.pdf",
        content_type="application/pdf",
    )


@login_required
def memo_attachment_file(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    memo = selectors.memo_get_visible(request.user, pk)
    attachment = get_object_or_404(memo.attachments, pk=attachment_pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@login_required
@require_POST
def memo_rerender_view(request: HttpRequest, pk: int) -> HttpResponse:
    memo = selectors.memo_get_visible(request.user, pk)
    try:
        memo_rerender(actor=request.user, memo_id=memo.pk)
    except AuthorizationError as exc:
        messages.error(request, str(exc))
    except RenderRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Pembuatan PDF nota dinas dimulai lagi."))
    return redirect("memos:detail", pk=memo.pk)


def _request_too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > MAX_VERIFY_UPLOAD_BYTES + 64 * 1024  # room for the form's own fields


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public page (no login): is this memo genuine, and is this file the one issued?"""
    memo = verification.memo_by_code(code)
    if memo is None:
        return render(request, "memos/verify_unknown.html", {"code": code[:40]}, status=404)
    result = None
    upload_error = ""
    form = VerifyUploadForm()
    if request.method == "POST" and _request_too_large(request):
        # Refuse before Django reads the body into a temporary file.
        upload_error = _("Berkas terlalu besar. Batas ukuran berkas adalah %(max)s MB.") % {
            "max": MAX_VERIFY_UPLOAD_BYTES // 1024 // 1024
        }
    elif request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            result = verification.verify_file(memo, form.cleaned_data["file"])
    return render(
        request,
        "memos/verify.html",
        {
            "memo": memo,
            "tanggal": tanggal_indonesia(memo.issued_on),
            "issued_files": verification.issued_files(memo),
            "form": form,
            "result": result,
            "upload_error": upload_error,
            "render_done": memo.render_status == RenderStatus.DONE,
        },
    )


def verify_lookup(request: HttpRequest) -> HttpResponse:
    """The code typed by hand from a printout: go to its verification page."""
    code = verification.normalize_code(request.GET.get("kode", ""))
    if not code:
        return render(
            request,
            "memos/verify_unknown.html",
            {"code": request.GET.get("kode", "")[:40]},
            status=404,
        )
    return redirect("memo_verify", code=code)
