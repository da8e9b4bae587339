"""The nota dinas and lembar disposisi PDFs, read back as text, fonts, images and QR codes."""

import datetime
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.tasks import default_task_backend
from django.test import override_settings
from PIL import Image

from simedsos.memos import rendering
from simedsos.memos.models import Memo, MemoKind, RenderStatus, Sifat
from simedsos.memos.rendering import (
    render_disposition_sheet_pdf,
    render_memo_pdf,
    tanggal_indonesia,
    verification_url,
)
from simedsos.memos.rendering_service import (
    MAX_RENDER_ATTEMPTS,
    memo_render,
    memo_render_enqueue,
    sha256_hex,
)
from tests.factories import make_unit
from tests.memos import pdfread
from tests.memos.builders import make_content_item, make_memo

pytestmark = pytest.mark.django_db

LONG_BODY = "\n\n".join(
    f"Paragraf {n}: " + "Konten media sosial JDIH disusun sesuai petunjuk pimpinan. " * 14
    for n in range(1, 13)
)


@pytest.mark.parametrize("kind", [MemoKind.DISPOSITION, MemoKind.UPLOAD_ORDER])
def test_every_field_of_each_kind_is_in_the_pdf(kind):
    memo = make_memo(
        kind=kind,
        number="123/HK.04-ND/62/2026",
        recipient="Kepala Subbagian Hukum dan SDM",
        sender="Kepala Bagian TPHPHSDM",
        carbon_copies=["Sekretaris KPU Provinsi Kalimantan Tengah", "Arsip"],
        sifat=Sifat.SANGAT_SEGERA,
        attachment_count=2,
        subject="Perintah Pengunggahan Infografis PKPU",
        body="Bersama ini kami perintahkan agar konten diunggah hari ini.",
        signer_name="Dra. Siti Rahmawati",
        signer_position="Kepala Bagian TPHPHSDM",
        signer_nip="197505052000032001",
        place="Palangka Raya",
        issued_on=datetime.date(2026, 11, 25),
    )
    text = pdfread.text(render_memo_pdf(memo))

    for expected in (
        "KOMISI PEMILIHAN UMUM",
        "SEKRETARIAT KPU PROVINSI KALIMANTAN TENGAH",
        "NOTA DINAS",
        "NOMOR 123/HK.04-ND/62/2026",
        "Yth. : Kepala Subbagian Hukum dan SDM",
        "Dari : Kepala Bagian TPHPHSDM",
        "Sekretaris KPU Provinsi Kalimantan Tengah",
        "Arsip",
        "Tanggal : 25 November 2026",
        "Sifat : Sangat Segera",
        "Lampiran : 2 (dua) berkas",
        "Hal : Perintah Pengunggahan Infografis PKPU",
        "Bersama ini kami perintahkan agar konten diunggah hari ini.",
        "Palangka Raya, 25 November 2026",
        "Kepala Bagian TPHPHSDM,",
        "Dra. Siti Rahmawati",
        "NIP 197505052000032001",
        f"Kode verifikasi: {memo.verification_code}",
        verification_url(memo),
    ):
        assert expected in text, expected
    assert "Plt." not in text and "Plh." not in text
    assert "Halaman" not in text  # one page: no page numbers


@pytest.mark.parametrize(("kind", "prefix"), [("PLT", "Plt."), ("PLH", "Plh.")])
def test_acting_signer_is_shown_as_plt_or_plh(kind, prefix):
    memo = make_memo(signer_acting_kind=kind, signer_position="Kepala Bagian TPHPHSDM")
    assert f"{prefix} Kepala Bagian TPHPHSDM" in pdfread.text(render_memo_pdf(memo))


def test_qr_code_decodes_to_the_verification_url():
    memo = make_memo()
    payloads = pdfread.qr_payloads(render_memo_pdf(memo))
    assert payloads == [f"http://127.0.0.1:8000/v/{memo.verification_code}/"]


