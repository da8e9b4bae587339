"""Writes to the media of a working draft: add (checked by content), describe, reorder, remove.

Only the item's assignee, while the item is at the drafting step, may change its media; the
workflow engine checks both. A removed medium stays stored because a frozen revision may
still show it.
"""

from __future__ import annotations

import hashlib
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from simedsos.accounts.models import User
from simedsos.content.media_checks import inspect_upload
from simedsos.content.models import ContentItem, DraftMedia
from simedsos.content.preflight import MediaKind
from simedsos.core.audit import audit_record
from simedsos.publishing.platforms.limits import GIF, JPEG, MOV, MP4, PNG, WEBP
from simedsos.sop import engine
from simedsos.sop.models import SopStep

Act = SopStep.SystemAction
ALT_TEXT_MAX = 1000
# Stored names come from what the file is, never from what the uploader called it.
EXTENSIONS = {JPEG: "jpg", PNG: "png", WEBP: "webp", GIF: "gif", MP4: "mp4", MOV: "mov"}


def _sha256(file: IO[bytes]) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    chunks = file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(1 << 20), b"")
    for chunk in chunks:
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _audit(ctx: engine.StepContext, action: str, media: DraftMedia, **after) -> None:
    audit_record(
        actor=ctx.actor,
        action=action,
        obj=ctx.item,
        capacity=ctx.capacity,
        work_unit=ctx.item.work_unit,
        after={"media_id": media.pk, "original_name": media.original_name, **after},
    )


def _own_media(ctx: engine.StepContext, media: DraftMedia) -> DraftMedia:
    current = DraftMedia.objects.filter(pk=media.pk, item=ctx.item, removed=False).first()
    if current is None:
        raise ValidationError(_("Media ini sudah dihapus atau bukan milik konsep ini."))
    return current


def _renumber(item: ContentItem, ordered: list[DraftMedia]) -> None:
    for index, medium in enumerate(ordered):
        medium.position = index
    DraftMedia.objects.bulk_update(ordered, ["position"])


def media_add(*, actor: User, item: ContentItem, upload: IO[bytes]) -> DraftMedia:
    """Check an uploaded image or video by its content, store it and append it to the draft.

    Raises `MediaRejected` (a ValidationError with an Indonesian message naming the file and
    what to do) for a wrong type, an oversize or corrupt file or too many pixels; nothing is
    stored then.
    """
    # Check the right to act first (cheap), so nobody else gets files parsed on our server.
    engine.check(item.pk, actor=actor, actions={Act.DRAFT})
    # Parsing and hashing a large video happen outside the item lock.
    info = inspect_upload(upload)
    sha = _sha256(upload)
    name = f"media/{item.pk}/{sha[:32]}.{EXTENSIONS.get(info.mime, 'bin')}"
    stored = default_storage.save(name, upload)
    try:
        with transaction.atomic():
            ctx = engine.enter(item.pk, actor=actor, actions={Act.DRAFT})
            last = (
                DraftMedia.objects.filter(item=ctx.item, removed=False)
                .order_by("-position")
                .values_list("position", flat=True)
                .first()
            )
            media = DraftMedia.objects.create(
                item=ctx.item,
                file=stored,
                original_name=(getattr(upload, "name", "") or "berkas")[:255],
                kind=DraftMedia.Kind.VIDEO
                if info.kind == MediaKind.VIDEO
                else DraftMedia.Kind.IMAGE,
                mime_type=info.mime,
                size_bytes=info.bytes,
                width=info.width,
                height=info.height,
                duration_seconds=info.duration_seconds,
                sha256=sha,
                position=0 if last is None else last + 1,
                uploaded_by=actor,
            )
            engine.mark_started(ctx)
            _audit(
                ctx,
                "content.media_add",
                media,
                kind=media.kind,
                mime_type=media.mime_type,
                size_bytes=media.size_bytes,
                sha256=sha,
            )
    except Exception:
        default_storage.delete(stored)
        raise
    return media


def media_update(
    *, actor: User, media: DraftMedia, alt_text: str | None = None, position: int | None = None
) -> DraftMedia:
    """Set a medium's alt text and/or move it to `position` (0 = first) among the draft's media.

    `None` leaves that part unchanged.
    """
    with transaction.atomic():
        ctx = engine.enter(media.item_id, actor=actor, actions={Act.DRAFT})
        current = _own_media(ctx, media)
        before = {"alt_text": current.alt_text, "position": current.position}
        if alt_text is not None:
            alt_text = alt_text.strip()
            if len(alt_text) > ALT_TEXT_MAX:
                raise ValidationError(
                    {
                        "alt_text": _(
                            "Teks alternatif paling banyak %(limit)s karakter (sekarang %(count)s)."
                        )
                        % {
                            "limit": f"{ALT_TEXT_MAX:,}".replace(",", "."),
                            "count": f"{len(alt_text):,}".replace(",", "."),
                        }
                    }
                )
            current.alt_text = alt_text
            current.save(update_fields=["alt_text"])
        if position is not None:
            if position < 0:
                raise ValidationError({"position": _("Urutan tidak boleh negatif.")})
            others = [
                m
                for m in DraftMedia.objects.filter(item=ctx.item, removed=False).order_by(
                    "position", "id"
                )
                if m.pk != current.pk
            ]
            others.insert(min(position, len(others)), current)
            _renumber(ctx.item, others)
        engine.mark_started(ctx)
        after = {"alt_text": current.alt_text, "position": current.position}
        if after != before:
            audit_record(
                actor=actor,
                action="content.media_update",
                obj=ctx.item,
                capacity=ctx.capacity,
                work_unit=ctx.item.work_unit,
                before={"media_id": current.pk, **before},
                after={"media_id": current.pk, **after},
            )
    return current


def media_remove(*, actor: User, media: DraftMedia) -> DraftMedia:
    """Take a medium out of the working draft. Its file stays for the revisions that show it."""
    with transaction.atomic():
        ctx = engine.enter(media.item_id, actor=actor, actions={Act.DRAFT})
        current = _own_media(ctx, media)
        current.removed = True
        current.save(update_fields=["removed"])
        _renumber(
            ctx.item,
            list(
                DraftMedia.objects.filter(item=ctx.item, removed=False).order_by("position", "id")
            ),
        )
        engine.mark_started(ctx)
        _audit(ctx, "content.media_remove", current)
    return current
