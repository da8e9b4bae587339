"""Issuing nota dinas: running numbers per unit and year, signer from the capacity.

A memo is immutable once issued: this module has no update or delete service, and the other
services only ever create memos through `memo_issue`.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from simedsos.accounts.authz import Capacity
from simedsos.accounts.models import User, WorkUnit
from simedsos.accounts.roles import Role
from simedsos.core.audit import audit_record
from simedsos.memos.models import Memo, MemoKind, MemoSequence, Sifat
from simedsos.memos.rendering_service import memo_render_enqueue

if TYPE_CHECKING:
    from simedsos.content.models import ContentItem
    from simedsos.publishing.models import SocialAccount

DEFAULT_CLASS_CODE = "HK.04"
DEFAULT_TYPE_CODE = "ND"
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
PLACEHOLDERS = ("seq", "class_code", "type_code", "unit_code", "month_roman", "year")


def memo_number_format(
    template: str, *, seq: int, work_unit: WorkUnit, issued_on: datetime.date
) -> str:
    """Fill a unit's number template; a broken template gets a clear message."""
    values = {
        "seq": seq,
        "class_code": getattr(settings, "MEMO_CLASS_CODE", DEFAULT_CLASS_CODE),
        "type_code": DEFAULT_TYPE_CODE,
        "unit_code": work_unit.code,
        "month_roman": ROMAN_MONTHS[issued_on.month - 1],
        "year": issued_on.year,
    }
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError) as exc:
        allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        raise ValidationError(
            _(
                "Templat nomor nota dinas %(work_unit_name)s (%(template)r) tidak "
                "dapat dipakai. Gunakan hanya %(allowed)s. Admin dapat memperbaikinya "
                "pada data satuan kerja."
            )
            % {"work_unit_name": work_unit.name, "template": template, "allowed": allowed}
        ) from exc


def _next_sequence(work_unit: WorkUnit, register: str, year: int) -> MemoSequence:
    """The register's counter row, locked for this transaction (created once, race-safe)."""
    lookup = {"work_unit": work_unit, "kind": register, "year": year}
    row = MemoSequence.objects.select_for_update().filter(**lookup).first()
    if row is None:
        try:
            # A savepoint: when another transaction created the row first, the unique
            # constraint refuses ours and we lock theirs instead.
            with transaction.atomic():
                MemoSequence.objects.create(**lookup, last_number=0)
        except IntegrityError:
            pass
        row = MemoSequence.objects.select_for_update().get(**lookup)
    return row


def _position_of(capacity: Capacity) -> str:
    if capacity.acting_kind or not capacity.user.jabatan:
        # Printed on the memo, so in Indonesian even when the signer reads English pages.
        with translation.override(settings.LANGUAGE_CODE):
            return f"{Role(capacity.role).label} {capacity.work_unit.name}"
    return capacity.user.jabatan


def memo_issue(
    *,
    actor: User,
    capacity: Capacity,
    work_unit: WorkUnit,
    kind: str,
    issued_on: datetime.date,
    recipient: str,
    sender: str,
    subject: str,
    body: str,
    sifat: str = Sifat.BIASA,
    carbon_copies: list[str] | None = None,
    attachment_count: int = 0,
    content_item: ContentItem | None = None,
    external_number: str | None = None,
) -> Memo:
    """Issue a nota dinas, numbered from the unit's register, or with a number given outside.

    The running number comes from a locked per-unit, per-year counter in the same
    transaction as the memo, so numbers are unique and gap-free (a rolled-back issue gives
    its number back). An external number (e.g. from SRIKANDI) is checked for duplicates.
    """
    errors: dict[str, str] = {}
    if kind not in MemoKind.values:
        errors["kind"] = _("Jenis nota dinas tidak dikenal.")
    for name, value, label in (
        ("recipient", recipient, _("Yth. (penerima)")),
        ("sender", sender, _("Dari")),
        ("subject", subject, _("Hal")),
        ("body", body, _("Isi")),
    ):
        if not (value or "").strip():
            errors[name] = _("%(label)s nota dinas wajib diisi.") % {"label": label}
    if sifat not in Sifat.values:
        errors["sifat"] = _("Sifat nota dinas tidak dikenal.")
    if attachment_count < 0:
        errors["attachment_count"] = _("Jumlah lampiran tidak boleh negatif.")
    external = (external_number or "").strip()
    if len(external) > 120:
        errors["external_number"] = _("Nomor nota dinas paling banyak 120 karakter.")
    if errors:
        raise ValidationError(errors)
    template = work_unit.memo_number_template
    if not external:
        # A template that cannot be filled is refused before anything is locked or written.
        memo_number_format(template, seq=1, work_unit=work_unit, issued_on=issued_on)

    # Within a service's transaction the register needs no savepoint of its own: nothing here
    # refuses after the first write, and a failure then fails the whole service. An external
    # number keeps one, as its duplicate check may refuse inside.
    with transaction.atomic(savepoint=bool(external)):
        if external:
            number, sequence_number = external, None
            existing = Memo.objects.filter(work_unit=work_unit, number=external).first()
            if existing is not None:
                raise ValidationError(
                    {
                        "external_number": (
                            _(
                                "Nomor nota dinas %(external)s sudah dipakai oleh nota dinas "
                                "tanggal %(issued_on)s (Hal: %(subject)s). Periksa kembali "
                                "nomornya."
                            )
                            % {
                                "external": external,
                                "issued_on": format(existing.issued_on, "%d-%m-%Y"),
                                "subject": existing.subject,
                            }
                        )
                    }
                )
        else:
            counter = _next_sequence(work_unit, DEFAULT_TYPE_CODE, issued_on.year)
            # A number typed in by hand earlier may already hold a running number's slot;
            # that number is taken, so the register moves past it.
            while True:
                counter.last_number += 1
                number = memo_number_format(
                    template, seq=counter.last_number, work_unit=work_unit, issued_on=issued_on
                )
                if not Memo.objects.filter(work_unit=work_unit, number=number).exists():
                    break
            counter.save(update_fields=["last_number"])
            sequence_number = counter.last_number
        # Only an external number can race here (the register is locked), so only then is
        # a savepoint needed to turn the constraint's refusal into a message.
        guard = transaction.atomic() if external else contextlib.nullcontext()
        try:
            with guard:
                memo = Memo.objects.create(
                    work_unit=work_unit,
                    kind=kind,
                    number=number,
                    sequence_number=sequence_number,
                    year=issued_on.year,
                    external_number=bool(external),
                    issued_on=issued_on,
                    recipient=recipient.strip(),
                    sender=sender.strip(),
                    carbon_copies=[c.strip() for c in (carbon_copies or []) if c.strip()],
                    sifat=sifat,
                    attachment_count=attachment_count,
                    subject=subject.strip()[:300],
                    body=body.strip(),
                    signer_name=capacity.user.get_full_name(),
                    signer_position=_position_of(capacity),
                    signer_nip=capacity.user.nip or "",
                    signer_acting_kind=capacity.acting_kind,
                    place=work_unit.city,
                    content_item=content_item,
                    issued_by=actor,
                )
        except IntegrityError as exc:
            raise ValidationError(
                {
                    "external_number": _("Nomor nota dinas %(number)s baru saja dipakai. Periksa.")
                    % {"number": number}
                }
            ) from exc
        audit_record(
            actor=actor,
            action="memo.issue",
            obj=memo,
            capacity=capacity,
            work_unit=work_unit,
            after={
                "number": memo.number,
                "kind": memo.kind,
                "external_number": memo.external_number,
                "subject": memo.subject,
                "content_item": getattr(content_item, "pk", None),
            },
        )
        # The PDFs are made by the worker after commit; issuing never waits for rendering.
        memo_render_enqueue(memo)
    return memo


