import datetime
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from simedsos.sop.models import Sop, SopStep, SopVersion
from simedsos.sop.services import sop_version_copy
from tests.factories import Role, make_user
from tests.sop.flowchart_html import parse_flowchart, squash

pytestmark = pytest.mark.django_db

EXPECTED_ROWS = [
    # number, actor column, symbol, kelengkapan, waktu, output
    (1, "KABAG", "terminator", ["Nota Dinas", "Flashdisk/media penyampaian softcopy"],
     "1 menit", ""),
    (2, "STAF", "process", ["PC/Laptop"], "60 menit", "Konsep Konten"),
    (3, "STAF", "process", ["Flashdisk"], "1 menit", "Konsep Konten"),
    (4, "KASUBBAG", "decision", ["Laptop"], "5 menit", "Konsep Konten"),
    (5, "KABAG", "process", ["Nota Dinas"], "1 menit", ""),
    (6, "STAF", "terminator", ["PC/Laptop", "Jaringan"], "1 menit", "Konten Media Sosial JDIH"),
]  # fmt: skip


@pytest.fixture
def viewer(unit62):
    return make_user(Role.STAF, unit62)


def test_document_shows_identity_grid(client, seeded, viewer):
    client.force_login(viewer)
    body = client.get(reverse("sop:document", args=[seeded.pk])).content.decode()
    for label in [
        "Nomor SOP",
        "Tgl Pembuatan",
        "Tgl Revisi",
        "Tgl Efektif",
        "Disahkan oleh",
        "Nama SOP",
        "Dasar Hukum",
        "Kualifikasi Pelaksana",
        "Keterkaitan",
        "Peralatan/Perlengkapan",
        "Peringatan",
        "Pencatatan dan Pendataan",
        "PENGESAHAN",
    ]:
        assert label in body, label
    assert '<td data-field="number">1176 Tahun 2022</td>' in body
    assert '<td data-field="effective_on">25 Juli 2022</td>' in body
    assert "Drs. Arief Suja&#x27;i., M.Si" in body
    assert "SEKRETARIAT KOMISI PEMILIHAN UMUM PROVINSI KALIMANTAN TENGAH" in body
    assert "Aplikasi Desain Gratis" in body
    assert "Disimpan dalam bentuk softcopy" in body
    assert "Disahkan di Palangka Raya" in body


def test_document_flowchart_puts_each_symbol_in_its_actor_column(client, seeded, viewer):
    client.force_login(viewer)
    body = client.get(reverse("sop:document", args=[seeded.pk])).content.decode()
    header_roles, rows = parse_flowchart(body)
    assert header_roles == ["KABAG", "KASUBBAG", "STAF"]
    assert "Kepala Bagian TPHPHSDM" in body and "Kasubbag Hukum &amp; SDM" in body
    assert [r["number"] for r in rows] == [1, 2, 3, 4, 5, 6]
    for row, expected in zip(rows, EXPECTED_ROWS, strict=True):
        number, actor, shape, requirements, time, output = expected
        cells = row["cells"]
        actor_cells = [c for c in cells if "sop-actor" in c["class"].split()]
        assert [c["role"] for c in actor_cells] == header_roles
        with_symbol = [c for c in actor_cells if c["symbols"]]
        assert len(with_symbol) == 1, number
        assert with_symbol[0]["role"] == actor
        assert f"sop-symbol--{shape}" in with_symbol[0]["symbols"][0]
        by_class = {c["class"]: squash(c["text"]) for c in cells if "sop-actor" not in c["class"]}
        assert by_class["sop-no"] == str(number)
        assert by_class["sop-time"] == time
        assert by_class["sop-output"] == output
        for item in requirements:
            assert item in by_class["sop-req"]
    assert "Kegiatan" in body and "Kelengkapan" in body and "Mutu Baku" in body
    decision = rows[3]["cells"]
    assert any("Tidak → 2" in squash(c["text"]) for c in decision)
    assert "Bila tidak disetujui, kembali ke langkah 2." in body
    assert "69 menit" in body  # the sum of the standards


