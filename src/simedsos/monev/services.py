"""Writes of monitoring and evaluation: pre-fill, assess, sign, revise, remind."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from simedsos.accounts.authz import Action, Capacity, authorize
from simedsos.accounts.models import ActingAssignment, Membership, User, WorkUnit
from simedsos.accounts.roles import Role
from simedsos.core.audit import audit_record
from simedsos.monev.models import (
    EVALUATION_QUESTIONS,
    Evaluation,
    FormStatus,
    Monitoring,
    MonitoringRow,
)
from simedsos.notifications.services import notify
from simedsos.reports.selectors import Period, StepFigures, semester_label, step_figures
from simedsos.sop.models import SopVersion

# A step "runs well" (suggested) when at least this share of its runs met the standard.
GOOD_SHARE = 0.8
# A review is due from this many days before the semester ends.
REMIND_DAYS_BEFORE_END = 14
NOTE_MAX = 2000


# --- words ------------------------------------------------------------------------------------


def _decimal(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def duration_text(seconds: float | None) -> str:
    """45 detik, 7,2 menit, 1 jam 54 menit: a duration as an Indonesian report writes it."""
    if seconds is None:
        return "-"
    seconds = abs(seconds)
    if seconds < 60:
        return f"{round(seconds)} detik"
    minutes = seconds / 60
    if minutes < 60:
        return f"{_decimal(minutes)} menit"
    whole = round(minutes)
    hours, rest = divmod(whole, 60)
    return f"{hours} jam" + (f" {rest} menit" if rest else "")


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%".replace(".", ",")


def initials(user: User) -> str:
    """BS for "Budi Santoso, S.H.": the name before any degree, first letters."""
    name = (user.full_name or user.username).split(",")[0]
    letters = [part[0] for part in name.split() if part[:1].isalpha()]
    return "".join(letters).upper()[:6] or user.username[:6]


def row_assessment(step_number: int, standard_minutes: int, f: StepFigures | None) -> dict:
    """Suggested penilaian, catatan and tindakan for one step from its measured figures."""
    if f is None or f.count == 0:
        return {
            "berjalan_baik": None,
            "catatan": (
                f"Langkah {step_number}: tidak ada pelaksanaan yang selesai dan tercatat "
                "pada semester ini."
            ),
            "tindakan": "Pastikan langkah ini dijalankan dan dicatat dalam aplikasi.",
        }
    standard = f"{standard_minutes} menit"
    parts = [f"Langkah {step_number}: dijalankan {f.count} kali"]
    if f.breaches == 0:
        parts.append(f"; seluruhnya dalam waktu baku {standard}.")
    else:
        parts.append(
            f"; {f.breaches} kali ({_percent(f.breaches / f.count)}) melebihi waktu baku "
            f"{standard}."
        )
    over = f.median_over_standard or 0
    median = f"Median waktu kerja {duration_text(f.working_median)}"
    if over > 0:
        median += f" ({duration_text(over)} di atas waktu baku)"
    parts.append(f" {median}; persentil ke-90 {duration_text(f.working_p90)}.")
    if f.breaches:
        parts.append(
            f" Pada pelaksanaan yang melebihi, median kelebihannya "
            f"{duration_text(f.breach_excess_median)}."
        )
    parts.append(f" Median waktu tunggu {duration_text(f.waiting_median)}.")
    good = (f.share_within or 0) >= GOOD_SHARE
    if f.breaches == 0:
        action = "Pertahankan pelaksanaan sesuai SOP."
    elif good:
        action = (
            f"Bahas {f.breaches} pelaksanaan yang melebihi waktu baku dengan pelaksana; "
            "pantau pada semester berikutnya."
        )
    else:
        action = (
            f"Telusuri penyebab keterlambatan langkah {step_number} bersama pelaksana; "
            f"pertimbangkan penyesuaian waktu baku {standard}, pembagian beban kerja, atau "
            "perubahan langkah pada revisi SOP."
        )
    return {"berjalan_baik": good, "catatan": "".join(parts), "tindakan": action}


def _figures_json(f: StepFigures | None) -> dict:
    if f is None:
        return {"count": 0}
    return {
        "count": f.count,
        "within": f.within,
        "breaches": f.breaches,
        "share_within": f.share_within,
        "standard_minutes": f.standard_minutes,
        "working_median": f.working_median,
        "working_p90": f.working_p90,
        "waiting_median": f.waiting_median,
        "waiting_p90": f.waiting_p90,
        "breach_excess_median": f.breach_excess_median,
        "median_over_standard": f.median_over_standard,
    }


# --- checks -----------------------------------------------------------------------------------


def _check_semester(year: int, half: int, today: datetime.date | None = None) -> Period:
    if half not in (1, 2):
        raise ValidationError({"half": "Semester harus I atau II."})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "Tahun tidak valid."})
    period = Period.semester(year, half)
    if period.start > (today or timezone.localdate()):
        raise ValidationError("Semester ini belum dimulai: belum ada yang dapat dinilai.")
    return period


def _check_version(version: SopVersion, unit: WorkUnit) -> None:
    if version.status == SopVersion.Status.DRAFT:
        raise ValidationError("Versi SOP yang masih konsep belum dapat dimonitor.")
    if version.sop.work_unit_id != unit.pk:
        raise ValidationError("Versi SOP ini bukan milik satuan kerja tersebut.")


def _lock_monitoring(monitoring: Monitoring) -> Monitoring:
    locked = Monitoring.objects.select_for_update().get(pk=monitoring.pk)
    if locked.is_signed:
        raise ValidationError(
            "Formulir monitoring ini sudah ditandatangani dan tidak dapat diubah."
        )
    return locked


def _lock_evaluation(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.select_for_update().get(pk=evaluation.pk)


def _monitoring_snapshot(m: Monitoring) -> dict:
    return {
        "status": m.status,
        "rows": [
            {
                "number": r.number,
                "berjalan_baik": r.berjalan_baik,
                "catatan": r.catatan,
                "tindakan": r.tindakan,
                "paraf": r.paraf,
            }
            for r in m.rows.order_by("number")
        ],
    }


# --- monitoring -------------------------------------------------------------------------------


def monitoring_prefill(
    *, actor: User, sop_version: SopVersion, unit: WorkUnit, year: int, half: int
) -> Monitoring:
    """Create (or refill, while a draft) the semester's monitoring form from the measurements.

    Each step of the version gets a row: the suggested assessment (runs well when at least
    80% of its runs met the standard), a note with how often and by how much the standard
    was exceeded, and a suggested action. Refilling overwrites the rows of a draft.
    """
    period = _check_semester(year, half)
    with transaction.atomic():
        capacity = authorize(actor, Action.MONEV_ASSESS, unit)
        _check_version(sop_version, unit)
        monitoring, created = Monitoring.objects.select_for_update().get_or_create(
            sop_version=sop_version, work_unit=unit, year=year, half=half
        )
        if monitoring.is_signed:
            raise ValidationError(
                "Formulir monitoring semester ini sudah ditandatangani dan tidak dapat diisi ulang."
            )
        before = {} if created else _monitoring_snapshot(monitoring)
        measured = {
            f.number: f
            for f in step_figures(unit_ids=[unit.pk], period=period, sop_version=sop_version)
        }
        monitoring.rows.all().delete()
        rows = []
        for step in sop_version.steps.order_by("number"):
            figures = measured.get(step.number)
            rows.append(
                MonitoringRow(
                    monitoring=monitoring,
                    step=step,
                    number=step.number,
                    procedure=step.activity,
                    **row_assessment(step.number, step.time_standard_minutes, figures),
                )
            )
        MonitoringRow.objects.bulk_create(rows)
        monitoring.figures = {
            str(step.number): _figures_json(measured.get(step.number))
            for step in sop_version.steps.all()
        }
        monitoring.prefilled_at = timezone.now()
        monitoring.save(update_fields=["figures", "prefilled_at"])
        audit_record(
            actor=actor,
            action="monev.monitoring.prefill",
            obj=monitoring,
            capacity=capacity,
            before=before,
            after={**_monitoring_snapshot(monitoring), "figures": monitoring.figures},
        )
    return monitoring


def monitoring_save(
    *, actor: User, monitoring: Monitoring, rows: dict[int, dict[str, Any]]
) -> Monitoring:
    """Save the assessor's penilaian, catatan and tindakan (row id -> values) on a draft."""
    with transaction.atomic():
        capacity = authorize(actor, Action.MONEV_ASSESS, monitoring.work_unit)
        locked = _lock_monitoring(monitoring)
        before = _monitoring_snapshot(locked)
        existing = {r.pk: r for r in locked.rows.all()}
        unknown = set(rows) - set(existing)
        if unknown:
            raise ValidationError("Baris yang dikirim bukan bagian dari formulir ini.")
        errors = []
        for pk, values in rows.items():
            row = existing[pk]
            catatan = str(values.get("catatan", row.catatan) or "").strip()
            tindakan = str(values.get("tindakan", row.tindakan) or "").strip()
            if len(catatan) > NOTE_MAX or len(tindakan) > NOTE_MAX:
                errors.append(f"Catatan/tindakan prosedur {row.number} terlalu panjang.")
                continue
            row.berjalan_baik = values.get("berjalan_baik", row.berjalan_baik)
            row.catatan, row.tindakan = catatan, tindakan
        if errors:
            raise ValidationError(errors)
        MonitoringRow.objects.bulk_update(
            existing.values(), ["berjalan_baik", "catatan", "tindakan"]
        )
        audit_record(
            actor=actor,
            action="monev.monitoring.save",
            obj=locked,
            capacity=capacity,
            before=before,
            after=_monitoring_snapshot(locked),
        )
    return locked