def _column_title(item: ContentItem, role: str) -> str:
    for column in item.sop_version.actor_columns or []:
        if column.get("role") == role and column.get("title"):
            return str(column["title"])
    return str(Role(role).label)


def memo_fields_default(
    item: ContentItem,
    kind: str,
    capacity: Capacity,
    *,
    accounts: Sequence[SocialAccount] | None = None,
    attachment_count: int | None = None,
) -> dict[str, Any]:
    """The usual recipient, sender, subject and body of an item's memo, in Indonesian.

    The disposition goes from the head of division to the head of subdivision (the staff
    member's superior), naming the staff member who writes the content; the upload order
    likewise. Titles come from the SOP version's actor columns when it has them. A caller
    that has the item's target `accounts` (in their usual order) and its `attachment_count`
    at hand passes them, so they are not read again.
    """
    # A memo is an official document: its text stays Indonesian whatever language the
    # person issuing it reads the pages in (labels such as the content type are translated).
    with translation.override(settings.LANGUAGE_CODE):
        return _memo_fields_default(item, kind, capacity, accounts, attachment_count)


def _memo_fields_default(
    item: ContentItem,
    kind: str,
    capacity: Capacity,
    target_accounts: Sequence[SocialAccount] | None,
    attachment_count: int | None,
) -> dict[str, Any]:
    from simedsos.accounts.roles import SUPERIOR_ROLE

    recipient_role = SUPERIOR_ROLE.get(Role.STAF) or Role.KASUBBAG
    prefix = f"{capacity.acting_kind.capitalize()}. " if capacity.acting_kind else ""
    sender = f"{prefix}{_column_title(item, capacity.role)}"
    title = item.title
    if target_accounts is None:
        target_accounts = item.target_accounts.all()
    accounts = ", ".join(str(a) for a in target_accounts)
    assignee = item.assignee.get_full_name()
    if kind == MemoKind.DISPOSITION:
        deadline = (
            f" paling lambat {timezone.localtime(item.deadline):%d-%m-%Y %H:%M}"
            if item.deadline
            else ""
        )
        subject = f"Disposisi pembuatan konten media sosial JDIH: {title}"
        body = (
            f"Bersama ini disampaikan disposisi untuk membuat konten media sosial JDIH "
            f'berjudul "{title}" ({item.get_content_type_display()}), dikerjakan oleh '
            f"{assignee}{deadline}, untuk diunggah pada akun {accounts}.\n\n"
            f"Petunjuk: {item.instruction}\n\nDemikian untuk dilaksanakan."
        )
        if attachment_count is not None:
            attachments = attachment_count
        else:
            attachments = item.attachments.count() if item.pk else 0
    else:
        subject = f"Perintah pengunggahan konten media sosial JDIH: {title}"
        body = (
            f'Konsep konten media sosial JDIH berjudul "{title}" telah disetujui. '
            f"Bersama ini diperintahkan agar {assignee} mengunggahnya pada akun {accounts}."
            "\n\nDemikian untuk dilaksanakan."
        )
        attachments = 1
    return {
        "recipient": _column_title(item, recipient_role),
        "sender": sender,
        "subject": subject[:300],
        "body": body,
        "sifat": item.priority,
        "carbon_copies": [],
        "attachment_count": attachments,
    }
