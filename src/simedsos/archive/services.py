"""Documentation packages: build, verify, schedule; and the export of a period.

A package is the set of files that documents one finished item, stored under
`archive/<unit code>/<year>/<item id>/` in the default storage, with `manifest.json` listing
every other file with its size and SHA-256. The manifest's own SHA-256 is kept in the database,
so changing, removing or adding any file, the manifest included, is found by `package_verify`.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import logging
import posixpath
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from simedsos.accounts.authz import Action, authorize, visible_unit_ids
from simedsos.accounts.models import User, WorkUnit
from simedsos.archive import search, selectors
from simedsos.archive.models import ArchiveEntry, ArchiveEntryPerson, DocumentationPackage
from simedsos.archive.zips import zip_write
from simedsos.content.models import ContentItem, Review
from simedsos.content.preflight import DraftSnapshot, post_text
from simedsos.content.selectors import timeline_for
from simedsos.core.audit import audit_record
from simedsos.memos.models import MemoKind, RenderStatus

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
STORAGE_ROOT = "archive"
CHUNK = 1024 * 1024
FINISHED_STATUSES = frozenset(
    {
        ContentItem.Status.PUBLISHED,
        ContentItem.Status.PARTIALLY_PUBLISHED,
        ContentItem.Status.NOT_PUBLISHED,
    }
)
MAX_BUILD_ATTEMPTS = 3
RETRY_DELAYS = {1: datetime.timedelta(minutes=1), 2: datetime.timedelta(minutes=10)}
# A build that has shown no progress for this long is taken as lost (a worker died).
STALE_AFTER = datetime.timedelta(minutes=30)
MEMO_FILE_PREFIX = {
    MemoKind.DISPOSITION: "nota-dinas-disposisi",
    MemoKind.UPLOAD_ORDER: "nota-dinas-perintah-pengunggahan",
}
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def tool_version() -> str:
    try:
        return f"SIMEDSOS JDIH {version('simedsos')}"
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "SIMEDSOS JDIH"


class PackageSourceError(Exception):
    """What the package needs is missing or not as recorded (message in Indonesian)."""


class PackageNotReady(PackageSourceError):
    """A memo PDF is still being made; the build is tried again later."""


@dataclass(frozen=True)
class Problem:
    """One way a stored package differs from its manifest."""

    package_id: int
    item_id: int
    path: str
    kind: str  # missing, changed, extra, manifest, failed
    message: str  # in Indonesian, ready to show

    def __str__(self) -> str:
        return self.message


# --- helpers ---------------------------------------------------------------------------------


def _safe_name(name: str, fallback: str = "berkas") -> str:
    base = posixpath.basename((name or "").replace("\\", "/"))
    cleaned = SAFE_NAME.sub("-", base).strip("-.") or fallback
    return cleaned[:120]


def _when(moment: datetime.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _person(user: User | None) -> str:
    return user.get_full_name() if user else ""


def _json(data: Any) -> bytes:
    return (
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    ).encode("utf-8")


def _sha256_of(opened) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: opened.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _stored_digest(name: str) -> tuple[str, int]:
    with default_storage.open(name, "rb") as handle:
        return _sha256_of(handle)


def _source_bytes(field_file, *, expected_sha256: str, what: str) -> bytes:
    """The bytes of a stored source file, refused when missing or not what was recorded."""
    if not field_file:
        raise PackageSourceError(f"Berkas {what} tidak ada.")
    try:
        with field_file.storage.open(field_file.name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError as exc:
        raise PackageSourceError(f"Berkas {what} ({field_file.name}) hilang.") from exc
    if expected_sha256 and hashlib.sha256(data).hexdigest() != expected_sha256:
        raise PackageSourceError(
            f"Berkas {what} ({field_file.name}) tidak sama dengan yang tercatat (SHA-256 "
            "berbeda); paket tidak dibuat agar arsip tidak memuat berkas yang berubah."
        )
    return data


def package_prefix(item: ContentItem) -> str:
    year = timezone.localtime(item.finished_at or item.created_at).year
    return f"{STORAGE_ROOT}/{_safe_name(item.work_unit.code, 'satker')}/{year}/{item.pk}/"


def lead_time_seconds(item: ContentItem, publications) -> int:
    """From disposition to the last publication (or to the close, when nothing went out)."""
    lives = [p.went_live_at for p in publications if p.went_live_at]
    end = max(lives) if lives else item.finished_at
    if end is None:
        return 0
    return max(0, int((end - item.created_at).total_seconds()))


# --- scheduling ------------------------------------------------------------------------------


def _enqueue(item_id: int, *, delay: datetime.timedelta | None = None) -> None:
    from simedsos.archive.tasks import build_package

    task = build_package
    if delay is not None and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(item_id)


def package_schedule(item: ContentItem, *, rebuild: bool = False) -> None:
    """Record that the finished item needs its package and build it in the background once
    the surrounding transaction commits. Call it where the item finishes; `rebuild` when a
    finished item changed afterwards (an account retried alone), so the package follows."""
    if rebuild:
        package, _ = DocumentationPackage.objects.get_or_create(item_id=item.pk)
        if package.status == DocumentationPackage.Status.DONE:
            package.status = DocumentationPackage.Status.PENDING
            package.save(update_fields=["status"])
    else:
        # One INSERT that leaves an existing row alone (the item is unique), no savepoint.
        DocumentationPackage.objects.bulk_create(
            [DocumentationPackage(item_id=item.pk)], ignore_conflicts=True
        )
    item_id = item.pk
    transaction.on_commit(lambda: _enqueue(item_id))


# --- search index ----------------------------------------------------------------------------


def _index_item(item: ContentItem) -> ArchiveEntry:
    """Write the item's archive entry and full-text row (called by the build, not signals)."""
    approved = _approved_revision(item)
    publications = list(item.publications.all())
    body_parts: list[str] = []
    if approved is not None:
        body_parts.append(approved.caption)
        body_parts += [text for _, text in sorted(approved.variants.items())]
        body_parts.append(" ".join(approved.hashtags))
    legal = "\n".join(str(p) for p in item.legal_products.all())
    platforms = sorted({a.platform for a in item.target_accounts.all()})
    entry, _ = ArchiveEntry.objects.update_or_create(
        item=item,
        defaults={
            "work_unit_id": item.work_unit_id,
            "title": item.title,
            "body": "\n".join(part for part in body_parts if part),
            "legal": legal,
            "content_type": item.content_type,
            "status": item.status,
            "opened_at": item.created_at,
            "finished_at": item.finished_at,
            "platforms": f" {' '.join(platforms)} " if platforms else "",
            "return_count": item.return_count,
            "lead_time_seconds": lead_time_seconds(item, publications),
        },
    )
    people = {item.assignee_id, item.created_by_id}
    people |= {run.actor_id for run in item.step_runs.all() if run.actor_id}
    people.discard(None)
    ArchiveEntryPerson.objects.filter(entry=entry).exclude(user_id__in=people).delete()
    have = set(ArchiveEntryPerson.objects.filter(entry=entry).values_list("user_id", flat=True))
    ArchiveEntryPerson.objects.bulk_create(
        [ArchiveEntryPerson(entry=entry, user_id=uid) for uid in sorted(people - have)]
    )
    search.index_entries([entry])
    return entry