@override_settings(PUBLIC_BASE_URL="https://jdih.kpu-kalteng.example/")
def test_qr_code_uses_the_configured_public_address():
    memo = make_memo()
    assert pdfread.qr_payloads(render_memo_pdf(memo)) == [
        f"https://jdih.kpu-kalteng.example/v/{memo.verification_code}/"
    ]


def test_long_memo_numbers_every_page_and_carries_the_qr_on_each():
    memo = make_memo(body=LONG_BODY)
    pdf = render_memo_pdf(memo)
    pages = pdfread.page_texts(pdf)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Halaman {number} dari {len(pages)}" in page
        assert memo.verification_code in page
    assert "Paragraf 12:" in pages[-1]
    assert "NIP 198001012005011001" in pages[-1]
    assert pdfread.qr_payloads(pdf, page_number=len(pages) - 1) == [verification_url(memo)]


def test_fonts_are_the_shipped_ones_and_embedded():
    memo = make_memo(signer_acting_kind="PLT")
    for pdf in (
        render_memo_pdf(memo),
        render_memo_pdf(memo, archive=True),
        render_disposition_sheet_pdf(memo),
    ):
        fonts = pdfread.embedded_fonts(pdf)
        assert fonts, "no fonts found"
        families = {name.split("-")[0] for name in fonts}
        assert families <= rendering.EMBEDDED_FONT_FAMILIES, fonts
        assert all(fonts.values()), f"font not embedded: {fonts}"


def test_archive_copy_declares_pdf_a_in_its_xmp_metadata():
    memo = make_memo()
    reader = pdfread.reader(render_memo_pdf(memo, archive=True))
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert re.search(r'pdfaid:part="3"', xmp)
    assert re.search(r'pdfaid:conformance="B"', xmp)
    assert "/OutputIntents" in reader.trailer["/Root"]
    # The working copy is an ordinary PDF.
    plain = pdfread.reader(render_memo_pdf(memo))
    assert (
        plain.xmp_metadata is None or "pdfaid" not in plain.xmp_metadata.stream.get_data().decode()
    )


def test_letterhead_carries_the_unit_logo_when_there_is_one():
    unit = make_unit()
    without = make_memo(unit=unit)
    assert len(pdfread.images(render_memo_pdf(without))) == 1  # the QR code only

    buffer = io.BytesIO()
    Image.new("RGB", (120, 120), (200, 30, 30)).save(buffer, format="PNG")
    unit.logo.save("logo-kpu.png", ContentFile(buffer.getvalue()), save=True)
    with_logo = make_memo(unit=unit)
    assert len(pdfread.images(render_memo_pdf(with_logo))) == 2


def test_text_typed_by_users_is_printed_not_interpreted():
    memo = make_memo(subject="<b>Hal</b> & lain-lain", body='<img src="http://example.test/x">')
    text = pdfread.text(render_memo_pdf(memo))
    assert "<b>Hal</b> & lain-lain" in text
    assert '<img src="http://example.test/x">' in text


def test_disposition_sheet_has_its_fields():
    unit = make_unit()
    item = make_content_item(unit)
    memo = make_memo(
        unit=unit,
        content_item=item,
        number="7/HK.04-ND/62/2026",
        sequence_number=7,
        sifat=Sifat.SEGERA,
        signer_acting_kind="PLH",
    )
    text = pdfread.text(render_disposition_sheet_pdf(memo))
    for expected in (
        "LEMBAR DISPOSISI",
        "NOMOR AGENDA 7/2026",
        f"Surat dari {memo.sender}",
        "Nomor surat 7/HK.04-ND/62/2026",
        "Tanggal surat 25 November 2026",
        "Diterima tanggal 25 November 2026",
        "Hal Pembuatan Konten Media Sosial JDIH",
        "Diteruskan kepada Sdr.:",
        "Kepala Subbagian Hukum dan SDM",
        "Dengan hormat harap:",
        "Proses lebih lanjut",
        item.instruction,
        "Paraf:",
        "Plh. Kepala Bagian Teknis Penyelenggaraan Pemilu",
        "Budi Santoso, S.H.",
        "NIP 198001012005011001",
    ):
        assert expected in text, expected
    assert pdfread.qr_payloads(render_disposition_sheet_pdf(memo)) == [verification_url(memo)]


