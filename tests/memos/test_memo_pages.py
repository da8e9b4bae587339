"""Memo list and detail pages, downloads with access checks, and the retry button."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from simedsos.accounts.models import WorkUnit
from simedsos.core.models import AuditEvent
from simedsos.memos import rendering
from simedsos.memos.models import Memo, MemoKind, RenderStatus, Sifat
from simedsos.memos.rendering_service import memo_render, sha256_hex
from tests.factories import Role, make_unit, make_user
from tests.memos.builders import make_content_item, make_memo

pytestmark = pytest.mark.django_db

PASSWORD = "kata-sandi-uji-123"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def rendered(memo: Memo) -> Memo:
    memo_render(memo.pk)
    return Memo.objects.get(pk=memo.pk)


@pytest.fixture
def unit():
    return make_unit("62", name="KPU Provinsi Kalimantan Tengah")


@pytest.fixture
def kabag(unit):
    return make_user(Role.KABAG, unit)


def test_pages_need_login(client, unit, kabag):
    memo = make_memo(unit=unit, issued_by=kabag)
    for url in (
        reverse("memos:list"),
        reverse("memos:detail", args=[memo.pk]),
        reverse("memos:file", args=[memo.pk, "pdf"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/akun/" in response["Location"]


def test_list_shows_own_unit_memos_only(client, unit, kabag):
    mine = make_memo(unit=unit, issued_by=kabag, subject="Konten Hari Pahlawan")
    other_unit = make_unit()
    theirs = make_memo(unit=other_unit, subject="Konten satker lain")
    login(client, make_user(Role.STAF, unit))
    page = client.get(reverse("memos:list")).content.decode()
    assert mine.number in page and "Konten Hari Pahlawan" in page
    assert theirs.number not in page and "Konten satker lain" not in page


def test_province_sees_its_regencies_memos(client, unit):
    regency = make_unit(level=WorkUnit.Level.KABKOTA, parent=unit, name="KPU Kota Palangka Raya")
    memo = make_memo(unit=regency, subject="Konten kota")
    login(client, make_user(Role.PEMANTAU, unit))
    page = client.get(reverse("memos:list")).content.decode()
    assert "Konten kota" in page and memo.number in page
    assert "KPU Kota Palangka Raya" in page  # unit column shown when several units


def test_filters_and_search(client, unit, kabag):
    make_memo(unit=unit, issued_by=kabag, kind=MemoKind.DISPOSITION, subject="Disposisi A")
    make_memo(
        unit=unit,
        issued_by=kabag,
        kind=MemoKind.UPLOAD_ORDER,
        subject="Perintah unggah B",
        sifat=Sifat.SANGAT_SEGERA,
    )
    make_memo(unit=unit, issued_by=kabag, subject="Tahun lalu C", year=2025, number="9/X/2025")
    login(client, kabag)

    def subjects(**params):
        page = client.get(reverse("memos:list"), params).content.decode()
        return {s for s in ("Disposisi A", "Perintah unggah B", "Tahun lalu C") if s in page}

    assert subjects() == {"Disposisi A", "Perintah unggah B", "Tahun lalu C"}
    assert subjects(kind="UPLOAD_ORDER") == {"Perintah unggah B"}
    assert subjects(year="2025") == {"Tahun lalu C"}
    assert subjects(sifat="SANGAT_SEGERA") == {"Perintah unggah B"}
    assert subjects(q="unggah") == {"Perintah unggah B"}
    assert subjects(q="9/X/2025") == {"Tahun lalu C"}
    # A bad filter value shows a form error, not an error page.
    response = client.get(reverse("memos:list"), {"kind": "NOPE"})
    assert response.status_code == 200


def test_year_filter_runs_from_the_first_memo_to_this_year(client, unit, kabag):
    from django.utils import timezone

    this_year = timezone.localdate().year
    make_memo(unit=unit, issued_by=kabag, subject="Lama", year=2023, number="1/X/2023")
    login(client, kabag)
    page = client.get(reverse("memos:list")).content.decode()
    select = re.search(r'<select name="year".*?</select>', page, re.S).group(0)
    years = [int(y) for y in re.findall(r'<option value="(\d{4})"', select)]
    assert years == list(range(this_year, 2022, -1))


def test_list_is_paginated(client, unit, kabag):
    for n in range(30):
        make_memo(unit=unit, issued_by=kabag, subject=f"Hal nomor {n:02d}")
    login(client, kabag)
    first = client.get(reverse("memos:list")).content.decode()
    second = client.get(reverse("memos:list"), {"page": 2}).content.decode()
    assert "Halaman 1 dari 2" in first and "Halaman 2 dari 2" in second
    assert first.count("Hal nomor") == 25 and second.count("Hal nomor") == 5


def test_list_query_count_does_not_grow_with_memos(client, unit, kabag):
    login(client, kabag)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("memos:list")).status_code == 200
        return len(queries)

    for _ in range(5):
        make_memo(unit=unit, issued_by=kabag)
    few = count_queries()
    for _ in range(40):
        make_memo(unit=unit, issued_by=kabag)
    many = count_queries()
    assert few == many
    assert many <= 15


def test_detail_shows_fields_preview_and_downloads(client, unit, kabag):
    item = make_content_item(unit, title="Infografis Hari Konstitusi")
    memo = rendered(make_memo(unit=unit, issued_by=kabag, content_item=item))
    login(client, kabag)
    page = client.get(reverse("memos:detail", args=[memo.pk])).content.decode()
    for expected in (
        memo.number,
        memo.recipient,
        memo.subject,
        memo.signer_name,
        "25 November 2026",
        memo.verification_code,
        memo.pdf_sha256,
        "Infografis Hari Konstitusi",
        reverse("memos:file", args=[memo.pk, "pdf"]),
        reverse("memos:file", args=[memo.pk, "arsip"]),
        reverse("memos:file", args=[memo.pk, "disposisi"]),
        "<object",
    ):
        assert expected in page, expected


def test_detail_query_count_is_bounded(client, unit, kabag, django_assert_max_num_queries):
    memo = rendered(make_memo(unit=unit, issued_by=kabag))
    login(client, kabag)
    with django_assert_max_num_queries(15):
        client.get(reverse("memos:detail", args=[memo.pk]))


def test_download_returns_the_issued_bytes(client, unit, kabag):
    memo = rendered(make_memo(unit=unit, issued_by=kabag))
    login(client, make_user(Role.STAF, unit))
    response = client.get(reverse("memos:file", args=[memo.pk, "pdf"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert sha256_hex(b"".join(response.streaming_content)) == memo.pdf_sha256

    inline = client.get(reverse("memos:file", args=[memo.pk, "pdf"]), {"inline": "1"})
    assert "inline" in inline["Content-Disposition"]
    assert inline["X-Frame-Options"] == "SAMEORIGIN"


def test_other_unit_cannot_see_or_download(client, unit, kabag):
    memo = rendered(make_memo(unit=unit, issued_by=kabag))
    outsider = make_user(Role.KABAG, make_unit())
    login(client, outsider)
    assert client.get(reverse("memos:detail", args=[memo.pk])).status_code == 404
    for which in ("pdf", "arsip", "disposisi"):
        assert client.get(reverse("memos:file", args=[memo.pk, which])).status_code == 404


def test_upload_order_has_no_disposition_sheet(client, unit, kabag):
    memo = rendered(make_memo(unit=unit, issued_by=kabag, kind=MemoKind.UPLOAD_ORDER))
    login(client, kabag)
    assert client.get(reverse("memos:file", args=[memo.pk, "disposisi"])).status_code == 404
    assert client.get(reverse("memos:file", args=[memo.pk, "pdf"])).status_code == 200


def test_pending_memo_shows_progress_and_polls(client, unit, kabag):
    memo = make_memo(unit=unit, issued_by=kabag)
    login(client, kabag)
    page = client.get(reverse("memos:detail", args=[memo.pk])).content.decode()
    assert "PDF sedang dibuat" in page
    assert reverse("memos:render_status", args=[memo.pk]) in page
    assert client.get(reverse("memos:file", args=[memo.pk, "pdf"])).status_code == 404


def test_failed_render_is_visible_and_the_issuer_can_retry(
    client, unit, kabag, monkeypatch, django_capture_on_commit_callbacks
):
    original = rendering.render_memo_pdf

    def broken(memo, **kwargs):
        raise RuntimeError("layanan PDF mati")

    monkeypatch.setattr(rendering, "render_memo_pdf", broken)
    memo = make_memo(unit=unit, issued_by=kabag)
    for _ in range(3):
        memo_render(memo.pk)  # the dummy-free immediate retries are covered elsewhere
    memo.refresh_from_db()
    assert memo.render_status == RenderStatus.FAILED

    staff = make_user(Role.STAF, unit)
    login(client, staff)
    page = client.get(reverse("memos:detail", args=[memo.pk])).content.decode()
    assert "Gagal membuat PDF:" in page and "layanan PDF mati" in page
    assert "Coba lagi" not in page  # not the issuer, not an admin
    response = client.post(reverse("memos:rerender", args=[memo.pk]), follow=True)
    assert "tidak berwenang" in response.content.decode()
    memo.refresh_from_db()
    assert memo.render_status == RenderStatus.FAILED

    monkeypatch.setattr(rendering, "render_memo_pdf", original)
    login(client, kabag)
    page = client.get(reverse("memos:detail", args=[memo.pk])).content.decode()
    assert "Coba lagi" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("memos:rerender", args=[memo.pk]))
    assert response.status_code == 302
    memo.refresh_from_db()
    assert memo.render_status == RenderStatus.DONE
    assert memo.render_attempts == 1
    assert AuditEvent.objects.filter(action="memo.rerender", object_id=str(memo.pk)).exists()


def test_unit_admin_can_retry_a_failed_render(client, unit, kabag):
    memo = make_memo(unit=unit, issued_by=kabag)
    Memo.objects.filter(pk=memo.pk).update(render_status=RenderStatus.FAILED, render_attempts=3)
    login(client, make_user(Role.ADMIN, unit))
    page = client.get(reverse("memos:detail", args=[memo.pk])).content.decode()
    assert "Coba lagi" in page


def test_retry_of_a_finished_memo_is_refused(client, unit, kabag):
    memo = rendered(make_memo(unit=unit, issued_by=kabag))
    login(client, kabag)
    response = client.post(reverse("memos:rerender", args=[memo.pk]), follow=True)
    assert "sudah selesai dibuat" in response.content.decode()


def test_initial_fields_come_from_the_content_item(unit, kabag):
    from simedsos.memos.forms import MemoFieldsForm
    from simedsos.memos.selectors import memo_initial_fields

    kasubbag = make_user(Role.KASUBBAG, unit)
    kasubbag.jabatan = "Kepala Subbagian Hukum dan SDM"
    kasubbag.save()
    kabag.jabatan, kabag.nip = "Kepala Bagian TPHPHSDM", "198001012005011001"
    kabag.save()
    item = make_content_item(unit, title="Infografis Hari Konstitusi")

    fields = memo_initial_fields(item=item, kind=MemoKind.DISPOSITION, signer=kabag)
    assert fields["recipient"] == f"Kepala Subbagian Hukum dan SDM ({kasubbag.full_name})"
    assert fields["body"] == item.instruction
    assert "Infografis Hari Konstitusi" in fields["subject"]
    assert fields["signer_nip"] == "198001012005011001"
    assert fields["place"] == "Palangka Raya"

    order = memo_initial_fields(
        item=item, kind=MemoKind.UPLOAD_ORDER, signer=kabag, acting_kind="PLT"
    )
    assert item.assignee.full_name in order["recipient"]
    assert order["signer_acting_kind"] == "PLT"

    # The prefilled fields pass the form as they are; a bad NIP gets a clear message.
    data = fields | {"carbon_copies": "Sekretaris\nArsip", "issued_on": "2026-11-25"}
    form = MemoFieldsForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["carbon_copies"] == ["Sekretaris", "Arsip"]
    form = MemoFieldsForm(data | {"signer_nip": "1980 0101"})
    assert not form.is_valid()
    assert "18 angka" in str(form.errors["signer_nip"])
