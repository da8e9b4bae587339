"""The six SOP steps as service calls: every write to a content item goes through here.

Each service is one transaction that locks the item, checks step and actor through the
workflow engine (`simedsos.sop.engine`), records the step run, writes an audit event and
notifies the next actor after commit. Views and the API call these and nothing else.

Refusals raise `django.core.exceptions.ValidationError` (bad input or wrong step; a dict of
field -> message where the fault is in one field) or `AuthorizationError` (not this person's
step); both carry Indonesian messages ready to show. A refused call saves nothing.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import OuterRef, Subquery, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from simedsos.accounts.authz import Action, AuthorizationError, find_capacity
from simedsos.accounts.models import User, WorkUnit
from simedsos.accounts.roles import Role
from simedsos.archive.services import package_schedule
from simedsos.content.models import (
    Attachment,
    ContentItem,
    ContentType,
    Disposition,
    Draft,
    DraftMedia,
    DraftRevision,
    LegalProduct,
    Review,
    ReviewComment,
    StepRun,
    UploadOrder,
)
from simedsos.core.audit import audit_record, recorded_label
from simedsos.memos.models import MemoKind, Sifat
from simedsos.memos.services import memo_fields_default, memo_issue
from simedsos.publishing.models import Publication, SocialAccount
from simedsos.publishing.permalinks import validate_post_url
from simedsos.publishing.platforms.limits import is_account_platform
from simedsos.publishing.services import publications_schedule
from simedsos.sop import engine
from simedsos.sop.models import SopStep, SopVersion

Act = SopStep.SystemAction
DEFAULT_ATTACHMENT_MAX_MB = 25
# Priorities a disposition may carry (the memo's "Rahasia" is not one for public content).
ITEM_PRIORITIES = (Sifat.BIASA, Sifat.SEGERA, Sifat.SANGAT_SEGERA)
MEMO_FIELD_NAMES = (
    "recipient",
    "sender",
    "subject",
    "body",
    "sifat",
    "carbon_copies",
    "attachment_count",
    "external_number",
    "issued_on",
)
SELF_DECISION_MESSAGE = gettext_lazy(
    "Anda tidak dapat menyetujui konsep yang Anda serahkan sendiri."
)
# How far a client clock may run ahead before a "went live" moment counts as future.
CLOCK_SKEW = datetime.timedelta(minutes=1)


@dataclasses.dataclass(frozen=True)
class _SystemCapacity:
    """Who acts when a background job finishes step 6 (no person, no role)."""

    label: str = "Sistem (otomatis)"
    acting_kind: str = ""
    role: str = ""


SYSTEM_CAPACITY = _SystemCapacity()


# --- small helpers ---------------------------------------------------------------------------


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def attachment_max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_MB", DEFAULT_ATTACHMENT_MAX_MB)) * 1024 * 1024


def _upload_problem(upload: UploadedFile) -> str | None:
    """Why an uploaded file cannot be kept, or None."""
    name = upload.name or _("berkas")
    if not upload.size:
        return _("Berkas %(name)s kosong; pilih berkas yang berisi.") % {"name": name}
    limit = attachment_max_bytes()
    if upload.size > limit:
        return _("Berkas %(name)s berukuran %(upload_size).1f MB, melebihi batas %(limit)s MB.") % {
            "name": name,
            "upload_size": upload.size / 1024 / 1024,
            "limit": limit // 1024 // 1024,
        }
    return None


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _published_version(work_unit: WorkUnit) -> SopVersion:
    version = (
        SopVersion.objects.filter(
            sop__work_unit=work_unit,
            status=SopVersion.Status.PUBLISHED,
            steps__action=Act.DISPOSE,
        )
        .order_by("sop_id")
        .first()
    )
    if version is None:
        raise ValidationError(
            _(
                "Belum ada SOP pengelolaan media sosial yang berlaku di "
                "%(work_unit_name)s. Admin perlu menerbitkan versi SOP terlebih dahulu "
                "(menu SOP)."
            )
            % {"work_unit_name": work_unit.name}
        )
    return version


def _clean_links(links: Iterable[str] | None) -> list[str]:
    return [str(link).strip() for link in (links or []) if str(link).strip()]


def _clean_hashtags(hashtags: Iterable[str] | None) -> list[str]:
    seen: list[str] = []
    for tag in hashtags or []:
        value = str(tag).strip().lstrip("#").strip()
        if value and value not in seen:
            seen.append(value)
    return seen


def _clean_variants(variants: dict[str, str] | None) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for platform, text in (variants or {}).items():
        if not is_account_platform(platform):
            raise ValidationError(
                {
                    "variants": _("Platform %(platform)s tidak dikenal untuk varian keterangan.")
                    % {"platform": platform}
                }
            )
        if str(text or "").strip():
            cleaned[platform] = str(text)
    return cleaned


def _link_problems(links: Sequence[str]) -> list[str]:
    validate = URLValidator(schemes=["http", "https"])
    problems = []
    for link in links:
        try:
            validate(link)
        except ValidationError:
            problems.append(
                _("Tautan %(link)s bukan alamat web yang sah (awali dengan https://).")
                % {"link": link}
            )
    return problems


def _latest_revision(item: ContentItem) -> DraftRevision:
    revision = item.revisions.select_related("submitted_by").order_by("-number").first()
    if revision is None:
        raise ValidationError(_("Belum ada konsep yang diserahkan untuk konten ini."))
    return revision


def _step_start(*, actor: User, item: ContentItem, actions: set[str]) -> StepRun:
    with transaction.atomic():
        ctx = engine.enter(item.pk, actor=actor, actions=actions)
        if engine.mark_started(ctx):
            audit_record(
                actor=actor,
                action="content.step_start",
                obj=ctx.item,
                capacity=ctx.capacity,
                work_unit=ctx.item.work_unit,
                after={"step": ctx.step.number, "started_at": ctx.run.started_at},
            )
    return ctx.run


# --- step 1: disposition ---------------------------------------------------------------------


def item_dispose(
    *,
    actor: User,
    work_unit: WorkUnit,
    title: str,
    instruction: str,
    content_type: str,
    priority: str,
    deadline: datetime.datetime | None,
    target_accounts: Iterable[SocialAccount | int],
    assignee: User,
    legal_products: list[dict[str, str]] | None = None,
    attachments: list[UploadedFile] | None = None,
    opened_at: datetime.datetime | None = None,
    memo_fields: dict[str, Any] | None = None,
) -> ContentItem:
    """Step 1: open a content item by disposition, with its nota dinas, and assign it.

    The item pins the unit's published SOP version for life. Step 1's run starts when the
    form was opened (`opened_at`, clamped to the last day) and finishes now; the next step's
    run opens for the assignee. `memo_fields` overrides the memo defaults
    (`memo_fields_default`): recipient, sender, subject, body, sifat, carbon_copies,
    attachment_count, external_number, issued_on.
    """
    version = _published_version(work_unit)
    steps = engine.version_steps(version)
    first = steps[0]
    if first.action != Act.DISPOSE:
        raise ValidationError(
            _("Langkah pertama SOP %(version_number)s bukan disposisi; konten tidak dapat dibuka.")
            % {"version_number": version.number}
        )
    capacity = engine.step_capacity(actor, work_unit, first)

    now = timezone.now()
    errors: dict[str, Any] = {}
    title = (title or "").strip()
    instruction = (instruction or "").strip()
    if not title:
        errors["title"] = _("Judul konten wajib diisi.")
    elif len(title) > 300:
        errors["title"] = _("Judul konten paling banyak 300 karakter.")
    if not instruction:
        errors["instruction"] = _("Petunjuk pembuatan konten wajib diisi.")
    if content_type not in ContentType.values:
        errors["content_type"] = _("Pilih jenis konten.")
    if priority not in ITEM_PRIORITIES:
        errors["priority"] = _("Pilih sifat: Biasa, Segera atau Sangat Segera.")
    deadline = _aware(deadline)
    if deadline is not None and deadline <= now:
        errors["deadline"] = _("Tenggat harus setelah waktu sekarang.")

    wanted_ids = {a.pk if isinstance(a, SocialAccount) else int(a) for a in target_accounts or []}
    accounts = list(
        SocialAccount.objects.filter(pk__in=wanted_ids, work_unit=work_unit, is_active=True)
    )
    if not wanted_ids:
        errors["target_accounts"] = _("Pilih sekurang-kurangnya satu akun tujuan.")
    elif len(accounts) != len(wanted_ids):
        errors["target_accounts"] = _(
            "Ada akun tujuan yang tidak aktif atau bukan milik %(work_unit_name)s."
        ) % {"work_unit_name": work_unit.name}

    if assignee is None or (
        find_capacity(assignee, Action.STEP_ACT, work_unit, roles=frozenset({Role.STAF})) is None
    ):
        errors["assignee"] = _(
            "%(assignee)s bukan staf di %(work_unit_name)s; pilih staf pelaksana "
            "dari satuan kerja ini."
        ) % {"assignee": assignee or _("Pelaksana"), "work_unit_name": work_unit.name}

    products: list[dict[str, str]] = []
    validate_url = URLValidator(schemes=["http", "https"])
    for entry in legal_products or []:
        p_title = str(entry.get("title") or "").strip()
        p_number = str(entry.get("number") or "").strip()
        p_url = str(entry.get("url") or "").strip()
        if not (p_title or p_number or p_url):
            continue
        if not p_title:
            errors["legal_products"] = _("Judul produk hukum wajib diisi.")
            continue
        if p_url:
            try:
                validate_url(p_url)
            except ValidationError:
                errors["legal_products"] = _(
                    "Tautan produk hukum %(p_url)s bukan alamat web yang sah."
                ) % {"p_url": p_url}
                continue
        products.append({"title": p_title[:500], "number": p_number[:200], "url": p_url[:500]})

    files = list(attachments or [])
    problems = [p for p in (_upload_problem(f) for f in files) if p]
    if problems:
        errors["attachments"] = problems
    if errors:
        raise ValidationError(errors)

    started = engine.clamp(opened_at, low=now - datetime.timedelta(days=1), high=now)
    with transaction.atomic():
        item = ContentItem.objects.create(
            work_unit=work_unit,
            sop_version=version,
            title=title,
            instruction=instruction,
            content_type=content_type,
            priority=priority,
            deadline=deadline,
            status=ContentItem.Status.DRAFTING,
            current_step=first,
            assignee=assignee,
            created_by=actor,
        )
        # A new item has no targets yet: added without reading the existing ones first.
        item.target_accounts.add(*accounts)
        if products:
            item.legal_products.add(
                *[
                    LegalProduct.objects.get_or_create(
                        work_unit=work_unit,
                        title=p["title"],
                        number=p["number"],
                        defaults={"url": p["url"]},
                    )[0]
                    for p in products
                ]
            )
        for upload in files:
            Attachment.objects.create(
                item=item,
                file=upload,
                original_name=(upload.name or "berkas")[:255],
                size_bytes=upload.size,
                sha256=_sha256(upload),
                uploaded_by=actor,
            )
        Draft.objects.create(item=item)

        fields = memo_fields_default(
            item, MemoKind.DISPOSITION, capacity, accounts=accounts, attachment_count=len(files)
        )
        fields.update({k: v for k, v in (memo_fields or {}).items() if k in MEMO_FIELD_NAMES})
        memo = memo_issue(
            actor=actor,
            capacity=capacity,
            work_unit=work_unit,
            kind=MemoKind.DISPOSITION,
            issued_on=fields.pop("issued_on", None) or timezone.localdate(now),
            content_item=item,
            **fields,
        )
        Disposition.objects.create(
            item=item, memo=memo, given_by=actor, capacity=recorded_label(capacity)
        )

        # Step 1 starts and finishes here: `advance` writes its run once, already finished.
        run = engine.new_run(item, first, arrived_at=started)
        run.started_at = started
        ctx = engine.StepContext(
            item=item, step=first, run=run, steps=steps, actor=actor, capacity=capacity
        )
        engine.advance(
            ctx,
            outcome=StepRun.Outcome.DONE,
            audit_action="content.dispose",
            finished_at=now,
            audit_after={
                "title": title,
                "assignee": assignee.pk,
                "target_accounts": sorted(a.pk for a in accounts),
                "sop_version": version.pk,
                "memo": memo.number,
                "attachments": len(files),
            },
        )
    return item


# --- step 2: drafting ------------------------------------------------------------------------


def draft_start(*, actor: User, item: ContentItem) -> StepRun:
    """The assignee begins the draft (idempotent: the first call records the start)."""
    return _step_start(actor=actor, item=item, actions={Act.DRAFT})


def draft_save(
    *,
    actor: User,
    item: ContentItem,
    caption: str,
    variants: dict[str, str] | None,
    hashtags: list[str] | None,
    links: list[str] | None,
    base_version: int,
) -> Draft:
    """Autosave the working draft; returns it with its new `version` for the next save.

    `base_version` is the draft version the editor loaded; when someone (another tab) saved
    since, the save is refused with a clear message and nothing stored is touched, so the
    editor can keep the typed text and offer to reload. Links are checked at submission, not
    here, so a half-typed address never blocks an autosave.
    """
    caption = caption or ""
    variants_clean = _clean_variants(variants)
    hashtags_clean = _clean_hashtags(hashtags)
    links_clean = _clean_links(links)
    with transaction.atomic():
        ctx = engine.enter(item.pk, actor=actor, actions={Act.DRAFT})
        draft = Draft.objects.select_related("updated_by").get(item=ctx.item)
        if draft.version != base_version:
            who = draft.updated_by.get_full_name() if draft.updated_by else _("pengguna lain")
            raise ValidationError(
                _(
                    "Konsep ini sudah diubah di tab atau perangkat lain oleh %(who)s pada "
                    "%(draft_updated_at)s, sehingga perubahan Anda belum disimpan. Salin "
                    "teks Anda, muat ulang konsep, lalu tempelkan kembali."
                )
                % {"who": who, "draft_updated_at": engine.format_moment(draft.updated_at)},
                code="stale",
            )
        changes = {
            name: value
            for name, value in (
                ("caption", caption),
                ("variants", variants_clean),
                ("hashtags", hashtags_clean),
                ("links", links_clean),
            )
            if getattr(draft, name) != value
        }
        started = engine.mark_started(ctx)
        if changes:
            for name, value in changes.items():
                setattr(draft, name, value)
            draft.version += 1
            draft.updated_by = actor
            draft.save()
        if changes or started:
            audit_record(
                actor=actor,
                action="content.draft_save",
                obj=ctx.item,
                capacity=ctx.capacity,
                work_unit=ctx.item.work_unit,
                after={"draft_version": draft.version, "fields": sorted(changes)},
            )
    return draft


# --- step 3: submission ----------------------------------------------------------------------


def _blocking_preflight_issues(
    item: ContentItem, draft: Draft, media: Sequence[DraftMedia]
) -> list[str]:
    """Problems that must stop a submission (per-platform preflight, media checks)."""
    from simedsos.content.preflight_service import blocking_messages, snapshot_of

    return blocking_messages(item, snapshot=snapshot_of(draft, media))


def draft_submit(
    *, actor: User, item: ContentItem, opened_at: datetime.datetime | None = None
) -> DraftRevision:
    """Steps 2→3→4: freeze the draft as revision n+1 and hand it to the reviewer.

    Step 2 (drafting) finishes when the submission was opened (`opened_at`, never before the
    draft step began nor after now); step 3 (submission) runs from then to now.
    """
    with transaction.atomic():
        ctx = engine.enter(item.pk, actor=actor, actions={Act.DRAFT, Act.SUBMIT})
        locked = ctx.item
        # With the number of the last revision (read after the lock, like the draft itself).
        draft = Draft.objects.annotate(
            last_revision=Subquery(
                DraftRevision.objects.filter(item=OuterRef("item"))
                .order_by("-number")
                .values("number")[:1]
            )
        ).get(item=locked)
        # Read once: checked by the preflight and frozen into the revision.
        draft_media = list(
            DraftMedia.objects.filter(item=locked, removed=False).order_by("position", "id")
        )
        problems = []
        if not draft.caption.strip():
            problems.append(_("Keterangan utama masih kosong."))
        problems += _link_problems(draft.links)
        problems += _blocking_preflight_issues(locked, draft, draft_media)
        if problems:
            raise ValidationError(problems)

        now = timezone.now()
        opened = engine.clamp(opened_at, low=ctx.run.started_at or ctx.run.arrived_at, high=now)
        media = [
            {
                "media_id": m.pk,
                "alt_text": m.alt_text,
                "position": m.position,
                "kind": m.kind,
                "original_name": m.original_name,
                "sha256": m.sha256,
            }
            for m in draft_media
        ]
        revision = DraftRevision.objects.create(
            item=locked,
            number=(draft.last_revision or 0) + 1,
            caption=draft.caption,
            variants=draft.variants,
            hashtags=draft.hashtags,
            links=draft.links,
            media=media,
            submitted_by=actor,
            submitted_at=now,
        )
        # Drafting and submission finish together: the submission's run and the item are
        # written once.
        with engine.several_steps(ctx):
            if ctx.step.action == Act.DRAFT:
                engine.advance(
                    ctx,
                    outcome=StepRun.Outcome.DONE,
                    audit_action="content.draft_finish",
                    finished_at=opened,
                    audit_after={"revision": revision.number},
                )
            if ctx.step.action == Act.SUBMIT:
                engine.reenter(ctx)
                engine.advance(
                    ctx,
                    outcome=StepRun.Outcome.DONE,
                    audit_action="content.submit",
                    started_at=opened,
                    finished_at=now,
                    audit_after={"revision": revision.number, "draft_version": draft.version},
                )
    return revision


# --- step 4: review --------------------------------------------------------------------------


def _refuse_own(actor: User, revision: DraftRevision, message: str) -> None:
    if revision.submitted_by_id == actor.pk:
        raise AuthorizationError(message)


def review_start(*, actor: User, item: ContentItem) -> StepRun:
    """The reviewer opens the submitted draft (idempotent). The submitter may not review it."""
    with transaction.atomic():
        ctx = engine.enter(item.pk, actor=actor, actions={Act.REVIEW})
        _refuse_own(actor, _latest_revision(ctx.item), SELF_DECISION_MESSAGE)
        if engine.mark_started(ctx):
            audit_record(
                actor=actor,
                action="content.step_start",
                obj=ctx.item,
                capacity=ctx.capacity,
                work_unit=ctx.item.work_unit,
                after={"step": ctx.step.number, "started_at": ctx.run.started_at},
            )
    return ctx.run


def review_comment_add(
    *, actor: User, revision: DraftRevision, field: str = "", text: str
) -> ReviewComment:
    """A correction note on the revision under review, optionally on one part of it.

    `field` names the part: "caption", "variant:<PLATFORM>", "hashtags", "links",
    "media:<id>" or "" for the whole draft.
    """
    text = (text or "").strip()
    field = (field or "").strip()
    with transaction.atomic():
        ctx = engine.enter(revision.item_id, actor=actor, actions={Act.REVIEW})
        latest = _latest_revision(ctx.item)
        if latest.pk != revision.pk:
            raise ValidationError(
                _(
                    "Revisi %(revision_number)s sudah tidak diperiksa; yang diperiksa "
                    "sekarang revisi %(latest_number)s."
                )
                % {"revision_number": revision.number, "latest_number": latest.number}
            )
        _refuse_own(
            actor, latest, _("Anda tidak dapat memeriksa konsep yang Anda serahkan sendiri.")
        )
        if not text:
            raise ValidationError({"text": _("Catatan koreksi wajib diisi.")})
        if len(field) > 60:
            raise ValidationError({"field": _("Nama bagian yang dikomentari terlalu panjang.")})
        engine.mark_started(ctx)
        comment = ReviewComment.objects.create(
            revision=latest, author=actor, field=field, text=text
        )
        audit_record(
            actor=actor,
            action="content.review_comment",
            obj=ctx.item,
            capacity=ctx.capacity,
            work_unit=ctx.item.work_unit,
            after={"revision": latest.number, "field": field, "text": text},
        )
    return comment


def _review_decide(*, actor: User, item: ContentItem, decision: str, comment: str) -> Review:
    comment = (comment or "").strip()
    with transaction.atomic():
        ctx = engine.enter(item.pk, actor=actor, actions={Act.REVIEW})
        revision = _latest_revision(ctx.item)
        _refuse_own(actor, revision, SELF_DECISION_MESSAGE)
        if decision == Review.Decision.RETURN:
            if not comment:
                raise ValidationError(
                    {"comment": _("Catatan perbaikan wajib diisi saat mengembalikan konsep.")}
                )
            if ctx.step.return_to_number is None:
                raise ValidationError(
                    _(
                        "Langkah %(step_number)s pada versi SOP ini tidak dapat mengembalikan "
                        "konsep."
                    )
                    % {"step_number": ctx.step.number}
                )
        review = Review.objects.create(
            revision=revision,
            reviewer=actor,
            capacity=recorded_label(ctx.capacity),
            decision=decision,
            comment=comment,
            decided_at=timezone.now(),
        )
        after = {"revision": revision.number, "decision": decision}
        if decision == Review.Decision.RETURN:
            ctx.item.return_count += 1
            engine.advance(
                ctx,
                outcome=StepRun.Outcome.RETURNED,
                audit_action="content.review_return",
                comment=comment,
                to_number=ctx.step.return_to_number,
                item_fields=["return_count"],
                audit_after=after,
            )
        else:
            engine.advance(
                ctx,
                outcome=StepRun.Outcome.APPROVED,
                audit_action="content.review_approve",
                comment=comment,
                audit_after=after,
            )
    return review


def review_approve(*, actor: User, item: ContentItem, comment: str = "") -> Review:
    """Step 4: approve the revision under review; the item goes on to the upload order."""
    return _review_decide(actor=actor, item=item, decision=Review.Decision.APPROVE, comment=comment)


def review_return(*, actor: User, item: ContentItem, comment: str) -> Review:
    """Step 4: return the revision with a required comment; the item goes back to drafting
    (the step the SOP's decision names) and `return_count` grows by one."""
    return _review_decide(actor=actor, item=item, decision=Review.Decision.RETURN, comment=comment)


# --- step 5: upload order --------------------------------------------------------------------


def upload_order_issue(
    *,
    actor: User,
    item: ContentItem,
    publish_at: datetime.datetime | None = None,
    opened_at: datetime.datetime | None = None,
    memo_fields: dict[str, Any] | None = None,
) -> UploadOrder:
    """Step 5: order the upload, with its nota dinas and an optional publishing time.

    Creates one pending, manual `Publication` per target account (scheduled for
    `publish_at`) and opens step 6 for the assignee.
    """
    publish_at = _aware(publish_at)
    with transaction.atomic():
        ctx = engine.enter(item.pk, actor=actor, actions={Act.ORDER_UPLOAD})
        locked = ctx.item
        now = timezone.now()
        if publish_at is not None and publish_at < now - CLOCK_SKEW:
            raise ValidationError(
                {
                    "publish_at": _(
                        "Jadwal unggah sudah lewat; isi waktu yang akan datang atau kosongkan "
                        "agar segera diunggah."
                    )
                }
            )
        started = engine.clamp(opened_at, low=ctx.run.arrived_at, high=now)
        # Loaded once for the memo text and the publications.
        prefetch_related_objects([locked], "target_accounts")
        fields = memo_fields_default(locked, MemoKind.UPLOAD_ORDER, ctx.capacity)
        if publish_at is not None:
            fields["body"] = fields["body"].replace(
                "\n\nDemikian",
                f" Konten dijadwalkan tayang pada {engine.format_moment(publish_at)}.\n\nDemikian",
            )
        fields.update({k: v for k, v in (memo_fields or {}).items() if k in MEMO_FIELD_NAMES})
        memo = memo_issue(
            actor=actor,
            capacity=ctx.capacity,
            work_unit=locked.work_unit,
            kind=MemoKind.UPLOAD_ORDER,
            issued_on=fields.pop("issued_on", None) or timezone.localdate(now),
            content_item=locked,
            **fields,
        )
        order = UploadOrder.objects.create(
            item=locked,
            memo=memo,
            ordered_by=actor,
            capacity=recorded_label(ctx.capacity),
            publish_at=publish_at,
        )
        # Connected accounts become API jobs run by the background worker.
        publications_schedule(
            publications=[
                Publication(
                    item=locked,
                    account=account,
                    status=Publication.Status.PENDING,
                    method=Publication.Method.MANUAL,
                    scheduled_for=publish_at,
                )
                for account in locked.target_accounts.all()
            ]
        )
        engine.advance(
            ctx,
            outcome=StepRun.Outcome.DONE,
            audit_action="content.upload_order",
            started_at=started,
            finished_at=now,
            audit_after={"memo": memo.number, "publish_at": publish_at},
        )
    return order


# --- step 6: publication ---------------------------------------------------------------------


def publication_start(*, actor: User, item: ContentItem) -> StepRun:
    """The assignee begins uploading (idempotent)."""
    return _step_start(actor=actor, item=item, actions={Act.PUBLISH})


def _pending_publication(
    ctx: engine.StepContext, publication: Publication
) -> tuple[Publication, list[Publication]]:
    """The publication to record, with all of the item's publications (itself included), read
    together under the item lock: whether step 6 finishes is decided from them."""
    publications = list(
        Publication.objects.select_related("account", "recorded_by").filter(item=ctx.item)
    )
    pub = next((p for p in publications if p.pk == publication.pk), None)
    if pub is None:
        raise ValidationError(_("Publikasi ini bukan milik konten tersebut."))
    pub.item = ctx.item  # the locked item (the audit event names it): not read again
    if pub.status != Publication.Status.PENDING:
        who = pub.recorded_by.get_full_name() if pub.recorded_by else _("sistem")
        when = engine.format_moment(pub.recorded_at) if pub.recorded_at else "-"
        raise ValidationError(
            _(
                "Unggahan ke %(pub_account)s sudah dicatat (%(pub_status_display)s) "
                "oleh %(who)s pada %(when)s."
            )
            % {
                "pub_account": pub.account,
                "pub_status_display": pub.get_status_display(),
                "who": who,
                "when": when,
            }
        )
    return pub, publications


def _finish_if_complete(
    ctx: engine.StepContext,
    audit_extra: dict | None = None,
    publications: list[Publication] | None = None,
) -> None:
    """Finish step 6 once no publication is open; `publications` are the item's, when the
    caller has them (read under the item lock, with its own change applied)."""
    if publications is None:
        statuses = list(Publication.objects.filter(item=ctx.item).values_list("status", flat=True))
    else:
        statuses = [p.status for p in publications]
    # Background jobs (scheduled, retrying, waiting for a person) are still open too.
    if not statuses or any(s in Publication.OPEN_STATUSES for s in statuses):
        return
    published = statuses.count(Publication.Status.PUBLISHED)
    if published == len(statuses):
        final = ContentItem.Status.PUBLISHED
    elif published:
        final = ContentItem.Status.PARTIALLY_PUBLISHED
    else:
        final = ContentItem.Status.NOT_PUBLISHED
    engine.advance(
        ctx,
        outcome=StepRun.Outcome.DONE if published else StepRun.Outcome.NOT_PUBLISHED,
        audit_action="content.publish_complete",
        final_status=final,
        audit_after={"published": published, "targets": len(statuses), **(audit_extra or {})},
    )
    # The item is finished: its documentation package is assembled in the background.
    package_schedule(ctx.item)


def publication_jobs_settle(*, item_id: int, responsible: User | None) -> None:
    """For the publishing jobs (publishing/jobs.py): finish step 6 the way `publication_record`
    does once every target is settled, with the system as the step run's actor and
    `responsible` (the officer the upload order is for) named in the audit event. An item
    already finished (e.g. partially published, then one account retried alone) gets its
    final status recomputed. Call inside `transaction.atomic()`."""
    item = engine.lock_item(item_id)
    extra = {"responsible": responsible.get_full_name() if responsible else ""}
    if item.current_step is not None and item.current_step.action == Act.PUBLISH:
        run = StepRun.objects.get(item=item, finished_at__isnull=True)
        ctx = engine.StepContext(
            item=item, step=item.current_step, run=run, actor=None, capacity=SYSTEM_CAPACITY
        )
        _finish_if_complete(ctx, audit_extra=extra)
        return
    final = (ContentItem.Status.PUBLISHED, ContentItem.Status.PARTIALLY_PUBLISHED)
    if item.current_step is not None or item.status not in (*final, "NOT_PUBLISHED"):
        return
    statuses = list(Publication.objects.filter(item=item).values_list("status", flat=True))
    if any(s in Publication.OPEN_STATUSES for s in statuses):
        return
    published = statuses.count(Publication.Status.PUBLISHED)
    if not published:
        return
    status = final[0] if published == len(statuses) else final[1]
    if status == item.status:
        return
    before = {"status": item.status}
    item.status = status
    item.save(update_fields=["status"])
    audit_record(
        actor=None,
        action="content.publish_status_update",
        obj=item,
        capacity=SYSTEM_CAPACITY.label,
        work_unit=item.work_unit,
        before=before,
        after={"status": status, "published": published, "targets": len(statuses), **extra},
    )
    package_schedule(item, rebuild=True)


def _audit_publication(ctx: engine.StepContext, pub: Publication) -> None:
    audit_record(
        actor=ctx.actor,
        action="publication.record",
        obj=pub,
        capacity=ctx.capacity,
        work_unit=ctx.item.work_unit,
        before={"status": Publication.Status.PENDING},
        after={
            "status": pub.status,
            "url": pub.url,
            "went_live_at": pub.went_live_at,
            "reason": pub.reason,
            "evidence": pub.evidence.name if pub.evidence else "",
        },
    )


def publication_record(
    *,
    actor: User,
    publication: Publication,
    url: str,
    went_live_at: datetime.datetime | None,
    evidence: UploadedFile | None = None,
) -> Publication:
    """Step 6: record that the post is live on one account (its URL, time, evidence).

    The URL must be an https address on the account's platform; the time not in the future
    nor before the item was opened. When every target is recorded, step 6 finishes and the
    item becomes PUBLISHED / PARTIALLY_PUBLISHED / NOT_PUBLISHED.
    """
    went_live_at = _aware(went_live_at)
    with transaction.atomic():
        ctx = engine.enter(publication.item_id, actor=actor, actions={Act.PUBLISH})
        pub, publications = _pending_publication(ctx, publication)
        errors: dict[str, str] = {}
        try:
            clean_url = validate_post_url(pub.account.platform, url)
        except ValidationError as exc:
            errors["url"] = exc.messages[0]
        now = timezone.now()
        if went_live_at is None:
            errors["went_live_at"] = _("Waktu tayang wajib diisi.")
        elif went_live_at > now + CLOCK_SKEW:
            errors["went_live_at"] = _("Waktu tayang tidak boleh di masa depan.")
        elif went_live_at < ctx.item.created_at:
            errors["went_live_at"] = _(
                "Waktu tayang tidak boleh sebelum konten didisposisikan (%(item_created_at)s)."
            ) % {"item_created_at": engine.format_moment(ctx.item.created_at)}
        if evidence is not None:
            problem = _upload_problem(evidence)
            if problem:
                errors["evidence"] = problem
        if errors:
            raise ValidationError(errors)
        engine.mark_started(ctx)
        pub.status = Publication.Status.PUBLISHED
        pub.url = clean_url
        pub.went_live_at = went_live_at
        if evidence is not None:
            pub.evidence = evidence
        pub.recorded_by = actor
        pub.recorded_at = now
        pub.save()
        _audit_publication(ctx, pub)
        _finish_if_complete(ctx, publications=publications)
    return pub


def publication_mark_not_published(
    *, actor: User, publication: Publication, reason: str
) -> Publication:
    """Step 6: record that the content will not go out on this account, and why."""
    reason = (reason or "").strip()
    with transaction.atomic():
        ctx = engine.enter(publication.item_id, actor=actor, actions={Act.PUBLISH})
        pub, publications = _pending_publication(ctx, publication)
        if not reason:
            raise ValidationError({"reason": _("Alasan tidak diunggah wajib diisi.")})
        engine.mark_started(ctx)
        pub.status = Publication.Status.NOT_PUBLISHED
        pub.reason = reason
        pub.recorded_by = actor
        pub.recorded_at = timezone.now()
        pub.save()
        _audit_publication(ctx, pub)
        _finish_if_complete(ctx, publications=publications)
    return pub
