import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from simedsos.core.audit import audit_verify_chain
from simedsos.core.models import AuditEvent
from simedsos.sop.models import SopStep, SopVersion
from simedsos.sop.selectors import sop_version_in_force
from simedsos.sop.services import (
    sop_step_delete,
    sop_step_move,
    sop_step_save,
    sop_version_copy,
    sop_version_delete,
    sop_version_publish,
    sop_version_update,
    sop_version_validate,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 1, 15)


@pytest.fixture
def draft(seeded, admin):
    return sop_version_copy(actor=admin, version=seeded)


def _messages(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def _step(version, number) -> SopStep:
    return version.steps.get(number=number)


def test_copy_makes_next_draft_revision_with_all_steps(seeded, admin, draft):
    assert draft.status == SopVersion.Status.DRAFT
    assert draft.revision == 1
    assert draft.based_on == seeded
    assert draft.created_by == admin
    assert draft.effective_on is None and draft.revised_on is None
    assert draft.made_on == seeded.made_on
    assert draft.legal_basis == seeded.legal_basis
    assert draft.actor_columns == seeded.actor_columns
    original = list(seeded.steps.values_list("number", "activity", "time_standard_minutes"))
    assert list(draft.steps.values_list("number", "activity", "time_standard_minutes")) == original
    assert _step(draft, 4).return_to_number == 2
    event = AuditEvent.objects.get(action="sop.version.copy")
    assert event.actor == admin
    assert event.before["based_on_id"] == seeded.pk


def test_copy_refused_while_a_draft_is_open(seeded, admin, draft):
    with pytest.raises(ValidationError) as excinfo:
        sop_version_copy(actor=admin, version=seeded)
    assert "Sudah ada konsep revisi ke-1" in _messages(excinfo)


def test_publish_retires_the_previous_version(seeded, admin, draft, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)
    sop_version_update(actor=admin, version=draft, evaluation_note="Hasil monev semester I")
    sop_step_save(
        actor=admin, version=draft, step=_step(draft, 2), data={"time_standard_minutes": 45}
    )
    published = sop_version_publish(actor=admin, version=draft, effective_on=TODAY)
    seeded.refresh_from_db()
    assert published.status == SopVersion.Status.PUBLISHED
    assert published.published_by == admin and published.published_at is not None
    assert published.effective_on == TODAY
    assert published.revised_on == TODAY
    assert seeded.status == SopVersion.Status.RETIRED and seeded.retired_at is not None
    # The retired version kept its content.
    assert _step(seeded, 2).time_standard_minutes == 60
    assert sop_version_in_force(work_unit=seeded.sop.work_unit) == published
    assert (
        sop_version_in_force(work_unit=seeded.sop.work_unit).steps.all()[1].time_standard_minutes
        == 45
    )
    actions = list(
        AuditEvent.objects.filter(action__startswith="sop.version").values_list("action", flat=True)
    )
    assert {"sop.version.retire", "sop.version.publish"} <= set(actions)
    assert audit_verify_chain() == []


def test_update_is_audited_with_before_and_after(draft, admin):
    sop_version_update(actor=admin, version=draft, number="1176 Tahun 2026")
    event = AuditEvent.objects.get(action="sop.version.update")
    assert event.before["number"] == "1176 Tahun 2022"
    assert event.after["number"] == "1176 Tahun 2026"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"number": "  "}, "Nomor SOP wajib diisi."),
        ({"title": ""}, "Nama SOP wajib diisi."),
        ({"approver_nip": "1234"}, "NIP harus terdiri atas tepat 18 angka"),
        ({"actor_columns": []}, "Kolom pelaksana belum diisi"),
        ({"actor_columns": [{"role": "BOS", "title": "Bos"}]}, "peran “BOS” tidak dikenal"),
        (
            {"actor_columns": [{"role": "KABAG", "title": "Kabag"}, {"role": "STAF", "title": ""}]},
            "judul kolom belum diisi",
        ),
        (
            {
                "actor_columns": [
                    {"role": "KABAG", "title": "Kabag"},
                    {"role": "STAF", "title": "S"},
                ]
            },
            "Kolom pelaksana Kasubbag Hukum & SDM masih dipakai oleh langkah 4",
        ),
        (
            {"made_on": datetime.date(2022, 7, 25), "revised_on": datetime.date(2022, 1, 1)},
            "Tanggal revisi tidak boleh sebelum tanggal pembuatan.",
        ),
    ],
)
def test_bad_identity_edits_get_indonesian_messages(draft, admin, fields, message):
    before = SopVersion.objects.get(pk=draft.pk)
    with pytest.raises(ValidationError) as excinfo:
        sop_version_update(actor=admin, version=draft, **fields)
    assert message in _messages(excinfo)
    after = SopVersion.objects.get(pk=draft.pk)
    assert after.number == before.number and after.actor_columns == before.actor_columns