def monitoring_sign(*, actor: User, monitoring: Monitoring) -> Monitoring:
    """The assessor signs the form: every procedure assessed; it cannot change afterwards."""
    with transaction.atomic():
        capacity: Capacity = authorize(actor, Action.MONEV_ASSESS, monitoring.work_unit)
        locked = _lock_monitoring(monitoring)
        rows = list(locked.rows.order_by("number"))
        problems = [
            f"Prosedur {r.number}: pilih berjalan dengan baik atau tidak."
            for r in rows
            if r.berjalan_baik is None
        ] + [
            f"Prosedur {r.number}: isi tindakan yang harus diambil."
            for r in rows
            if r.berjalan_baik is False and not r.tindakan.strip()
        ]
        if not rows:
            problems.append("Formulir belum berisi prosedur: isi dari angka terukur dahulu.")
        if problems:
            raise ValidationError(problems)
        now = timezone.now()
        paraf = f"{initials(actor)} {timezone.localtime(now):%d/%m/%Y %H:%M}"
        for row in rows:
            row.paraf = paraf
        MonitoringRow.objects.bulk_update(rows, ["paraf"])
        locked.status = FormStatus.SIGNED
        locked.assessor = actor
        locked.assessor_capacity = capacity.label
        locked.signed_at = now
        locked.save(update_fields=["status", "assessor", "assessor_capacity", "signed_at"])
        audit_record(
            actor=actor,
            action="monev.monitoring.sign",
            obj=locked,
            capacity=capacity,
            before={"status": FormStatus.DRAFT},
            after=_monitoring_snapshot(locked),
        )
    return locked


