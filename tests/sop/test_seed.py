import datetime

import pytest
from django.core.management import call_command

from simedsos.accounts.models import WorkUnit
from simedsos.core.models import AuditEvent
from simedsos.sop.models import Sop, SopStep, SopVersion
from simedsos.sop.services import sop_seed_load

pytestmark = pytest.mark.django_db

# The values as printed in SOP 1176/2022 (seed/sop-1176-2022-pengelolaan-media-sosial-jdih.txt).
TITLE = (
    "Pengelolaan Media Sosial Jaringan Dokumentasi dan Informasi Hukum (JDIH) "
    "Komisi Pemilihan Umum Provinsi Kalimantan Tengah."
)
STEPS = [
    # number, kegiatan, actor, kind, action, minutes, kelengkapan, output
    (1, "Disposisi/petunjuk membuat konten Media Sosial JDIH", "KABAG", "TASK", "DISPOSE", 1,
     ["Nota Dinas", "Flashdisk/media penyampaian softcopy"], ""),
    (2, "Menghimpun bahan Konten dan Membuat Konsep konten Media Sosial JDIH", "STAF", "TASK",
     "DRAFT", 60, ["PC/Laptop"], "Konsep Konten"),
    (3, "Menyerahkan konsep konten Media Sosial JDIH", "STAF", "TASK", "SUBMIT", 1,
     ["Flashdisk"], "Konsep Konten"),
    (4, "Perbaikan/koreksi/persetujuan konsep konten Media Sosial JDIH", "KASUBBAG", "DECISION",
     "REVIEW", 5, ["Laptop"], "Konsep Konten"),
    (5, "Perintah Pengunggahan", "KABAG", "TASK", "ORDER_UPLOAD", 1, ["Nota Dinas"], ""),
    (6, "Pengunggahan konten Media Sosial", "STAF", "TASK", "PUBLISH", 1,
     ["PC/Laptop", "Jaringan"], "Konten Media Sosial JDIH"),
]  # fmt: skip


def test_seed_identity_matches_the_signed_document(seeded):
    v = seeded
    assert v.status == SopVersion.Status.PUBLISHED
    assert v.published_at is not None
    assert v.revision == 0
    assert v.number == "1176 Tahun 2022"
    assert v.title == TITLE
    assert v.sop.title == TITLE
    assert v.organization_lines == [
        "KOMISI PEMILIHAN UMUM PROVINSI KALIMANTAN TENGAH",
        "SEKRETARIAT KOMISI PEMILIHAN UMUM PROVINSI KALIMANTAN TENGAH",
    ]
    # "Tanggal pengesahan 25 Juli 2022"; "berlaku pada saat ditandatangani".
    assert v.made_on == v.effective_on == datetime.date(2022, 7, 25)
    assert v.revised_on is None
    assert v.approver_name == "Drs. Arief Suja'i., M.Si"
    assert v.approver_position == "Sekretaris Komisi Pemilihan Umum Provinsi Kalimantan Tengah"
    assert v.approval_place == "Palangka Raya"
    assert len(v.ratification_points) == 6
    assert v.ratification_points[5] == (
        "Prosedur Standar Operasional ini berlaku pada saat ditandatangani."
    )
    assert "paling sedikit 2 (dua) kali setahun" in v.ratification_points[2]
    assert len(v.legal_basis) == 6
    assert v.legal_basis[0] == "Undang-Undang 7 Tahun 2017 tentang Pemilihan Umum;"
    assert v.legal_basis[5].startswith("Keputusan Komisi Pemilihan Umum Nomor 10/HK.04/08/2022")
    assert len(v.executor_qualifications) == 3
    assert v.related_sops == [
        "SOP Pengunggahan Produk Hukum Pada Jaringan Dokumentasi dan Informasi Hukum (JDIH) "
        "Komisi Pemilihan Umum Provinsi Kalimantan Tengah."
    ]
    assert v.equipment == [
        "Perangkat Komputer atau Laptop",
        "Jaringan Internet",
        "Flashdisk",
        "Aplikasi Desain Gratis",
    ]
    assert v.warnings == []
    assert v.recording == ["Disimpan dalam bentuk softcopy"]
    assert v.actor_columns == [
        {"role": "KABAG", "title": "Kepala Bagian TPHPHSDM"},
        {"role": "KASUBBAG", "title": "Kasubbag Hukum & SDM"},
        {"role": "STAF", "title": "Staf"},
    ]


def test_seed_steps_match_the_flowchart(seeded):
    steps = list(seeded.steps.order_by("number"))
    assert len(steps) == 6
    for step, expected in zip(steps, STEPS, strict=True):
        number, activity, actor, kind, action, minutes, requirements, output = expected
        assert step.number == number
        assert step.activity == activity
        assert step.actor_role == actor
        assert step.kind == kind
        assert step.action == action
        assert step.time_standard_minutes == minutes
        assert step.requirements == requirements
        assert step.output == output
    assert [s.time_standard_minutes for s in steps] == [1, 60, 1, 5, 1, 1]
    review = steps[3]
    assert review.kind == SopStep.Kind.DECISION and review.return_to_number == 2
    assert all(s.return_to_number is None for s in steps if s.number != 4)


def test_seed_creates_the_units_by_code(seeded):
    unit = WorkUnit.objects.get(code="62")
    assert unit.level == WorkUnit.Level.PROVINSI
    assert unit.parent.code == "00"
    assert unit.parent.name == "KPU RI"
    assert seeded.sop.work_unit == unit


def test_seed_reuses_units_created_before_it():
    root = WorkUnit.objects.create(code="00", name="KPU RI (demo)", level="PUSAT")
    unit = WorkUnit.objects.create(
        code="62", name="KPU Prov. Kalteng (demo)", level="PROVINSI", parent=root
    )
    sop, created = sop_seed_load()
    assert created
    assert sop.work_unit == unit
    assert WorkUnit.objects.count() == 2
    assert WorkUnit.objects.get(code="62").name == "KPU Prov. Kalteng (demo)"


def test_seed_is_idempotent_and_audited_as_system():
    sop_seed_load()
    sop, created = sop_seed_load()
    assert created is False
    call_command("simedsos_seed", verbosity=0)
    assert Sop.objects.count() == 1
    assert SopVersion.objects.count() == 1
    assert SopStep.objects.count() == 6
    events = AuditEvent.objects.filter(action="sop.seed.load")
    assert events.count() == 1
    event = events.get()
    assert event.actor is None and event.actor_name == "sistem"
    assert len(event.after["steps"]) == 6


def test_seed_command_loads_on_first_start():
    call_command("simedsos_seed", verbosity=0)
    assert SopVersion.objects.filter(status="PUBLISHED", number="1176 Tahun 2022").exists()
