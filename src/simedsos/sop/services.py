"""Writes to SOPs: loading the seed, revising a version in a draft, publishing it.

Published and retired versions never change (database triggers refuse it, see migration
0002); every change therefore happens in a DRAFT copy that is validated as a whole and then
published, which retires the version it replaces in the same transaction.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from simedsos.accounts.authz import Action, authorize
from simedsos.accounts.models import User, WorkUnit
from simedsos.accounts.roles import Role
from simedsos.core.audit import audit_record
from simedsos.sop.models import Sop, SopStep, SopVersion

SEED_PATH = Path(__file__).resolve().parent / "seed" / "sop-1176-2022.json"

# Identity fields an Admin edits in a draft (everything of the Bagian Identitas).
IDENTITY_FIELDS = (
    "number",
    "title",
    "organization_lines",
    "made_on",
    "revised_on",
    "effective_on",
    "approver_name",
    "approver_position",
    "approver_nip",
    "approval_place",
    "ratification_points",
    "legal_basis",
    "executor_qualifications",
    "related_sops",
    "equipment",
    "warnings",
    "recording",
    "actor_columns",
    "evaluation_note",
)
LIST_FIELDS = (
    "organization_lines",
    "ratification_points",
    "legal_basis",
    "executor_qualifications",
    "related_sops",
    "equipment",
    "warnings",
    "recording",
)
STEP_FIELDS = (
    "number",
    "activity",
    "actor_role",
    "kind",
    "action",
    "time_standard_minutes",
    "requirements",
    "output",
    "notes",
    "return_to_number",
)
# Fields a step form may set; the number is given by the step's position (see sop_step_move).
STEP_EDITABLE_FIELDS = tuple(f for f in STEP_FIELDS if f != "number")


# --- snapshots for the audit log -------------------------------------------------------------


def _version_snapshot(version: SopVersion) -> dict[str, Any]:
    data = {f: getattr(version, f) for f in IDENTITY_FIELDS}
    data.update(
        status=version.status,
        revision=version.revision,
        based_on_id=version.based_on_id,
        published_at=version.published_at,
        retired_at=version.retired_at,
    )
    return data


def _step_snapshot(step: SopStep) -> dict[str, Any]:
    return {f: getattr(step, f) for f in STEP_FIELDS}


def _steps_snapshot(version: SopVersion) -> list[dict[str, Any]]:
    return [_step_snapshot(s) for s in version.steps.order_by("number")]


def _ensure_draft(version: SopVersion) -> None:
    if version.status != SopVersion.Status.DRAFT:
        status = _("diterbitkan") if version.status == SopVersion.Status.PUBLISHED else _("dicabut")
        raise ValidationError(
            _(
                "Versi SOP ini sudah %(status)s sehingga tidak dapat diubah. "
                "Buat revisi baru (salin ke konsep) untuk mengubahnya."
            )
            % {"status": status},
            code="locked",
        )


def _lock_version(version: SopVersion) -> SopVersion:
    """Re-read the version under a row lock so two editors cannot interleave."""
    return (
        SopVersion.objects.select_for_update().select_related("sop__work_unit").get(pk=version.pk)
    )


# --- seed ------------------------------------------------------------------------------------


def _unit_get_or_create(data: dict[str, Any], parent: WorkUnit | None) -> WorkUnit:
    # The demo command creates the same units by the same codes; whoever runs first wins.
    unit, _created = WorkUnit.objects.get_or_create(
        code=data["code"],
        defaults={
            "name": data["name"],
            "level": data["level"],
            "parent": parent,
            "secretariat_name": data.get("secretariat_name", ""),
            "city": data.get("city", ""),
        },
    )
    return unit


def sop_seed_load(*, path: Path = SEED_PATH) -> tuple[Sop, bool]:
    """Load the seed SOP (published) unless its SOP already exists. Returns (sop, created)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    with transaction.atomic():
        unit_data = data["work_unit"]
        parent = _unit_get_or_create(unit_data["parent"], None) if unit_data.get("parent") else None
        unit = _unit_get_or_create(unit_data, parent)
        existing = Sop.objects.filter(work_unit=unit, code=data["sop"]["code"]).first()
        if existing is not None:
            return existing, False

        sop = Sop.objects.create(
            work_unit=unit, code=data["sop"]["code"], title=data["sop"]["title"]
        )
        version_data = dict(data["version"])
        steps_data = version_data.pop("steps")
        for date_field in ("made_on", "revised_on", "effective_on"):
            if version_data.get(date_field):
                version_data[date_field] = datetime.date.fromisoformat(version_data[date_field])
        # Steps can only be written while the version is a draft; publish afterwards.
        version = SopVersion.objects.create(sop=sop, status=SopVersion.Status.DRAFT, **version_data)
        SopStep.objects.bulk_create(SopStep(version=version, **step) for step in steps_data)
        problems = sop_version_validate(version)
        if problems:
            raise ValidationError(problems)
        version.status = SopVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_at"])
        audit_record(
            actor=None,
            action="sop.seed.load",
            obj=version,
            work_unit=unit,
            after={**_version_snapshot(version), "steps": _steps_snapshot(version)},
        )
    return sop, True