def test_indonesian_dates():
    assert tanggal_indonesia(datetime.date(2026, 1, 5)) == "5 Januari 2026"
    assert tanggal_indonesia(datetime.date(2026, 8, 17)) == "17 Agustus 2026"


# --- the background render ------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "has_sheet"), [("DISPOSITION", True), ("UPLOAD_ORDER", False)])
def test_enqueued_after_commit_renders_and_stores_files_with_checksums(
    kind, has_sheet, django_capture_on_commit_callbacks
):
    memo = make_memo(kind=kind)
    with django_capture_on_commit_callbacks(execute=True):
        memo_render_enqueue(memo)
        memo.refresh_from_db()
        assert memo.render_status == RenderStatus.PENDING  # nothing before commit

    memo.refresh_from_db()
    assert memo.render_status == RenderStatus.DONE
    assert memo.render_attempts == 1
    assert memo.rendered_at is not None
    pdf = memo.pdf.read()
    assert sha256_hex(pdf) == memo.pdf_sha256
    assert memo.number in pdfread.text(pdf)
    assert sha256_hex(memo.archive_pdf.read()) == memo.archive_pdf_sha256
    assert bool(memo.disposition_sheet_pdf) is has_sheet
    if has_sheet:
        assert sha256_hex(memo.disposition_sheet_pdf.read()) == memo.disposition_sheet_sha256


def test_rendering_twice_does_nothing_the_second_time():
    memo = make_memo()
    memo_render(memo.pk)
    first = Memo.objects.get(pk=memo.pk)
    assert memo_render(memo.pk) == RenderStatus.DONE
    again = Memo.objects.get(pk=memo.pk)
    assert (again.pdf.name, again.pdf_sha256, again.render_attempts) == (
        first.pdf.name,
        first.pdf_sha256,
        1,
    )


def test_a_failing_render_is_retried_then_marked_failed(monkeypatch):
    calls = []

    def broken(memo, **kwargs):
        calls.append(memo.pk)
        raise RuntimeError("berkas huruf rusak")

    monkeypatch.setattr(rendering, "render_memo_pdf", broken)
    memo = make_memo()
    from simedsos.memos.tasks import render_memo

    render_memo.enqueue(memo.pk)  # the immediate backend runs the retries at once

    memo.refresh_from_db()
    assert len(calls) == MAX_RENDER_ATTEMPTS
    assert memo.render_status == RenderStatus.FAILED
    assert memo.render_attempts == MAX_RENDER_ATTEMPTS
    assert "berkas huruf rusak" in memo.render_error
    assert not memo.pdf


@override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}})
def test_a_failed_attempt_is_requeued_with_a_delay(monkeypatch):
    def broken(memo, **kwargs):
        raise RuntimeError("sementara tidak tersedia")

    monkeypatch.setattr(rendering, "render_memo_pdf", broken)
    memo = make_memo()
    status = memo_render(memo.pk)

    assert status == RenderStatus.PENDING
    memo.refresh_from_db()
    assert memo.render_attempts == 1
    [queued] = default_task_backend.results
    assert queued.args == [memo.pk]
    assert queued.task.run_after is not None
    assert queued.task.run_after > memo.render_updated_at


def test_missing_font_packages_fail_the_render_clearly(settings, tmp_path):
    settings.NODE_MODULES_DIR = tmp_path / "no-node-modules"
    memo = make_memo()
    memo_render(memo.pk)
    memo.refresh_from_db()
    assert memo.render_status == RenderStatus.FAILED
    assert "make install" in memo.render_error
