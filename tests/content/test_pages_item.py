"""The item page: header, timeline against the standards, memos, revisions, publications,
history, action buttons by role, and a flat number of queries."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from simedsos.content.models import DraftRevision, Review, ReviewComment, StepRun
from simedsos.content.services import (
    publication_mark_not_published,
    publication_record,
    review_return,
)
from simedsos.publishing.models import Publication, SocialAccount
from simedsos.publishing.platforms.limits import Platform
from tests.content.builders import dispose, make_world, to_publish, to_review

pytestmark = pytest.mark.django_db
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def _url(item):
    return f"/konten/{item.pk}/"


def test_published_item_shows_every_part(client):
    w = make_world()
    item = to_review(w)
    review_return(actor=w.kasubbag, item=item, comment="Perbaiki judul.")
    from simedsos.content.services import draft_submit, review_approve, upload_order_issue

    draft_submit(actor=w.staf, item=item)
    review_approve(actor=w.kasubbag, item=item, comment="Baik.")
    upload_order_issue(actor=w.kabag, item=item)
    ig, fb = Publication.objects.filter(item=item).order_by("account__platform")
    publication_record(
        actor=w.staf,
        publication=fb if fb.account.platform == "FACEBOOK" else ig,
        url="https://www.facebook.com/jdih/posts/1",
        went_live_at=timezone.now(),
    )
    other = ig if fb.account.platform == "FACEBOOK" else fb
    publication_mark_not_published(actor=w.staf, publication=other, reason="Akun dikunci.")
    client.force_login(w.pemantau)
    html = client.get(_url(item)).content.decode()
    assert "Terunggah sebagian" in html
    assert "1 kali" in html  # returned once
    for step in ("1. Disposisi", "2. Menghimpun", "3. Menyerahkan", "4. Perbaikan", "5. Perintah"):
        assert step in html
    assert "Pengunggahan konten media sosial" in html
    assert html.count("Revisi ") >= 2 and "Perbaiki judul." in html
    assert "https://www.facebook.com/jdih/posts/1" in html and "Akun dikunci." in html
    memos = item.memos.all()
    assert len(memos) == 2 and all(m.number in html for m in memos)
    assert "Riwayat perubahan" in html and "content.dispose" in html
    assert "1176/HK.04-SOP/62/2022" in html
    # The standards of SOP 1176/2022 appear against each step.
    assert "1 jam" in html and "5 menit" in html
    assert "Mulai mengunggah" not in html and 'class="button big"' not in html


def test_breach_is_marked_in_words(client, monkeypatch):
    w = make_world()
    item = to_review(w)
    run = StepRun.objects.get(item=item, finished_at__isnull=True)
    start = datetime.datetime(2026, 3, 4, 9, 0, tzinfo=JAKARTA)
    StepRun.objects.filter(pk=run.pk).update(arrived_at=start, started_at=start)
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(minutes=8))
    client.force_login(w.kabag)
    html = client.get(_url(item)).content.decode()
    assert "melebihi standar" in html  # 8 minutes of work on a 5-minute review
    assert 'class="breach"' in html


def test_action_button_only_for_whoever_may_act(client):
    w = make_world()
    item = dispose(w)
    client.force_login(w.staf)
    assert "Susun konsep" in client.get(_url(item)).content.decode()
    for user in (w.staf2, w.kabag, w.kasubbag, w.pemantau):
        client.force_login(user)
        assert "Susun konsep" not in client.get(_url(item)).content.decode()
    item = to_publish(w, title="Siap unggah")
    client.force_login(w.staf)
    html = client.get(_url(item)).content.decode()
    assert f'action="/konten/{item.pk}/unggah/mulai/"' in html


def test_other_unit_is_refused_and_missing_is_404(client):
    w = make_world()
    item = dispose(w)
    client.force_login(w.other["KABAG"])
    response = client.get(_url(item))
    assert response.status_code == 403
    assert "tidak berwenang melihat konten" in response.content.decode()
    client.force_login(w.kabag)
    assert client.get("/konten/999999/").status_code == 404


def test_attachment_is_served_to_readers_only(client):
    w = make_world()
    item = dispose(w)
    attachment = item.attachments.get()
    url = f"/konten/{item.pk}/lampiran/{attachment.pk}/"
    client.force_login(w.pemantau)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 bahan"
    client.force_login(w.other["PEMANTAU"])
    assert client.get(url).status_code == 403


def _grow(w, item, n):
    """Add n finished step runs, n revisions (each reviewed, with a comment) and n
    publications on n more accounts, straight into the tables."""
    step = w.version.steps.get(number=4)
    now = timezone.now()
    StepRun.objects.bulk_create(
        [
            StepRun(
                item=item,
                step=step,
                actor_role="KASUBBAG",
                arrived_at=now - datetime.timedelta(minutes=10 + i),
                started_at=now - datetime.timedelta(minutes=9 + i),
                finished_at=now - datetime.timedelta(minutes=8 + i),
                actor=w.kasubbag,
                capacity="Kepala Subbagian",
                outcome="RETURNED",
            )
            for i in range(n)
        ]
    )
    start = DraftRevision.objects.filter(item=item).count()
    revisions = DraftRevision.objects.bulk_create(
        [
            DraftRevision(
                item=item,
                number=start + i + 1,
                caption=f"Keterangan {i}",
                submitted_by=w.staf,
                submitted_at=now,
            )
            for i in range(n)
        ]
    )
    Review.objects.bulk_create(
        [
            Review(
                revision=r,
                reviewer=w.kasubbag,
                capacity="Kepala Subbagian",
                decision="RETURN",
                comment="x",
                decided_at=now,
            )
            for r in revisions
        ]
    )
    ReviewComment.objects.bulk_create(
        [ReviewComment(revision=r, author=w.kasubbag, text="catatan") for r in revisions]
    )
    accounts = SocialAccount.objects.bulk_create(
        [
            SocialAccount(
                work_unit=w.unit,
                platform=Platform.X,
                name=f"Akun {i}",
                handle=f"akun{item.pk}_{i}",
            )
            for i in range(n)
        ]
    )
    Publication.objects.bulk_create(
        [
            Publication(
                item=item,
                account=a,
                status="PUBLISHED",
                url="https://x.com/jdih/status/1",
                went_live_at=now,
                recorded_by=w.staf,
                recorded_at=now,
            )
            for a in accounts
        ]
    )


def _queries(client, url):
    client.get(url)  # warm-up, as the bench does: fills the holiday cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_same_number_of_queries_with_1_and_30_runs_revisions_publications(client):
    w = make_world()
    small_item = to_publish(w, title="Kecil")
    big_item = to_publish(w, title="Besar")
    _grow(w, small_item, 1)
    _grow(w, big_item, 30)
    client.force_login(w.staf)
    small = _queries(client, _url(small_item))
    large = _queries(client, _url(big_item))
    html = client.get(_url(big_item)).content.decode()
    assert html.count("Revisi ") >= 31 and html.count("https://x.com/jdih/status/1") >= 30
    assert small == large
    assert large <= 15


def test_admin_lists_items_of_its_units_read_only(client):
    w = make_world()
    item = dispose(w)
    other = dispose(w, title="Lain")  # same unit
    client.force_login(w.admin)
    response = client.get("/admin/content/contentitem/")
    assert response.status_code == 200
    html = response.content.decode()
    assert item.title in html and other.title in html
    assert client.get("/admin/content/contentitem/add/").status_code == 403
    change = client.get(f"/admin/content/contentitem/{item.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    client.force_login(w.other["ADMIN"])
    assert item.title not in client.get("/admin/content/contentitem/").content.decode()


def test_failed_api_publication_shows_the_reason_and_a_retry(client):
    """A job that failed on the platform says why, in words, and offers "Coba lagi";
    one waiting for a person offers "Putuskan"."""
    w = make_world()
    item = to_publish(w)
    first, second = Publication.objects.filter(item=item).order_by("pk")
    Publication.objects.filter(pk=first.pk).update(
        method="API", status="FAILED", error_message="Instagram menolak gambar: rasio salah."
    )
    Publication.objects.filter(pk=second.pk).update(method="API", status="NEEDS_PERSON")
    client.force_login(w.staf)
    html = client.get(_url(item)).content.decode()
    assert "Instagram menolak gambar: rasio salah." in html
    assert f"/publikasi/{first.pk}/coba-lagi/" in html
    assert f"/publikasi/{second.pk}/putuskan/" in html
    assert f"/publikasi/{second.pk}/coba-lagi/" not in html