# --- validation ------------------------------------------------------------------------------


def _column_roles(version: SopVersion) -> list[str]:
    return [c.get("role", "") for c in version.actor_columns if isinstance(c, dict)]


def _role_label(version: SopVersion, role: str) -> str:
    for column in version.actor_columns:
        if isinstance(column, dict) and column.get("role") == role:
            return column.get("title") or role
    return Role(role).label if role in Role.values else role


def actor_columns_problems(columns: Any) -> list[str]:
    """What is wrong with a list of flowchart columns [{"role": ..., "title": ...}, ...]."""
    problems: list[str] = []
    if not isinstance(columns, list) or not columns:
        return [_("Kolom pelaksana belum diisi: tentukan minimal satu pelaksana.")]
    seen: set[str] = set()
    for index, column in enumerate(columns, start=1):
        role = column.get("role", "") if isinstance(column, dict) else ""
        title = (column.get("title") or "").strip() if isinstance(column, dict) else ""
        if role not in Role.values:
            allowed = ", ".join(Role.values)
            problems.append(
                _(
                    "Kolom pelaksana ke-%(index)s: peran “%(role)s” tidak dikenal (pilih "
                    "%(allowed)s)."
                )
                % {"index": index, "role": role, "allowed": allowed}
            )
        elif role in seen:
            problems.append(
                _("Kolom pelaksana ke-%(index)s: peran %(role)s tercantum dua kali.")
                % {"index": index, "role": role}
            )
        if not title:
            problems.append(
                _("Kolom pelaksana ke-%(index)s: judul kolom belum diisi.") % {"index": index}
            )
        seen.add(role)
    return problems


