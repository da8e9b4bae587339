"""Writes around a memo's PDFs: render and store them, retry on failure, re-render on request.

Kept apart from services.py (issuing and numbering) so each module has one job. The issuing
code calls `memo_render_enqueue(memo)` inside its transaction; rendering starts after commit.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from simedsos.accounts.authz import Action, authorize, find_capacity
from simedsos.accounts.models import User
from simedsos.core.audit import audit_record
from simedsos.memos import rendering
from simedsos.memos.models import Memo, MemoKind, RenderStatus

logger = logging.getLogger(__name__)

MAX_RENDER_ATTEMPTS = 3
# Delay before attempt n+1 (n = attempts so far): a short wait, then a longer one.
RETRY_DELAYS = {1: datetime.timedelta(seconds=30), 2: datetime.timedelta(minutes=5)}
# A render that has shown no progress for this long is taken as lost (a worker died).
STALE_AFTER = datetime.timedelta(minutes=15)


class RenderRefused(Exception):
    """A re-render was asked for a memo whose PDFs are fine or still being made."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _enqueue(memo_id: int, *, delay: datetime.timedelta | None = None) -> None:
    from simedsos.memos.tasks import render_memo

    task = render_memo
    if delay is not None and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(memo_id)


def memo_render_enqueue(memo: Memo) -> None:
    """Render the memo's PDFs in the background once the surrounding transaction commits."""
    memo_id = memo.pk
    transaction.on_commit(lambda: _enqueue(memo_id))


def _is_stale(memo: Memo) -> bool:
    return memo.render_updated_at is None or timezone.now() - memo.render_updated_at > STALE_AFTER


def memo_render(memo_id: int) -> str:
    """Render and store the memo's PDF, its PDF/A archive copy and (for a disposition) the
    lembar disposisi, with their SHA-256. Returns the resulting render status.

    Idempotent: a memo already DONE is left alone, so a duplicate task does nothing. A failure
    is recorded and retried later, up to MAX_RENDER_ATTEMPTS, then left FAILED for a person.
    """
    with transaction.atomic():
        memo = Memo.objects.select_for_update().get(pk=memo_id)
        if memo.render_status == RenderStatus.DONE:
            return memo.render_status
        if memo.render_status == RenderStatus.RENDERING and not _is_stale(memo):
            return memo.render_status  # another worker is on it
        memo.render_status = RenderStatus.RENDERING
        memo.render_attempts += 1
        memo.render_updated_at = timezone.now()
        memo.save(update_fields=["render_status", "render_attempts", "render_updated_at"])

    memo = Memo.objects.select_related("work_unit", "content_item").get(pk=memo_id)
    try:
        pdf = rendering.render_memo_pdf(memo)
        archive = rendering.render_memo_archive_pdf(memo)
        sheet = (
            rendering.render_disposition_sheet_pdf(memo)
            if memo.kind == MemoKind.DISPOSITION
            else None
        )
    except Exception as exc:
        logger.exception("Rendering memo %s failed (attempt %s)", memo_id, memo.render_attempts)
        return _record_failure(memo_id, exc)

    code = memo.verification_code
    stored = {
        "pdf": (pdf, f"nota-dinas-{code}.pdf"),
        "archive_pdf": (archive, f"nota-dinas-{code}-arsip-pdfa.pdf"),
    }
    if sheet is not None:
        stored["disposition_sheet_pdf"] = (sheet, f"lembar-disposisi-{code}.pdf")
    with transaction.atomic():
        memo = Memo.objects.select_for_update().get(pk=memo_id)
        for field, (data, name) in stored.items():
            getattr(memo, field).save(name, ContentFile(data), save=False)
        memo.pdf_sha256 = sha256_hex(pdf)
        memo.archive_pdf_sha256 = sha256_hex(archive)
        memo.disposition_sheet_sha256 = sha256_hex(sheet) if sheet is not None else ""
        memo.render_status = RenderStatus.DONE
        memo.render_error = ""
        memo.rendered_at = memo.render_updated_at = timezone.now()
        memo.save()
    return memo.render_status


def _record_failure(memo_id: int, exc: Exception) -> str:
    message = f"{type(exc).__name__}: {exc}"[:2000]
    with transaction.atomic():
        memo = Memo.objects.select_for_update().get(pk=memo_id)
        memo.render_error = message
        memo.render_updated_at = timezone.now()
        retry = memo.render_attempts < MAX_RENDER_ATTEMPTS
        memo.render_status = RenderStatus.PENDING if retry else RenderStatus.FAILED
        memo.save(update_fields=["render_error", "render_updated_at", "render_status"])
        attempts = memo.render_attempts
    if retry:
        _enqueue(memo_id, delay=RETRY_DELAYS.get(attempts, datetime.timedelta(minutes=5)))
    return memo.render_status


def memo_can_rerender(user: User, memo: Memo) -> bool:
    """Whether to offer "Coba lagi": to the issuer or a unit admin, when the render failed
    or got lost."""
    if memo.render_status == RenderStatus.DONE:
        return False
    if memo.render_status != RenderStatus.FAILED and not _is_stale(memo):
        return False
    if memo.issued_by_id == user.pk:
        return True
    return find_capacity(user, Action.MEMO_RERENDER, memo.work_unit) is not None


def memo_rerender(*, actor: User, memo_id: int) -> Memo:
    """Start the PDFs of a memo again after a failure: attempts restart from zero."""
    with transaction.atomic():
        memo = Memo.objects.select_for_update().select_related("work_unit").get(pk=memo_id)
        capacity = None
        if memo.issued_by_id != actor.pk:
            capacity = authorize(actor, Action.MEMO_RERENDER, memo.work_unit)
        if memo.render_status == RenderStatus.DONE:
            raise RenderRefused(_("PDF nota dinas ini sudah selesai dibuat."))
        if memo.render_status != RenderStatus.FAILED and not _is_stale(memo):
            raise RenderRefused(_("PDF nota dinas ini sedang dibuat; tunggu sebentar."))
        before = {"render_status": memo.render_status, "render_attempts": memo.render_attempts}
        memo.render_status = RenderStatus.PENDING
        memo.render_attempts = 0
        memo.render_updated_at = timezone.now()
        memo.save(update_fields=["render_status", "render_attempts", "render_updated_at"])
        audit_record(
            actor=actor,
            action="memo.rerender",
            obj=memo,
            capacity=capacity,
            work_unit=memo.work_unit,
            before=before,
            after={"render_status": memo.render_status, "render_attempts": 0},
        )
        memo_render_enqueue(memo)
    return memo