def test_document_draws_connectors_between_steps(client, seeded, viewer):
    client.force_login(viewer)
    body = client.get(reverse("sop:document", args=[seeded.pk])).content.decode()
    # Step 1 (Kabag) to step 2 (Staf): a line leaves step 1 downwards, runs right across the
    # Kasubbag column and enters step 2 from above.
    row2 = body[body.index('id="langkah-2"') : body.index('id="langkah-3"')]
    assert row2.count("sop-line--jog-full") == 1
    assert "sop-line--in-side" in row2
    row1 = body[body.index('id="langkah-1"') : body.index('id="langkah-2"')]
    assert "sop-line--out" in row1 and "sop-line--in" not in row1


def test_document_is_printable_and_scrolls_on_a_phone(client, seeded, viewer):
    client.force_login(viewer)
    body = client.get(reverse("sop:document", args=[seeded.pk])).content.decode()
    assert "sop/document.css" in body
    assert 'class="table-scroll"' in body
    css = finders.find("sop/document.css")
    css = Path(css).read_text()
    assert "size: A4 landscape" in css and "@media print" in css


def _add_steps(version: SopVersion, extra: int) -> None:
    start = version.steps.count()
    SopStep.objects.bulk_create(
        SopStep(
            version=version,
            number=start + i,
            activity=f"Langkah tambahan {i}",
            actor_role="STAF",
            action="PUBLISH",
            time_standard_minutes=2,
        )
        for i in range(1, extra + 1)
    )


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_document_query_count_does_not_grow_with_steps_or_versions(
    client, seeded, admin, django_assert_max_num_queries
):
    client.force_login(admin)
    small = _count_queries(client, reverse("sop:document", args=[seeded.pk]))
    draft = sop_version_copy(actor=admin, version=seeded)
    _add_steps(draft, 40)
    big = _count_queries(client, reverse("sop:document", args=[draft.pk]))
    assert big == small
    assert small <= 15
    with django_assert_max_num_queries(15):
        client.get(reverse("sop:document", args=[draft.pk]))


def _many_versions(seeded, count: int) -> None:
    for i in range(count):
        sop = Sop.objects.create(work_unit=seeded.sop.work_unit, code=f"sop-{i}", title=f"SOP {i}")
        for revision in range(3):
            version = SopVersion.objects.create(
                sop=sop, revision=revision, number=f"{i}/{revision}", title=f"SOP {i}"
            )
            _add_steps(version, 3)


def test_version_list_query_count_is_flat(client, seeded, admin):
    client.force_login(admin)
    few = _count_queries(client, reverse("sop:list"))
    _many_versions(seeded, 10)
    many = _count_queries(client, reverse("sop:list"))
    assert many == few
    assert many <= 15
    body = client.get(reverse("sop:list")).content.decode()
    assert body.count("data-version=") == 31


def test_version_list_shows_status_date_and_actions(client, seeded, admin):
    client.force_login(admin)
    body = client.get(reverse("sop:list")).content.decode()
    assert "Berlaku" in body and "25 Juli 2022" in body
    assert reverse("sop:document", args=[seeded.pk]) in body
    assert reverse("sop:copy", args=[seeded.pk]) in body