@pytest.mark.parametrize(
    ("number", "data", "message"),
    [
        (4, {"return_to_number": None}, "tentukan ke langkah mana konsep dikembalikan"),
        (4, {"return_to_number": 5}, "harus langkah sebelumnya"),
        (4, {"return_to_number": 4}, "harus langkah sebelumnya"),
        (2, {"actor_role": ""}, "Langkah 2: pelaksana belum dipilih."),
        (2, {"actor_role": "PEMANTAU"}, "tidak ada di kolom pelaksana"),
        (2, {"time_standard_minutes": 0}, "lebih dari 0"),
        (2, {"time_standard_minutes": -5}, "lebih dari 0"),
        (2, {"time_standard_minutes": None}, "waktu (mutu baku) belum diisi"),
        (2, {"activity": " "}, "uraian kegiatan belum diisi"),
        (2, {"return_to_number": 1}, "hanya langkah keputusan"),
    ],
)
def test_bad_step_edits_get_indonesian_messages(draft, admin, number, data, message):
    step = _step(draft, number)
    with pytest.raises(ValidationError) as excinfo:
        sop_step_save(actor=admin, version=draft, step=step, data=data)
    assert message in _messages(excinfo)
    reread = SopStep.objects.get(pk=step.pk)
    assert (reread.return_to_number, reread.time_standard_minutes, reread.actor_role) == (
        step.return_to_number,
        step.time_standard_minutes,
        step.actor_role,
    )


def test_add_step_appends_at_the_end(draft, admin):
    step = sop_step_save(
        actor=admin,
        version=draft,
        data={
            "activity": "Mengarsipkan paket dokumentasi",
            "actor_role": "STAF",
            "kind": "TASK",
            "action": "PUBLISH",
            "time_standard_minutes": 2,
            "requirements": ["PC/Laptop", " "],
        },
    )
    assert step.number == 7
    assert step.requirements == ["PC/Laptop"]
    assert AuditEvent.objects.filter(action="sop.step.create").count() == 1


def test_move_renumbers_and_return_targets_follow(draft, admin):
    # Move step 1 to the end: the old step 2 becomes 1, so the review returns to 1.
    sop_step_move(actor=admin, step=_step(draft, 1), to_number=6)
    steps = list(draft.steps.order_by("number"))
    assert [s.number for s in steps] == [1, 2, 3, 4, 5, 6]
    assert steps[5].action == "DISPOSE"
    assert steps[0].action == "DRAFT"
    review = next(s for s in steps if s.action == "REVIEW")
    assert review.number == 3 and review.return_to_number == 1
    # Moving the drafting step below the review breaks the rule, and validation says so.
    sop_step_move(actor=admin, step=_step(draft, 1), to_number=4)
    review = draft.steps.get(action="REVIEW")
    assert review.return_to_number == 4 and review.number == 2
    assert any("harus langkah sebelumnya" in p for p in sop_version_validate(draft))


def test_move_to_a_position_out_of_range_is_refused(draft, admin):
    with pytest.raises(ValidationError) as excinfo:
        sop_step_move(actor=admin, step=_step(draft, 1), to_number=9)
    assert "Posisi tujuan harus antara 1 dan 6." in _messages(excinfo)