def _step_problems(
    version: SopVersion, data: dict[str, Any], number: int, earlier_numbers: set[int]
) -> dict[str, list[str]]:
    """Problems of one step, keyed by the field they belong to."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    label = _("Langkah %(number)s") % {"number": number}
    if not (data.get("activity") or "").strip():
        add("activity", _("%(label)s: uraian kegiatan belum diisi.") % {"label": label})
    role = data.get("actor_role") or ""
    if not role:
        add("actor_role", _("%(label)s: pelaksana belum dipilih.") % {"label": label})
    elif role not in _column_roles(version):
        add(
            "actor_role",
            _(
                "%(label)s: pelaksana %(role)s tidak ada di kolom pelaksana SOP "
                "ini. Tambahkan kolomnya di identitas SOP atau pilih pelaksana lain."
            )
            % {"label": label, "role": _role_label(version, role)},
        )
    minutes = data.get("time_standard_minutes")
    if minutes is None or minutes == "":
        add(
            "time_standard_minutes",
            _("%(label)s: waktu (mutu baku) belum diisi.") % {"label": label},
        )
    elif not isinstance(minutes, int) or minutes <= 0:
        add(
            "time_standard_minutes",
            _("%(label)s: waktu harus berupa bilangan bulat menit yang lebih dari 0.")
            % {"label": label},
        )
    if data.get("kind") not in SopStep.Kind.values:
        add("kind", _("%(label)s: jenis langkah harus Kegiatan atau Keputusan.") % {"label": label})
    if data.get("action") not in SopStep.SystemAction.values:
        add("action", _("%(label)s: tindakan sistem belum dipilih.") % {"label": label})
    target = data.get("return_to_number")
    if data.get("kind") == SopStep.Kind.DECISION:
        if target in (None, ""):
            add(
                "return_to_number",
                _(
                    "%(label)s adalah keputusan: tentukan ke langkah mana konsep "
                    "dikembalikan bila tidak disetujui."
                )
                % {"label": label},
            )
        elif target not in earlier_numbers:
            add(
                "return_to_number",
                _(
                    "%(label)s: langkah tujuan pengembalian (%(target)s) harus langkah "
                    "sebelumnya yang ada di SOP ini."
                )
                % {"label": label, "target": target},
            )
    elif target not in (None, ""):
        add(
            "return_to_number",
            _("%(label)s: hanya langkah keputusan yang dapat mengembalikan ke langkah lain.")
            % {"label": label},
        )
    return problems


def sop_version_validate(version: SopVersion) -> list[str]:
    """Everything that stops this version from being published, in plain Indonesian."""
    problems: list[str] = []
    if not (version.number or "").strip():
        problems.append(_("Nomor SOP belum diisi."))
    if not (version.title or "").strip():
        problems.append(_("Nama SOP belum diisi."))
    if version.effective_on is None:
        problems.append(_("Tanggal efektif belum diisi."))
    if not (version.approver_name or "").strip():
        problems.append(_("Nama pejabat yang mengesahkan belum diisi."))
    if not (version.approver_position or "").strip():
        problems.append(_("Jabatan pejabat yang mengesahkan belum diisi."))
    problems += actor_columns_problems(version.actor_columns)

    steps = list(version.steps.order_by("number", "pk"))
    if not steps:
        problems.append(_("SOP belum memiliki langkah kegiatan."))
        return problems
    numbers = [s.number for s in steps]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    for number in duplicates:
        problems.append(
            _("Nomor langkah %(number)s dipakai lebih dari satu kali.") % {"number": number}
        )
    if numbers != list(range(1, len(steps) + 1)) and not duplicates:
        problems.append(_("Nomor langkah harus berurutan mulai dari 1 tanpa loncatan."))
    for step in steps:
        earlier = {n for n in numbers if n < step.number}
        for messages in _step_problems(
            version, _step_snapshot(step), step.number, earlier
        ).values():
            problems += messages
    return problems


# --- revising --------------------------------------------------------------------------------


def sop_version_copy(*, actor: User, version: SopVersion) -> SopVersion:
    """Start revision n+1 as a DRAFT copy (identity and steps) of a published/retired version."""
    with transaction.atomic():
        capacity = authorize(actor, Action.SOP_EDIT, version.sop.work_unit)
        # Lock the SOP so two Admins cannot both start revision n+1.
        sop = Sop.objects.select_for_update().get(pk=version.sop_id)
        if version.status == SopVersion.Status.DRAFT:
            raise ValidationError(
                _("Versi ini masih konsep: sunting langsung, tidak perlu disalin."), code="is_draft"
            )
        open_draft = sop.versions.filter(status=SopVersion.Status.DRAFT).first()
        if open_draft is not None:
            raise ValidationError(
                _(
                    "Sudah ada konsep revisi ke-%(revision)s untuk SOP ini. "
                    "Lanjutkan atau hapus konsep itu lebih dahulu."
                )
                % {"revision": open_draft.revision},
                code="draft_exists",
            )
        last = sop.versions.aggregate(m=Max("revision"))["m"] or 0
        copy = SopVersion.objects.create(
            sop=sop,
            revision=last + 1,
            status=SopVersion.Status.DRAFT,
            based_on=version,
            created_by=actor,
            **{
                **{f: getattr(version, f) for f in IDENTITY_FIELDS},
                # The dates of the new revision are set when it is published.
                "revised_on": None,
                "effective_on": None,
                "evaluation_note": "",
            },
        )
        SopStep.objects.bulk_create(
            SopStep(version=copy, **_step_snapshot(step)) for step in version.steps.all()
        )
        audit_record(
            actor=actor,
            action="sop.version.copy",
            obj=copy,
            capacity=capacity,
            before={"based_on_id": version.pk, "based_on_revision": version.revision},
            after={**_version_snapshot(copy), "steps": _steps_snapshot(copy)},
        )
    return copy


def sop_version_update(*, actor: User, version: SopVersion, **fields: Any) -> SopVersion:
    """Change identity fields of a DRAFT version. Unknown field names are a programming error."""
    unknown = set(fields) - set(IDENTITY_FIELDS)
    if unknown:
        raise TypeError(f"Not identity fields of an SOP version: {sorted(unknown)}")
    with transaction.atomic():
        capacity = authorize(actor, Action.SOP_EDIT, version.sop.work_unit)
        locked = _lock_version(version)
        _ensure_draft(locked)
        before = _version_snapshot(locked)
        errors: dict[str, list[str]] = {}
        for name in ("number", "title"):
            if name in fields and not (fields[name] or "").strip():
                label = _("Nomor SOP") if name == "number" else _("Nama SOP")
                errors[name] = [_("%(label)s wajib diisi.") % {"label": label}]
        for name in LIST_FIELDS:
            if name in fields:
                fields[name] = [str(item).strip() for item in fields[name] if str(item).strip()]
        if "actor_columns" in fields:
            column_problems = actor_columns_problems(fields["actor_columns"])
            if column_problems:
                errors["actor_columns"] = column_problems
            else:
                kept = {c["role"] for c in fields["actor_columns"]}
                used = locked.steps.exclude(actor_role__in=kept).order_by("number")
                for step in used:
                    errors.setdefault("actor_columns", []).append(
                        _(
                            "Kolom pelaksana %(role)s masih dipakai oleh langkah "
                            "%(step_number)s. Ubah pelaksana langkah itu lebih dahulu."
                        )
                        % {"role": _role_label(locked, step.actor_role), "step_number": step.number}
                    )
        if fields.get("approver_nip") and not (
            fields["approver_nip"].isdigit() and len(fields["approver_nip"]) == 18
        ):
            errors["approver_nip"] = [_("NIP harus terdiri atas tepat 18 angka tanpa spasi.")]
        made_on, revised_on = (
            fields.get("made_on", locked.made_on),
            fields.get("revised_on", locked.revised_on),
        )
        if made_on and revised_on and revised_on < made_on:
            errors["revised_on"] = [_("Tanggal revisi tidak boleh sebelum tanggal pembuatan.")]
        if errors:
            raise ValidationError(errors)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(fields))
        audit_record(
            actor=actor,
            action="sop.version.update",
            obj=locked,
            capacity=capacity,
            before=before,
            after=_version_snapshot(locked),
        )
    return locked


def sop_version_delete(*, actor: User, version: SopVersion) -> None:
    """Throw away a DRAFT version with its steps."""
    with transaction.atomic():
        capacity = authorize(actor, Action.SOP_EDIT, version.sop.work_unit)
        locked = _lock_version(version)
        _ensure_draft(locked)
        audit_record(
            actor=actor,
            action="sop.version.delete",
            obj=locked,
            capacity=capacity,
            before={**_version_snapshot(locked), "steps": _steps_snapshot(locked)},
        )
        locked.delete()


def _coerce_step_data(data: dict[str, Any]) -> dict[str, Any]:
    clean = {k: data[k] for k in STEP_EDITABLE_FIELDS if k in data}
    for key in ("activity", "output", "notes"):
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    if "requirements" in clean:
        clean["requirements"] = [
            str(item).strip() for item in clean["requirements"] or [] if str(item).strip()
        ]
    if clean.get("return_to_number") == "":
        clean["return_to_number"] = None
    if clean.get("kind") == SopStep.Kind.TASK and "return_to_number" not in data:
        clean["return_to_number"] = None
    return clean


def sop_step_save(
    *, actor: User, version: SopVersion, step: SopStep | None = None, data: dict[str, Any]
) -> SopStep:
    """Add a step at the end of a DRAFT version (step=None) or change one of its steps."""
    with transaction.atomic():
        capacity = authorize(actor, Action.SOP_EDIT, version.sop.work_unit)
        locked = _lock_version(version)
        _ensure_draft(locked)
        if step is not None and step.version_id != locked.pk:
            raise ValidationError(_("Langkah ini bukan bagian dari versi SOP yang disunting."))
        clean = _coerce_step_data(data)
        if step is None:
            last = locked.steps.aggregate(m=Max("number"))["m"] or 0
            number = last + 1
            before = None
            merged = {f: clean.get(f) for f in STEP_EDITABLE_FIELDS}
            merged.setdefault("kind", SopStep.Kind.TASK)
            merged["kind"] = merged["kind"] or SopStep.Kind.TASK
        else:
            step = SopStep.objects.get(pk=step.pk)
            number = step.number
            before = _step_snapshot(step)
            merged = {**before, **clean}
        earlier = set(locked.steps.filter(number__lt=number).values_list("number", flat=True))
        problems = _step_problems(locked, merged, number, earlier)
        if problems:
            raise ValidationError(problems)
        if step is None:
            merged["requirements"] = merged.get("requirements") or []
            merged["output"] = merged.get("output") or ""
            merged["notes"] = merged.get("notes") or ""
            step = SopStep.objects.create(version=locked, number=number, **merged)
        else:
            for name, value in clean.items():
                setattr(step, name, value)
            step.save()
        audit_record(
            actor=actor,
            action="sop.step.create" if before is None else "sop.step.update",
            obj=step,
            capacity=capacity,
            before=before,
            after=_step_snapshot(step),
        )
    return step


def _renumber(version: SopVersion, ordered: list[SopStep]) -> None:
    """Give `ordered` the numbers 1..n; decisions' return targets follow their step."""
    new_number = {s.number: i for i, s in enumerate(ordered, start=1)}
    # Two passes keep (version, number) unique at every moment on both databases.
    offset = 1000 + len(ordered)
    for index, step in enumerate(ordered, start=1):
        SopStep.objects.filter(pk=step.pk).update(number=offset + index)
    for index, step in enumerate(ordered, start=1):
        target = step.return_to_number
        step.number = index
        step.return_to_number = new_number.get(target, target) if target is not None else None
        SopStep.objects.filter(pk=step.pk).update(
            number=index, return_to_number=step.return_to_number
        )