def test_admin_revises_and_publishes_through_the_pages(client, seeded, admin):
    client.force_login(admin)
    response = client.post(reverse("sop:copy", args=[seeded.pk]))
    draft = SopVersion.objects.get(status="DRAFT")
    assert response["Location"] == reverse("sop:edit", args=[draft.pk])
    edit_page = client.get(reverse("sop:edit", args=[draft.pk])).content.decode()
    assert "Langkah kegiatan" in edit_page and "KABAG | Kepala Bagian TPHPHSDM" in edit_page

    step = draft.steps.get(number=2)
    response = client.post(
        reverse("sop:step_edit", args=[draft.pk, step.pk]),
        {
            "activity": step.activity,
            "actor_role": "STAF",
            "kind": "TASK",
            "action": "DRAFT",
            "time_standard_minutes": "45",
            "requirements": "PC/Laptop\nAplikasi Desain Gratis",
            "output": "Konsep Konten",
        },
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.time_standard_minutes == 45
    assert step.requirements == ["PC/Laptop", "Aplikasi Desain Gratis"]

    client.post(reverse("sop:step_move", args=[draft.pk, step.pk]), {"to_number": 1})
    client.post(reverse("sop:step_move", args=[draft.pk, step.pk]), {"to_number": 2})
    assert draft.steps.get(number=4).return_to_number == 2

    today = timezone.localdate()
    response = client.post(reverse("sop:publish", args=[draft.pk]), {"effective_on": today})
    assert response["Location"] == reverse("sop:document", args=[draft.pk])
    draft.refresh_from_db()
    seeded.refresh_from_db()
    assert draft.status == "PUBLISHED" and seeded.status == "RETIRED"
    page = client.get(reverse("sop:document", args=[draft.pk])).content.decode()
    assert "45 menit" in page


def test_bad_step_input_is_kept_and_explained(client, seeded, admin):
    client.force_login(admin)
    draft = sop_version_copy(actor=admin, version=seeded)
    step = draft.steps.get(number=4)
    response = client.post(
        reverse("sop:step_edit", args=[draft.pk, step.pk]),
        {
            "activity": "Koreksi konsep yang diketik ulang",
            "actor_role": "KASUBBAG",
            "kind": "DECISION",
            "action": "REVIEW",
            "time_standard_minutes": "0",
            "requirements": "Laptop\nCatatan koreksi",
            "output": "Konsep Konten",
            "return_to_number": "6",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Belum tersimpan" in body
    assert "waktu harus berupa bilangan bulat menit yang lebih dari 0" in body
    assert "langkah tujuan pengembalian (6) harus langkah sebelumnya" in body
    assert "Koreksi konsep yang diketik ulang" in body
    assert "Laptop\nCatatan koreksi" in body
    step.refresh_from_db()
    assert step.time_standard_minutes == 5 and step.return_to_number == 2


def test_bad_identity_input_is_kept_and_explained(client, seeded, admin):
    client.force_login(admin)
    draft = sop_version_copy(actor=admin, version=seeded)
    response = client.post(
        reverse("sop:edit", args=[draft.pk]),
        {
            "number": "",
            "title": "Judul baru yang diketik",
            "actor_columns": "KABAG | Kepala Bagian\nSTAF tanpa pemisah",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "tulis dengan format KODE | Judul kolom" in body
    assert "Judul baru yang diketik" in body
    response = client.post(
        reverse("sop:edit", args=[draft.pk]),
        {"number": "", "title": "Judul baru yang diketik", "actor_columns": "STAF | Staf"},
    )
    body = response.content.decode()
    assert "Nomor SOP wajib diisi." in body
    assert "masih dipakai oleh langkah 1" in body
    assert "Judul baru yang diketik" in body
    draft.refresh_from_db()
    assert draft.title == seeded.title


def test_publish_page_lists_what_blocks_publishing(client, seeded, admin):
    client.force_login(admin)
    draft = sop_version_copy(actor=admin, version=seeded)
    SopStep.objects.filter(version=draft, number=6).update(actor_role="PEMANTAU")
    body = client.get(reverse("sop:publish", args=[draft.pk])).content.decode()
    assert "Belum dapat diterbitkan" in body
    assert "Langkah 6: pelaksana Pemantau tidak ada di kolom pelaksana" in body
    assert "Tanggal efektif belum diisi" not in body
    response = client.post(
        reverse("sop:publish", args=[draft.pk]), {"effective_on": datetime.date(2022, 1, 1)}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "tidak boleh sebelum tanggal efektif versi yang berlaku" in body
    draft.refresh_from_db()
    assert draft.status == "DRAFT"


def test_published_version_edit_page_redirects_with_message(client, seeded, admin):
    client.force_login(admin)
    response = client.get(reverse("sop:edit", args=[seeded.pk]), follow=True)
    assert "Versi ini sudah tidak dapat diubah. Buat revisi baru." in response.content.decode()