def test_delete_renumbers_and_protects_return_targets(draft, admin):
    with pytest.raises(ValidationError) as excinfo:
        sop_step_delete(actor=admin, step=_step(draft, 2))
    assert "tujuan pengembalian dari langkah 4" in _messages(excinfo)
    sop_step_delete(actor=admin, step=_step(draft, 1))
    steps = list(draft.steps.order_by("number"))
    assert [s.number for s in steps] == [1, 2, 3, 4, 5]
    assert steps[2].action == "REVIEW" and steps[2].return_to_number == 1


def test_validation_lists_every_problem(draft, admin):
    SopVersion.objects.filter(pk=draft.pk).update(number="", title="", approver_name="")
    draft.refresh_from_db()
    draft.steps.all().delete()
    problems = sop_version_validate(draft)
    assert "Nomor SOP belum diisi." in problems
    assert "Nama SOP belum diisi." in problems
    assert "Tanggal efektif belum diisi." in problems
    assert "Nama pejabat yang mengesahkan belum diisi." in problems
    assert "SOP belum memiliki langkah kegiatan." in problems


def test_validation_reports_duplicate_and_gapped_numbers(draft):
    SopStep.objects.filter(version=draft, number=6).update(number=8)
    assert "Nomor langkah harus berurutan mulai dari 1 tanpa loncatan." in sop_version_validate(
        draft
    )


def test_publish_refuses_an_invalid_draft_and_keeps_the_old_one(seeded, draft, admin):
    SopStep.objects.filter(version=draft, number=3).update(actor_role="PEMANTAU")
    with pytest.raises(ValidationError) as excinfo:
        sop_version_publish(actor=admin, version=draft, effective_on=timezone.localdate())
    assert "Langkah 3: pelaksana Pemantau tidak ada di kolom pelaksana" in _messages(excinfo)
    seeded.refresh_from_db()
    draft.refresh_from_db()
    assert seeded.status == SopVersion.Status.PUBLISHED
    assert draft.status == SopVersion.Status.DRAFT and draft.effective_on is None


@pytest.mark.parametrize(
    ("effective_on", "message"),
    [
        (datetime.date(2022, 7, 1), "tidak boleh sebelum tanggal efektif versi yang berlaku"),
        (None, "Tanggal efektif belum diisi."),
    ],
)
def test_publish_checks_the_effective_date(draft, admin, effective_on, message):
    with pytest.raises(ValidationError) as excinfo:
        sop_version_publish(actor=admin, version=draft, effective_on=effective_on)
    assert message in _messages(excinfo)


def test_publish_refuses_a_future_effective_date(draft, admin):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        sop_version_publish(actor=admin, version=draft, effective_on=tomorrow)
    assert "Tanggal efektif tidak boleh setelah hari ini." in _messages(excinfo)


def test_published_version_is_refused_by_services_in_indonesian(seeded, admin):
    expected = "Versi SOP ini sudah diterbitkan sehingga tidak dapat diubah."
    calls = [
        lambda: sop_version_update(actor=admin, version=seeded, number="X"),
        lambda: sop_step_save(
            actor=admin, version=seeded, step=_step(seeded, 1), data={"time_standard_minutes": 2}
        ),
        lambda: sop_step_save(actor=admin, version=seeded, data={"activity": "baru"}),
        lambda: sop_step_delete(actor=admin, step=_step(seeded, 1)),
        lambda: sop_step_move(actor=admin, step=_step(seeded, 1), to_number=2),
        lambda: sop_version_publish(actor=admin, version=seeded, effective_on=TODAY),
        lambda: sop_version_delete(actor=admin, version=seeded),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as excinfo:
            call()
        assert expected in _messages(excinfo)
    assert _step(seeded, 1).time_standard_minutes == 1


def test_discarding_a_draft_removes_it_and_its_steps(draft, admin):
    pk = draft.pk
    sop_version_delete(actor=admin, version=draft)
    assert not SopVersion.objects.filter(pk=pk).exists()
    assert not SopStep.objects.filter(version_id=pk).exists()
    assert AuditEvent.objects.filter(action="sop.version.delete").count() == 1