def sop_step_delete(*, actor: User, step: SopStep) -> None:
    """Remove a step of a DRAFT version; the steps after it move up."""
    with transaction.atomic():
        version = step.version
        capacity = authorize(actor, Action.SOP_EDIT, version.sop.work_unit)
        locked = _lock_version(version)
        _ensure_draft(locked)
        step = SopStep.objects.get(pk=step.pk)
        pointing = locked.steps.filter(return_to_number=step.number).exclude(pk=step.pk)
        referrers = [str(n) for n in pointing.values_list("number", flat=True)]
        if referrers:
            raise ValidationError(
                _(
                    "Langkah %(step_number)s adalah tujuan pengembalian dari langkah "
                    "%(referrers)s. Ubah tujuan pengembalian itu lebih dahulu."
                )
                % {"step_number": step.number, "referrers": ", ".join(referrers)}
            )
        before = _steps_snapshot(locked)
        step.delete()
        _renumber(locked, list(locked.steps.order_by("number")))
        audit_record(
            actor=actor,
            action="sop.step.delete",
            obj=locked,
            capacity=capacity,
            before={"steps": before},
            after={"steps": _steps_snapshot(locked)},
        )


def sop_step_move(*, actor: User, step: SopStep, to_number: int) -> None:
    """Move a step of a DRAFT version to position `to_number` (1-based), renumbering all."""
    with transaction.atomic():
        version = step.version
        capacity = authorize(actor, Action.SOP_EDIT, version.sop.work_unit)
        locked = _lock_version(version)
        _ensure_draft(locked)
        ordered = list(locked.steps.order_by("number"))
        moving = next((s for s in ordered if s.pk == step.pk), None)
        if moving is None:
            raise ValidationError(_("Langkah ini bukan bagian dari versi SOP yang disunting."))
        if not 1 <= to_number <= len(ordered):
            raise ValidationError(
                _("Posisi tujuan harus antara 1 dan %(count)s.") % {"count": len(ordered)},
                code="bad_position",
            )
        before = [_step_snapshot(s) for s in ordered]
        ordered.remove(moving)
        ordered.insert(to_number - 1, moving)
        _renumber(locked, ordered)
        audit_record(
            actor=actor,
            action="sop.step.move",
            obj=locked,
            capacity=capacity,
            before={"steps": before},
            after={"steps": _steps_snapshot(locked)},
        )