# --- evaluation -------------------------------------------------------------------------------


def _clean_answers(answers: list[dict]) -> list[dict]:
    if len(answers) != len(EVALUATION_QUESTIONS):
        raise ValidationError(f"Evaluasi terdiri atas {len(EVALUATION_QUESTIONS)} pertanyaan.")
    cleaned = []
    for index, raw in enumerate(answers, start=1):
        answer = raw.get("answer")
        if answer not in (True, False, None):
            raise ValidationError(f"Jawaban pertanyaan {index} harus Ya atau Tidak.")
        note = str(raw.get("note") or "").strip()
        if len(note) > NOTE_MAX:
            raise ValidationError(f"Catatan pertanyaan {index} terlalu panjang.")
        cleaned.append({"answer": answer, "note": note})
    return cleaned


def evaluation_save(
    *,
    actor: User,
    sop_version: SopVersion,
    unit: WorkUnit,
    year: int,
    half: int,
    answers: list[dict],
    conclusion: str = "",
) -> Evaluation:
    """Create or update the semester's evaluation (a draft): seven Ya/Tidak with notes."""
    _check_semester(year, half)
    cleaned = _clean_answers(answers)
    with transaction.atomic():
        capacity = authorize(actor, Action.MONEV_ASSESS, unit)
        _check_version(sop_version, unit)
        evaluation, created = Evaluation.objects.select_for_update().get_or_create(
            sop_version=sop_version, work_unit=unit, year=year, half=half
        )
        if evaluation.is_signed:
            raise ValidationError("Evaluasi ini sudah ditandatangani dan tidak dapat diubah.")
        before = (
            {} if created else {"answers": evaluation.answers, "conclusion": evaluation.conclusion}
        )
        evaluation.answers = cleaned
        evaluation.conclusion = (conclusion or "").strip()[:NOTE_MAX]
        evaluation.save(update_fields=["answers", "conclusion", "updated_at"])
        audit_record(
            actor=actor,
            action="monev.evaluation.save",
            obj=evaluation,
            capacity=capacity,
            before=before,
            after={"answers": cleaned, "conclusion": evaluation.conclusion},
        )
    return evaluation


def evaluation_sign(*, actor: User, evaluation: Evaluation) -> Evaluation:
    with transaction.atomic():
        capacity = authorize(actor, Action.MONEV_ASSESS, evaluation.work_unit)
        locked = _lock_evaluation(evaluation)
        if locked.is_signed:
            raise ValidationError("Evaluasi ini sudah ditandatangani.")
        problems = []
        for row in locked.question_rows():
            if row["answer"] is None:
                problems.append(f"Pertanyaan {row['number']}: pilih Ya atau Tidak.")
            elif row["answer"] is False and not row["note"]:
                problems.append(f"Pertanyaan {row['number']}: jawaban Tidak perlu catatan.")
        if problems:
            raise ValidationError(problems)
        locked.status = FormStatus.SIGNED
        locked.assessor = actor
        locked.assessor_capacity = capacity.label
        locked.signed_at = timezone.now()
        locked.save(update_fields=["status", "assessor", "assessor_capacity", "signed_at"])
        audit_record(
            actor=actor,
            action="monev.evaluation.sign",
            obj=locked,
            capacity=capacity,
            before={"status": FormStatus.DRAFT},
            after={"status": locked.status, "answers": locked.answers},
        )
    return locked


