"""The archive page: search by text and filters, access, query counts, ZIP download."""

import dataclasses
import datetime
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from simedsos.accounts.roles import Role
from simedsos.archive.models import ArchiveEntry, DocumentationPackage
from simedsos.archive.search import index_all, search_terms
from simedsos.archive.selectors import ArchiveFilters, archive_search
from simedsos.archive.services import package_files
from tests.archive.builders import bulk_entries, finish
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pemilu = finish(world, title="Infografis UU Pemilu", caption="Tahapan kampanye dimulai")
        kuis = finish(
            dataclasses.replace(world, staf=world.staf2),  # drafted and posted by staf2
            title="Kuis Hari Konstitusi",
            caption="Jawab kuis berhadiah",
            content_type="KUIS",
            legal_products=[{"title": "PKPU Nomor 15 Tahun 2023", "number": "15/2023"}],
            target_accounts=[world.accounts[1]],  # Facebook only
            returned=False,
            not_published=True,
        )
    return pemilu, kuis


def found(user, **filters):
    return [e.item_id for e in archive_search(user, ArchiveFilters(**filters))]


def test_search_by_title_caption_and_legal_product(world, items):
    pemilu, kuis = items
    assert found(world.kabag, q="pemilu") == [pemilu.pk]
    assert found(world.kabag, q="KAMPANYE") == [pemilu.pk]  # caption, any case
    assert found(world.kabag, q="kampa") == [pemilu.pk]  # word prefix
    assert found(world.kabag, q="PKPU 15") == [kuis.pk]  # legal product
    assert found(world.kabag, q="berhadiah konstitusi") == [kuis.pk]  # every word
    assert found(world.kabag, q="pemilu berhadiah") == []
    assert sorted(found(world.kabag)) == sorted([pemilu.pk, kuis.pk])


def test_title_match_ranks_above_a_caption_match(world, items):
    pemilu, kuis = items
    entry = ArchiveEntry.objects.get(item=kuis)
    entry.body += "\nIngat pemilu"
    entry.save()
    index_all()
    assert found(world.kabag, q="pemilu") == [pemilu.pk, kuis.pk]


@pytest.mark.parametrize(
    "text",
    [
        '"',
        'pemilu"',
        "*",
        "pemilu*",
        "AND",
        "OR NOT",
        "(pemilu",
        "title:pemilu",
        "-pemilu",
        "NEAR(a b)",
        "'; DROP TABLE x; --",
        "^",
        "pemilu:*",
        "!!!",
        "a & b | c",
        "\\",
        "%_",
    ],
)
def test_special_characters_do_not_break_the_search(world, items, text):
    result = found(world.kabag, q=text)
    assert isinstance(result, list)
    if search_terms(text) == ["pemilu"]:
        assert result == [items[0].pk]


def test_search_terms_are_words_only():
    assert search_terms('  "Pemilu"* OR (kampanye) pemilu 7/2017 ') == [
        "pemilu",
        "or",
        "kampanye",
        "7",
        "2017",
    ]


def test_filters(world, items):
    pemilu, kuis = items
    assert found(world.kabag, content_type="KUIS") == [kuis.pk]
    assert found(world.kabag, platform="INSTAGRAM") == [pemilu.pk]
    assert sorted(found(world.kabag, platform="FACEBOOK")) == sorted([pemilu.pk, kuis.pk])
    assert found(world.kabag, platform="X") == []
    assert found(world.kabag, status="NOT_PUBLISHED") == [kuis.pk]
    assert found(world.kabag, person_ids=frozenset({world.staf2.pk})) == [kuis.pk]
    both = sorted([pemilu.pk, kuis.pk])
    assert sorted(found(world.kabag, person_ids=frozenset({world.kasubbag.pk}))) == both
    assert sorted(found(world.kabag, person_ids=frozenset({world.staf.pk, world.staf2.pk}))) == both
    assert found(world.kabag, person_ids=frozenset()) == []  # a search that found nobody
    today = timezone.localdate()
    assert len(found(world.kabag, date_from=today, date_to=today)) == 2
    assert found(world.kabag, date_to=today - datetime.timedelta(days=1)) == []
    assert found(world.kabag, date_from=today + datetime.timedelta(days=1)) == []
    assert found(world.kabag, q="kuis", content_type="INFOGRAFIS") == []