# --- package content -------------------------------------------------------------------------


def _approved_revision(item: ContentItem):
    approved = [
        r
        for r in item.revisions.all()
        if getattr(r, "review", None) is not None and r.review.decision == Review.Decision.APPROVE
    ]
    return max(approved, key=lambda r: r.number) if approved else None


def _review_of(revision):
    try:
        return revision.review
    except Review.DoesNotExist:
        return None


def _media_files(item: ContentItem, revision, folder: str) -> tuple[list[dict], list]:
    """The revision's media as listed in its content.json, and the files to store."""
    by_id = {m.pk: m for m in item.media.all()}
    listed, files = [], []
    for entry in sorted(revision.media, key=lambda m: (m.get("position", 0), m.get("media_id"))):
        medium = by_id.get(entry.get("media_id"))
        if medium is None:
            raise PackageSourceError(
                f"Media {entry.get('original_name', entry.get('media_id'))} dari revisi "
                f"{revision.number} tidak ditemukan."
            )
        name = f"{folder}/{medium.position:02d}-{medium.pk}-{_safe_name(medium.original_name)}"
        data = _source_bytes(
            medium.file,
            expected_sha256=entry.get("sha256") or medium.sha256,
            what=f"media {medium.original_name}",
        )
        files.append((name, data))
        listed.append(
            {
                "file": name,
                "original_name": medium.original_name,
                "kind": medium.kind,
                "mime_type": medium.mime_type,
                "alt_text": entry.get("alt_text", medium.alt_text),
                "position": entry.get("position", medium.position),
                "sha256": hashlib.sha256(data).hexdigest(),
                "width": medium.width,
                "height": medium.height,
                "duration_seconds": medium.duration_seconds,
            }
        )
    return listed, files