# --- publishing ------------------------------------------------------------------------------


def sop_version_publish(
    *, actor: User, version: SopVersion, effective_on: datetime.date
) -> SopVersion:
    """Publish a valid DRAFT; the version in force until now is retired in the same step."""
    with transaction.atomic():
        capacity = authorize(actor, Action.SOP_PUBLISH, version.sop.work_unit)
        # Lock the SOP first: the "one published version" swap must not interleave.
        Sop.objects.select_for_update().get(pk=version.sop_id)
        locked = _lock_version(version)
        _ensure_draft(locked)
        before = _version_snapshot(locked)
        locked.effective_on = effective_on
        problems = sop_version_validate(locked)
        current = (
            SopVersion.objects.select_for_update()
            .filter(sop_id=locked.sop_id, status=SopVersion.Status.PUBLISHED)
            .first()
        )
        if (
            current
            and current.effective_on
            and effective_on
            and effective_on < current.effective_on
        ):
            problems.append(
                _(
                    "Tanggal efektif tidak boleh sebelum tanggal efektif versi yang "
                    "berlaku (%(current_effective_on)s)."
                )
                % {"current_effective_on": format(current.effective_on, "%d-%m-%Y")}
            )
        if effective_on and effective_on > timezone.localdate():
            # The version published now is the one in force now; a later date would leave a
            # gap after the current version is retired.
            problems.append(
                _(
                    "Tanggal efektif tidak boleh setelah hari ini. Terbitkan versi ini "
                    "pada tanggal mulai berlakunya."
                )
            )
        if problems:
            raise ValidationError(problems)
        now = timezone.now()
        if current is not None:
            SopVersion.objects.filter(pk=current.pk).update(
                status=SopVersion.Status.RETIRED, retired_at=now
            )
            current.status, current.retired_at = SopVersion.Status.RETIRED, now
            audit_record(
                actor=actor,
                action="sop.version.retire",
                obj=current,
                capacity=capacity,
                before={"status": SopVersion.Status.PUBLISHED, "retired_at": None},
                after={"status": current.status, "retired_at": now, "replaced_by": locked.pk},
            )
        locked.status = SopVersion.Status.PUBLISHED
        locked.published_at = now
        locked.published_by = actor
        if locked.revision > 0 and locked.revised_on is None:
            locked.revised_on = timezone.localdate()
        locked.save(
            update_fields=["status", "published_at", "published_by", "effective_on", "revised_on"]
        )
        audit_record(
            actor=actor,
            action="sop.version.publish",
            obj=locked,
            capacity=capacity,
            before=before,
            after=_version_snapshot(locked),
        )
    return locked