def test_search_sees_visible_units_only(world, items):
    assert found(world.other["KABAG"]) == []
    assert found(world.other["KABAG"], q="pemilu") == []
    assert len(found(world.pemantau)) == 2


def test_archive_page_lists_and_searches(client, world, items):
    client.force_login(world.staf)
    response = client.get(reverse("archive:search"), {"q": "pemilu"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Infografis UU Pemilu" in text and "Kuis Hari Konstitusi" not in text
    assert reverse("archive:download", args=[items[0].pk]) in text
    assert "Selesai" in text  # package status


def test_archive_page_requires_login(client):
    response = client.get(reverse("archive:search"))
    assert response.status_code == 302 and "/akun/" in response["Location"]


@pytest.mark.parametrize("params", [{}, {"q": "arsip", "platform": "INSTAGRAM"}])
def test_archive_page_query_count_is_flat(client, world, django_assert_max_num_queries, params):
    client.force_login(world.kabag)
    bulk_entries(world, 5)
    client.get(reverse("archive:search"), params)  # warm caches (content types, session)
    with django_assert_max_num_queries(15) as small:
        assert client.get(reverse("archive:search"), params).status_code == 200
    bulk_entries(world, 95)
    with django_assert_max_num_queries(15) as large:
        response = client.get(reverse("archive:search"), params)
    assert response.status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
    assert response.content.decode().count("Konten arsip ") == 25


def test_package_page_download_and_access(client, world, items):
    pemilu, _ = items
    package = DocumentationPackage.objects.get(item=pemilu)
    client.force_login(world.pemantau)
    response = client.get(reverse("archive:package", args=[pemilu.pk]))
    assert response.status_code == 200
    assert "manifest.json" in response.content.decode()
    response = client.get(reverse("archive:package", args=[pemilu.pk]), {"periksa": "1"})
    assert "Semua berkas utuh" in response.content.decode()

    response = client.get(reverse("archive:download", args=[pemilu.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    body = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    folder = f"paket-konten-{pemilu.pk}"
    expected = {}
    for entry in package_files(package):
        with default_storage.open(package.storage_prefix + entry["path"], "rb") as handle:
            expected[f"{folder}/{entry['path']}"] = handle.read()
    assert members == expected

    outsider = make_user(Role.KABAG, world.other_unit, username="luar")
    client.force_login(outsider)
    assert client.get(reverse("archive:package", args=[pemilu.pk])).status_code == 403
    assert client.get(reverse("archive:download", args=[pemilu.pk])).status_code == 403
    assert client.get(reverse("archive:package", args=[999999])).status_code == 404


def test_export_view_returns_a_zip_and_rejects_bad_input(client, world, items):
    client.force_login(world.kabag)
    year = timezone.localdate().year
    response = client.post(
        reverse("archive:export"), {"unit": world.unit.pk, "year": year, "period": "Y"}
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert "indeks.xlsx" in archive.namelist()
    response = client.post(
        reverse("archive:export"), {"unit": world.other_unit.pk, "year": "", "period": "Y"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Pilih satuan kerja yang arsipnya boleh Anda lihat." in text
    assert "Isi tahun periode." in text


def test_broad_query_lists_newest_first_with_its_count(world, items, monkeypatch):
    from simedsos.archive import search

    pemilu, kuis = items
    ArchiveEntry.objects.filter(item=pemilu).update(
        finished_at=timezone.now() - datetime.timedelta(days=3)
    )
    monkeypatch.setattr(search, "RANK_LIMIT", 1)
    qs = archive_search(world.kabag, ArchiveFilters(q="kpu"))
    assert qs.count() == 2
    assert [e.item_id for e in qs] == [kuis.pk, pemilu.pk]
    assert qs.filter(content_type="KUIS").count() == 1  # a later filter counts afresh