def _revision_data(revision) -> dict[str, Any]:
    return {
        "revision": revision.number,
        "caption": revision.caption,
        "variants": revision.variants,
        "hashtags": revision.hashtags,
        "links": revision.links,
        "submitted_by": _person(revision.submitted_by),
        "submitted_at": _when(revision.submitted_at),
    }


def _ensure_memos_rendered(item: ContentItem) -> list:
    """The item's memos, each with its PDFs made (rendering here what is still missing)."""
    from simedsos.memos.rendering_service import memo_render

    memos = sorted(item.memos.all(), key=lambda m: (m.created_at, m.pk))
    if not memos:
        raise PackageSourceError("Konten ini tidak memiliki nota dinas.")
    pending = [m for m in memos if m.render_status != RenderStatus.DONE]
    for memo in pending:
        memo_render(memo.pk)
    if pending:
        from simedsos.memos.models import Memo

        memos = list(Memo.objects.filter(pk__in=[m.pk for m in memos]).order_by("created_at", "pk"))
    for memo in memos:
        if memo.render_status == RenderStatus.FAILED:
            raise PackageSourceError(
                f"PDF nota dinas {memo.number} gagal dibuat ({memo.render_error[:200]}); "
                "buat ulang PDF-nya di halaman nota dinas, lalu bangun ulang paket."
            )
        if memo.render_status != RenderStatus.DONE:
            raise PackageNotReady(f"PDF nota dinas {memo.number} masih dibuat.")
    return memos


