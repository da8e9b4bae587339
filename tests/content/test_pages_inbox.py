"""Tugas Saya: what waits for me, oldest first, against the step's standard."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from simedsos.content.models import StepRun
from tests.content.builders import dispose, make_world, to_publish, to_review
from tests.content.page_builders import bulk_items

pytestmark = pytest.mark.django_db
URL = "/konten/tugas/"
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def _queries(client, url):
    client.get(url)  # warm-up, as the bench does: fills the holiday cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_staff_sees_the_disposed_item_with_a_link_to_work_on_it(client):
    w = make_world()
    item = dispose(w)
    client.force_login(w.staf)
    html = client.get(URL).content.decode()
    assert item.title in html
    assert "Langkah 2: Menghimpun bahan dan membuat konsep konten" in html
    assert "dari 1 jam" in html  # standard of step 2: 60 minutes
    assert "Ditugaskan kepada Anda" in html
    # The draft editor lives in another module; until it exists the link opens the item.
    assert f'href="/konten/{item.pk}/' in html
    # The other staff member and the head see nothing of it.
    client.force_login(w.staf2)
    assert item.title not in client.get(URL).content.decode()


def test_oldest_first_and_queue_roles(client):
    w = make_world()
    first = to_review(w, title="Pertama")
    second = to_review(w, title="Kedua")
    client.force_login(w.kasubbag)
    html = client.get(URL).content.decode()
    assert html.index(first.title) < html.index(second.title)
    assert "Kepala Subbagian KPU Provinsi Kalimantan Tengah" in html


def test_step_five_links_to_the_upload_order_and_step_six_starts_in_one_click(client):
    w = make_world()
    item = to_publish(w)
    client.force_login(w.staf)
    html = client.get(URL).content.decode()
    assert f'action="/konten/{item.pk}/unggah/mulai/"' in html
    assert "Mulai mengunggah" in html
    response = client.post(f"/konten/{item.pk}/unggah/mulai/")
    assert response["Location"] == f"/konten/{item.pk}/unggah/"
    run = StepRun.objects.get(item=item, finished_at__isnull=True)
    assert run.started_at is not None
    html = client.get(URL).content.decode()
    assert f'href="/konten/{item.pk}/unggah/"' in html and "Lanjutkan" in html


def test_upload_order_waits_for_the_head(client):
    from simedsos.content.services import review_approve

    w = make_world()
    item = to_review(w)
    review_approve(actor=w.kasubbag, item=item)
    client.force_login(w.kabag)
    html = client.get(URL).content.decode()
    assert f'href="/konten/{item.pk}/perintah-unggah/"' in html
    assert "Langkah 5: Perintah Pengunggahan" in html


def test_overdue_and_over_standard_are_marked_in_words(client, monkeypatch):
    w = make_world()
    now = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=JAKARTA)  # a Wednesday
    late = dispose(w, title="Sudah terlambat")
    over = dispose(w, title="Lewat standar")
    fine = dispose(w, title="Masih dalam standar")
    for item, arrived in (
        (late, now - datetime.timedelta(hours=2, minutes=1)),  # > 2 x 60 minutes
        (over, now - datetime.timedelta(minutes=61)),
        (fine, now - datetime.timedelta(minutes=12)),
    ):
        StepRun.objects.filter(item=item, finished_at__isnull=True).update(arrived_at=arrived)
    monkeypatch.setattr(timezone, "now", lambda: now)
    client.force_login(w.staf)
    html = client.get(URL).content.decode()
    blocks = {t: html[html.index(t) :][:1500] for t in (late.title, over.title, fine.title)}
    assert "Terlambat" in blocks[late.title]
    assert "2 jam 1 menit</strong> dari 1 jam" in blocks[late.title]
    assert "Melebihi standar" in blocks[over.title] and "Terlambat" not in blocks[over.title]
    assert "12 menit</strong> dari 1 jam" in blocks[fine.title]
    assert "Dalam standar" in blocks[fine.title]
    # Highlighted by more than colour: the row class AND a text badge.
    assert 'class="overdue"' in html and 'class="over"' in html


def test_same_number_of_queries_with_10_and_1000_items(client):
    w = make_world()
    bulk_items(w, 10)
    client.force_login(w.staf)
    small = _queries(client, URL)
    bulk_items(w, 990)
    assert StepRun.objects.filter(assignee=w.staf, finished_at__isnull=True).count() == 1000
    large = _queries(client, URL)
    assert small == large
    assert large <= 20  # 8 of them are session, header and navigation


def test_queue_role_queries_flat_too(client):
    w = make_world()
    bulk_items(w, 10, step_number=4)
    client.force_login(w.kasubbag)
    small = _queries(client, URL)
    bulk_items(w, 990, step_number=4)
    html = client.get(URL).content.decode()
    assert html.count("<h2><a href=") == 1000
    assert _queries(client, URL) == small


def test_empty_inbox_says_so(client):
    w = make_world()
    client.force_login(w.pemantau)
    html = client.get(URL).content.decode()
    assert "Tidak ada yang menunggu Anda saat ini." in html
    assert "Buat disposisi" not in html
    client.force_login(w.kabag)
    assert "Buat disposisi" in client.get(URL).content.decode()