def sop_revision_from_evaluation(*, actor: User, evaluation: Evaluation) -> SopVersion:
    """Start the SOP's next revision (a draft copy) from a signed evaluation, linked to it."""
    from simedsos.sop.services import sop_version_copy, sop_version_update

    with transaction.atomic():
        capacity = authorize(actor, Action.SOP_EDIT, evaluation.sop_version.sop.work_unit)
        locked = _lock_evaluation(evaluation)
        if not locked.is_signed:
            raise ValidationError("Tandatangani evaluasi lebih dahulu sebelum memulai revisi SOP.")
        if locked.revision_id is not None:
            raise ValidationError(
                "Revisi SOP dari evaluasi ini sudah dimulai "
                f"(revisi ke-{locked.revision.revision})."
            )
        # sop_version_copy checks the right to edit SOPs (Admin) and that no draft is open.
        copy = sop_version_copy(actor=actor, version=locked.sop_version)
        label = semester_label(locked.year, locked.half)
        note = f"Revisi berdasarkan evaluasi penerapan SOP {label} (evaluasi nomor {locked.pk})."
        no_answers = [r for r in locked.question_rows() if r["answer"] is False]
        if no_answers:
            note += " Pokok evaluasi: " + "; ".join(
                f"{r['question']}: {r['note']}" for r in no_answers
            )
        copy = sop_version_update(actor=actor, version=copy, evaluation_note=note[:2000])
        locked.revision = copy
        locked.save(update_fields=["revision", "updated_at"])
        audit_record(
            actor=actor,
            action="monev.evaluation.revision",
            obj=locked,
            capacity=capacity,
            after={"revision_id": copy.pk, "revision": copy.revision},
        )
    return copy


# --- reminders --------------------------------------------------------------------------------


def semesters_to_review(today: datetime.date) -> list[tuple[int, int]]:
    """The semester just ended, and the current one when it ends within 14 days."""
    half = 1 if today.month <= 6 else 2
    current = (today.year, half)
    previous = (today.year, 1) if half == 2 else (today.year - 1, 2)
    due = [previous]
    end = Period.semester(*current).end
    if (end - today).days < REMIND_DAYS_BEFORE_END:
        due.append(current)
    return due


def monev_reminders_due(*, today: datetime.date | None = None) -> int:
    """Remind each unit's Admin and Kepala Bagian when a semester review is due and not done.

    Due: a semester ended (or ends within 14 days) for a unit that had an SOP version in
    force then, without a signed monitoring form. One notice per person, unit and semester.
    Returns how many notices were sent.
    """
    today = today or timezone.localdate()
    sent = 0
    for year, half in semesters_to_review(today):
        period = Period.semester(year, half)
        low, high = period.bounds()
        units_with_sop = set(
            SopVersion.objects.filter(
                status__in=[SopVersion.Status.PUBLISHED, SopVersion.Status.RETIRED],
                published_at__lt=high,
            )
            .filter(Q(retired_at__isnull=True) | Q(retired_at__gte=low))
            .values_list("sop__work_unit_id", flat=True)
        )
        done = set(
            Monitoring.objects.filter(year=year, half=half, status=FormStatus.SIGNED).values_list(
                "work_unit_id", flat=True
            )
        )
        pending = units_with_sop - done
        if not pending:
            continue
        recipients: dict[int, dict[int, User]] = {pk: {} for pk in pending}
        for m in Membership.objects.filter(
            work_unit_id__in=pending, role__in=[Role.ADMIN, Role.KABAG], is_active=True
        ).select_related("user"):
            recipients[m.work_unit_id][m.user_id] = m.user
        for a in ActingAssignment.objects.filter(
            work_unit_id__in=pending,
            role__in=[Role.ADMIN, Role.KABAG],
            starts_on__lte=today,
            ends_on__gte=today,
        ).select_related("user"):
            recipients[a.work_unit_id][a.user_id] = a.user
        label = semester_label(year, half)
        ended = period.end < today
        for unit_id, users in recipients.items():
            message = f"Monitoring dan evaluasi SOP {label} belum ditandatangani" + (
                " padahal semester sudah berakhir." if ended else "; semester segera berakhir."
            )
            sent += notify(
                recipients=users.values(),
                kind="monev.due",
                message=message,
                link=reverse("monev:list") + f"?tahun={year}&semester={half}",
                dedup_key=f"monev:{unit_id}:{year}-{half}",
            )
    return sent