def _package_files(item: ContentItem) -> list[tuple[str, bytes]]:
    """Every file of the package but the manifest, as (path inside the package, bytes)."""
    files: list[tuple[str, bytes]] = []

    # Both nota dinas (the PDF/A archive copies) and the disposition sheet.
    memos_meta = []
    for memo in _ensure_memos_rendered(item):
        safe_number = _safe_name(memo.number.replace("/", "-"), str(memo.pk))
        name = f"memos/{MEMO_FILE_PREFIX.get(memo.kind, 'nota-dinas')}-{safe_number}.pdf"
        files.append(
            (
                name,
                _source_bytes(
                    memo.archive_pdf,
                    expected_sha256=memo.archive_pdf_sha256,
                    what=f"arsip PDF/A nota dinas {memo.number}",
                ),
            )
        )
        meta = {
            "number": memo.number,
            "kind": memo.kind,
            "kind_label": memo.get_kind_display(),
            "issued_on": memo.issued_on,
            "subject": memo.subject,
            "recipient": memo.recipient,
            "sender": memo.sender,
            "signer_name": memo.signer_name,
            "signer_position": memo.signer_position,
            "verification_code": memo.verification_code,
            "file": name,
            "pdf_sha256": memo.pdf_sha256,
            "archive_pdf_sha256": memo.archive_pdf_sha256,
        }
        if memo.disposition_sheet_pdf:
            sheet = f"memos/lembar-disposisi-{safe_number}.pdf"
            files.append(
                (
                    sheet,
                    _source_bytes(
                        memo.disposition_sheet_pdf,
                        expected_sha256=memo.disposition_sheet_sha256,
                        what=f"lembar disposisi {memo.number}",
                    ),
                )
            )
            meta["disposition_sheet"] = sheet
        memos_meta.append(meta)
    files.append(("memos/memos.json", _json(memos_meta)))

    # The softcopy material handed over with the disposition.
    attachments = []
    for n, attachment in enumerate(sorted(item.attachments.all(), key=lambda a: a.pk), 1):
        name = f"bahan/{n:02d}-{_safe_name(attachment.original_name)}"
        files.append(
            (
                name,
                _source_bytes(
                    attachment.file,
                    expected_sha256=attachment.sha256,
                    what=f"bahan {attachment.original_name}",
                ),
            )
        )
        attachments.append({"file": name, "original_name": attachment.original_name})

    # Every submitted revision with its media, and what the reviewer said about it.
    revisions = sorted(item.revisions.all(), key=lambda r: r.number)
    comments, decisions = [], []
    for revision in revisions:
        folder = f"revisions/rev-{revision.number}"
        media, media_files = _media_files(item, revision, f"{folder}/media")
        files += media_files
        files.append((f"{folder}/content.json", _json(_revision_data(revision) | {"media": media})))
        for comment in revision.comments.all():
            comments.append(
                {
                    "revision": revision.number,
                    "field": comment.field,
                    "text": comment.text,
                    "author": _person(comment.author),
                    "created_at": _when(comment.created_at),
                }
            )
        review = _review_of(revision)
        if review is not None:
            decisions.append(
                {
                    "revision": revision.number,
                    "decision": review.decision,
                    "decision_label": review.get_decision_display(),
                    "reviewer": _person(review.reviewer),
                    "capacity": review.capacity,
                    "comment": review.comment,
                    "decided_at": _when(review.decided_at),
                }
            )
    files.append(("review/comments.json", _json(comments)))
    files.append(("review/decisions.json", _json(decisions)))

    # The approved content, with the text as posted on each target platform.
    approved = _approved_revision(item)
    final = None
    if approved is not None:
        media, media_files = _media_files(item, approved, "final/media")
        files += media_files
        snapshot = DraftSnapshot(
            caption=approved.caption,
            variants=approved.variants,
            hashtags=approved.hashtags,
            links=approved.links,
        )
        platforms = sorted({a.platform for a in item.target_accounts.all()})
        final = _revision_data(approved) | {
            "media": media,
            "posts": {platform: post_text(snapshot, platform) for platform in platforms},
        }
        files.append(("final/content.json", _json(final)))

    # Each publication: link, time, evidence and the platform's raw response when recorded.
    publications = []
    for pub in item.publications.all():
        stem = f"publications/{_safe_name(f'{pub.account.platform.lower()}-{pub.account.handle}')}"
        evidence = None
        if pub.evidence:
            ext = posixpath.splitext(pub.evidence.name)[1].lower()[:10]
            evidence = f"{stem}-bukti{_safe_name(ext, '') if ext else ''}"
            files.append(
                (evidence, _source_bytes(pub.evidence, expected_sha256="", what="bukti unggahan"))
            )
        data = {
            "account": {
                "platform": pub.account.platform,
                "platform_label": pub.account.get_platform_display(),
                "name": pub.account.name,
                "handle": pub.account.handle,
            },
            "status": pub.status,
            "status_label": pub.get_status_display(),
            "method": pub.method,
            "url": pub.url,
            "external_id": pub.external_id,
            "scheduled_for": _when(pub.scheduled_for),
            "went_live_at": _when(pub.went_live_at),
            "reason": pub.reason,
            "recorded_by": _person(pub.recorded_by),
            "recorded_at": _when(pub.recorded_at),
            "evidence": evidence,
            # Recorded by API publishing once the model has it; absent for manual posts.
            "raw_response": getattr(pub, "raw_response", None),
        }
        files.append((f"{stem}.json", _json(data)))
        publications.append(data)

    # The step timeline against the standards of the pinned SOP version.
    timeline = timeline_for(item, now=item.finished_at)
    rows = [
        {
            "step": row.step_number,
            "activity": row.activity,
            "actor": row.actor_name,
            "capacity": row.capacity,
            "arrived_at": _when(row.arrived_at),
            "started_at": _when(row.started_at),
            "finished_at": _when(row.finished_at),
            "waiting_seconds": row.waiting_seconds,
            "working_seconds": row.working_seconds,
            "standard_seconds": row.standard_seconds,
            "breach": row.breach,
            "outcome": row.outcome,
            "outcome_label": row.outcome_label,
            "comment": row.comment,
        }
        for row in timeline
    ]
    files.append(("timeline.json", _json(rows)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    headers = {
        "step": "langkah",
        "activity": "kegiatan",
        "actor": "pelaksana",
        "capacity": "kapasitas",
        "arrived_at": "tiba",
        "started_at": "mulai",
        "finished_at": "selesai",
        "waiting_seconds": "waktu_tunggu_detik",
        "working_seconds": "waktu_kerja_detik",
        "standard_seconds": "mutu_baku_detik",
        "breach": "melampaui_mutu_baku",
        "outcome": "hasil",
        "outcome_label": "keterangan_hasil",
        "comment": "catatan",
    }
    writer.writerow(headers.values())
    for row in rows:
        writer.writerow(
            [
                "ya" if row[k] is True else "tidak" if row[k] is False else row[k] or ""
                for k in headers
            ]
        )
    files.append(("timeline.csv", buffer.getvalue().encode("utf-8")))

    # The item itself, and a page a person can read without any tool.
    item_data = {
        "id": item.pk,
        "title": item.title,
        "instruction": item.instruction,
        "content_type": item.content_type,
        "content_type_label": item.get_content_type_display(),
        "priority": item.priority,
        "status": item.status,
        "status_label": item.get_status_display(),
        "work_unit": {"code": item.work_unit.code, "name": item.work_unit.name},
        "sop_version": {
            "number": item.sop_version.number,
            "revision": item.sop_version.revision,
            "title": item.sop_version.title,
        },
        "opened_at": _when(item.created_at),
        "finished_at": _when(item.finished_at),
        "deadline": _when(item.deadline),
        "return_count": item.return_count,
        "lead_time_seconds": lead_time_seconds(item, item.publications.all()),
        "assignee": _person(item.assignee),
        "disposed_by": _person(item.created_by),
        "legal_products": [
            {"title": p.title, "number": p.number, "url": p.url}
            for p in sorted(item.legal_products.all(), key=lambda p: p.pk)
        ],
        "target_accounts": [
            {"platform": a.platform, "name": a.name, "handle": a.handle}
            for a in item.target_accounts.all()
        ],
        "attachments": attachments,
    }
    files.append(("item.json", _json(item_data)))
    with translation.override("id"):
        html = render_to_string(
            "archive/package_index.html",
            {
                "item": item_data,
                "memos": memos_meta,
                "revisions": [_revision_data(r) for r in revisions],
                "comments": comments,
                "decisions": decisions,
                "final": final,
                "publications": publications,
                "timeline": rows,
                "tool": tool_version(),
            },
        )
    files.append(("index.html", html.encode("utf-8")))
    paths = [path for path, _ in files]
    if len(paths) != len(set(paths)):
        raise PackageSourceError("Dua berkas paket mendapat nama yang sama.")
    return files


# --- storage ---------------------------------------------------------------------------------


def _stored_names(prefix: str) -> Iterator[str]:
    """Every file under a storage prefix, as paths relative to it."""

    def walk(folder: str) -> Iterator[str]:
        try:
            dirs, names = default_storage.listdir(folder)
        except FileNotFoundError:
            return
        for name in names:
            yield posixpath.join(folder, name)
        for sub in dirs:
            yield from walk(posixpath.join(folder, sub))

    root = prefix.rstrip("/")
    for name in walk(root):
        yield name[len(root) + 1 :]


def _store(prefix: str, name: str, data: bytes) -> None:
    full = prefix + name
    if default_storage.exists(full):
        default_storage.delete(full)
    saved = default_storage.save(full, ContentFile(data))
    if saved != full:  # the storage would not keep our name: the manifest would lie
        default_storage.delete(saved)
        raise PackageSourceError(f"Penyimpanan menolak nama berkas {full}.")


def _write_package(item: ContentItem, prefix: str, files: list[tuple[str, bytes]], built_at):
    listed = []
    for name, data in files:
        _store(prefix, name, data)
        sha, size = _stored_digest(prefix + name)
        if sha != hashlib.sha256(data).hexdigest():
            raise PackageSourceError(f"Berkas {name} tersimpan tidak utuh.")
        listed.append({"path": name, "size": size, "sha256": sha})
    keep = {name for name, _ in files} | {MANIFEST}
    for stale in set(_stored_names(prefix)) - keep:  # from an earlier build
        default_storage.delete(prefix + stale)
    manifest = {
        "format": FORMAT_VERSION,
        "tool": tool_version(),
        "built_at": _when(built_at),
        "item": {"id": item.pk, "title": item.title, "status": item.status},
        "work_unit": {"code": item.work_unit.code, "name": item.work_unit.name},
        "files": sorted(listed, key=lambda f: f["path"]),
    }
    data = _json(manifest)
    _store(prefix, MANIFEST, data)
    return hashlib.sha256(data).hexdigest(), len(listed), sum(f["size"] for f in listed)


# --- build -----------------------------------------------------------------------------------


def _is_stale(package: DocumentationPackage) -> bool:
    return timezone.now() - package.updated_at > STALE_AFTER


def package_build(item_id: int, *, force: bool = False) -> str:
    """Build (or rebuild) the documentation package of a finished item; returns its status.

    Idempotent: a package already DONE is left as it is unless `force`, so a duplicate task
    does nothing; a forced rebuild writes the same files (only the manifest's build time
    changes) and removes files no longer part of it. A failure is recorded and tried again
    later, up to MAX_BUILD_ATTEMPTS, then left FAILED for a person to look at.
    """
    with transaction.atomic():
        DocumentationPackage.objects.get_or_create(item_id=item_id)
        package = (
            DocumentationPackage.objects.select_for_update()
            .select_related("item__work_unit")
            .get(item_id=item_id)
        )
        item = package.item
        if item.status not in FINISHED_STATUSES or item.finished_at is None:
            raise ValidationError(
                f"Konten #{item.pk} belum selesai; paket dokumentasi dibuat setelah konten "
                "terunggah atau ditutup tidak diunggah."
            )
        if not force:
            if package.status == DocumentationPackage.Status.DONE:
                return package.status
            if package.status == DocumentationPackage.Status.BUILDING and not _is_stale(package):
                return package.status  # another worker is on it
        package.status = DocumentationPackage.Status.BUILDING
        package.attempts += 1
        package.storage_prefix = package_prefix(item)
        package.save(update_fields=["status", "attempts", "storage_prefix", "updated_at"])
        prefix = package.storage_prefix
        _index_item(selectors.package_source(item_id))

    try:
        source = selectors.package_source(item_id)
        files = _package_files(source)
        built_at = timezone.now()
        manifest_sha, count, total = _write_package(source, prefix, files, built_at)
    except Exception as exc:
        if not isinstance(exc, PackageSourceError):
            logger.exception("Building the package of item %s failed", item_id)
        return _record_failure(package.pk, exc)

    with transaction.atomic():
        package = DocumentationPackage.objects.select_for_update().get(pk=package.pk)
        package.status = DocumentationPackage.Status.DONE
        package.built_at = built_at
        package.manifest_sha256 = manifest_sha
        package.file_count = count
        package.total_bytes = total
        package.error = ""
        package.save()
        audit_record(
            actor=None,
            action="archive.package_build",
            obj=package,
            work_unit=source.work_unit,
            after={
                "item": item_id,
                "manifest_sha256": manifest_sha,
                "files": count,
                "bytes": total,
                "rebuild": force,
            },
        )
    return package.status


def _record_failure(package_id: int, exc: Exception) -> str:
    message = str(exc) if isinstance(exc, PackageSourceError) else f"{type(exc).__name__}: {exc}"
    with transaction.atomic():
        package = DocumentationPackage.objects.select_for_update().get(pk=package_id)
        package.error = message[:2000]
        retry = package.attempts < MAX_BUILD_ATTEMPTS
        package.status = (
            DocumentationPackage.Status.PENDING if retry else DocumentationPackage.Status.FAILED
        )
        package.save(update_fields=["error", "status", "updated_at"])
        attempts, item_id = package.attempts, package.item_id
    if retry:
        transaction.on_commit(
            lambda: _enqueue(item_id, delay=RETRY_DELAYS.get(attempts, RETRY_DELAYS[2]))
        )
    return package.status


# --- verification ----------------------------------------------------------------------------


def package_verify(package: DocumentationPackage) -> list[Problem]:
    """Every way the stored files differ from the manifest: missing, changed or extra files,
    and a manifest that is not the one recorded at build time. Empty when the package is
    intact."""
    item_id = package.item_id
    label = f"Paket dokumentasi konten #{item_id}"
    prefix = package.storage_prefix

    def problem(path: str, kind: str, message: str) -> Problem:
        return Problem(package.pk, item_id, path, kind, f"{label}: {message}")

    if package.status != DocumentationPackage.Status.DONE:
        return [
            problem(
                "",
                "failed",
                f"belum selesai dibuat (status {package.get_status_display()})"
                + (f": {package.error}" if package.error else "."),
            )
        ]
    try:
        with default_storage.open(prefix + MANIFEST, "rb") as handle:
            manifest_bytes = handle.read()
    except FileNotFoundError:
        return [problem(MANIFEST, "missing", f"berkas {MANIFEST} hilang.")]
    problems: list[Problem] = []
    if hashlib.sha256(manifest_bytes).hexdigest() != package.manifest_sha256:
        problems.append(
            problem(
                MANIFEST,
                "manifest",
                f"berkas {MANIFEST} berubah (SHA-256 tidak sama dengan yang dicatat saat paket "
                "dibuat).",
            )
        )
    try:
        listed = {f["path"]: f for f in json.loads(manifest_bytes)["files"]}
    except (ValueError, KeyError, TypeError):
        return [*problems, problem(MANIFEST, "manifest", f"berkas {MANIFEST} tidak terbaca.")]
    for path, expected in sorted(listed.items()):
        try:
            sha, size = _stored_digest(prefix + path)
        except FileNotFoundError:
            problems.append(problem(path, "missing", f"berkas {path} hilang."))
            continue
        if sha != expected.get("sha256") or size != expected.get("size"):
            problems.append(
                problem(
                    path,
                    "changed",
                    f"berkas {path} berubah (SHA-256 tidak sama dengan manifest).",
                )
            )
    for path in sorted(set(_stored_names(prefix)) - set(listed) - {MANIFEST}):
        problems.append(problem(path, "extra", f"berkas {path} tidak tercantum dalam manifest."))
    return problems


def package_files(package: DocumentationPackage) -> list[dict[str, Any]]:
    """The manifest's file list of a built package (path, size, sha256), manifest last."""
    with default_storage.open(package.storage_prefix + MANIFEST, "rb") as handle:
        files = json.loads(handle.read())["files"]
    return [*files, {"path": MANIFEST, "size": None, "sha256": package.manifest_sha256}]


def package_zip_members(package: DocumentationPackage, folder: str):
    """(name in a ZIP, opener) for every stored file of the package, as stored (not rebuilt)."""
    for entry in package_files(package):
        name = package.storage_prefix + entry["path"]
        yield (
            posixpath.join(folder, entry["path"]),
            lambda name=name: default_storage.open(name, "rb"),
        )


@dataclass(frozen=True)
class ArchiveCheck:
    intact: int  # packages whose files all match their manifest
    in_progress: int  # not built yet (pending or building)
    problems: list[Problem]


def archive_check() -> ArchiveCheck:
    """Verify every documentation package (for `simedsos check`)."""
    intact = in_progress = 0
    problems: list[Problem] = []
    for package in DocumentationPackage.objects.order_by("item_id").iterator():
        if package.status in (
            DocumentationPackage.Status.PENDING,
            DocumentationPackage.Status.BUILDING,
        ):
            in_progress += 1
            continue
        found = package_verify(package)
        if found:
            problems += found
        else:
            intact += 1
    return ArchiveCheck(intact=intact, in_progress=in_progress, problems=problems)


# --- period export ---------------------------------------------------------------------------

INDEX_NAME = "indeks.xlsx"
INDEX_HEADERS = [
    "No",
    "ID konten",
    "Judul",
    "Jenis konten",
    "Satuan kerja",
    "Dibuka",
    "Selesai",
    "Waktu tempuh (jam)",
    "Dikembalikan",
    "Status",
    "Platform",
    "Tautan unggahan",
    "Folder paket",
    "Status paket",
    "SHA-256 manifest",
]


def _naive_local(moment: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _index_workbook(rows: list[list[Any]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Indeks arsip"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(INDEX_HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in ("F", "G"):
        for cell in sheet[column][2:]:
            cell.number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def archive_export_period(
    *, actor: User, unit: WorkUnit, start: datetime.date, end: datetime.date
) -> File:
    """One ZIP of the documentation packages of every item of `unit` (and the units below it
    that the actor may see) finished between `start` and `end` (inclusive), plus `indeks.xlsx`
    listing them. Packages not built yet are built first. Returns an open temporary file
    (deleted when closed) named for the period.
    """
    capacity = authorize(actor, Action.CONTENT_VIEW, unit)
    if start > end:
        raise ValidationError({"start": "Tanggal awal periode harus sebelum tanggal akhir."})
    unit_ids = visible_unit_ids(actor, Action.CONTENT_VIEW)
    entries = list(selectors.export_entries(unit, unit_ids, start, end))
    for entry in entries:
        package = getattr(entry.item, "documentation_package", None)
        if package is None or package.status != DocumentationPackage.Status.DONE:
            package_build(entry.item_id)
    if entries:  # reload the packages the builds above changed
        entries = list(selectors.export_entries(unit, unit_ids, start, end))

    rows, members = [], []
    for n, entry in enumerate(entries, 1):
        package = getattr(entry.item, "documentation_package", None)
        done = package is not None and package.status == DocumentationPackage.Status.DONE
        folder = package.storage_prefix[len(STORAGE_ROOT) + 1 :].rstrip("/") if done else ""
        if done:
            members += list(package_zip_members(package, f"paket/{folder}"))
        publications = list(entry.item.publications.all())
        rows.append(
            [
                n,
                entry.item_id,
                entry.title,
                ContentItem(content_type=entry.content_type).get_content_type_display(),
                entry.work_unit.name,
                _naive_local(entry.opened_at),
                _naive_local(entry.finished_at),
                round(entry.lead_time_seconds / 3600, 2),
                entry.return_count,
                ContentItem(status=entry.status).get_status_display(),
                ", ".join(entry.platform_list),
                "\n".join(p.url for p in publications if p.url),
                f"paket/{folder}" if done else "",
                package.get_status_display() if package else "Belum ada",
                package.manifest_sha256 if done else "",
            ]
        )
    title = f"Arsip konten media sosial {unit.name}, selesai {start:%d-%m-%Y} s.d. {end:%d-%m-%Y}"
    members.append((INDEX_NAME, _index_workbook(rows, title)))
    target = tempfile.TemporaryFile()
    zip_write(target, members)
    target.seek(0)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="archive.export",
            obj=unit,
            capacity=capacity,
            work_unit=unit,
            after={"start": start, "end": end, "items": len(entries)},
        )
    name = f"arsip-{_safe_name(unit.code)}-{start:%Y%m%d}-{end:%Y%m%d}.zip"
    return File(target, name=name)
