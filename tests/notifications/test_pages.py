"""The notification list, marking as read, and the unread count in the header."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from simedsos.content.overdue import overdue_sweep
from simedsos.notifications.models import Notification
from simedsos.notifications.services import notify
from tests.content.builders import dispose, make_world
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _notify(user, n, link=""):
    for i in range(n):
        notify(
            recipients=[user],
            kind="step.arrived",
            message=f"Pesan {i}",
            link=link,
            dedup_key=f"k{i}",
        )


def test_header_shows_unread_count_in_one_query(client):
    user = make_user()
    client.force_login(user)
    assert "Pemberitahuan (" not in client.get("/notifikasi/").content.decode()
    _notify(user, 3)
    html = client.get("/konten/tugas/").content.decode()
    assert "Pemberitahuan (3" in html
    with CaptureQueriesContext(connection) as ctx:
        client.get("/konten/tugas/")
    counting = [q["sql"] for q in ctx.captured_queries if "notifications_notification" in q["sql"]]
    # Counted inside the query that loads the signed-in user (no query of its own).
    assert len(counting) == 1 and '"accounts_user"' in counting[0]
    Notification.objects.filter(recipient=user).first().delete()
    assert "Pemberitahuan (2" in client.get("/konten/tugas/").content.decode()


def test_list_mark_one_and_all_read(client):
    user = make_user()
    other = make_user()
    _notify(user, 3)
    _notify(other, 1)
    client.force_login(user)
    html = client.get("/notifikasi/").content.decode()
    assert html.count("Tandai dibaca") == 3 and "Pesan 0" in html
    first = Notification.objects.filter(recipient=user).first()
    client.post("/notifikasi/baca/", {"id": first.pk})
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 2
    # Someone else's id changes nothing of theirs.
    theirs = Notification.objects.get(recipient=other)
    client.post("/notifikasi/baca/", {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post("/notifikasi/baca/", follow=True)
    assert "2 pemberitahuan ditandai sudah dibaca." in response.content.decode()
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert client.get("/notifikasi/baca/").status_code == 405


def test_opening_a_notice_marks_it_read_and_follows_local_links_only(client):
    user = make_user()
    notify(recipients=[user], kind="x", message="lokal", link="/konten/tugas/", dedup_key="a")
    notify(
        recipients=[user], kind="x", message="luar", link="https://jahat.example/", dedup_key="b"
    )
    client.force_login(user)
    local = Notification.objects.get(dedup_key="a")
    response = client.get(f"/notifikasi/{local.pk}/buka/")
    assert response["Location"] == "/konten/tugas/"
    local.refresh_from_db()
    assert local.read_at is not None
    evil = Notification.objects.get(dedup_key="b")
    assert client.get(f"/notifikasi/{evil.pk}/buka/")["Location"] == "/notifikasi/"
    client.force_login(make_user())
    assert client.get(f"/notifikasi/{local.pk}/buka/").status_code == 404


def test_disposition_and_overdue_notices_link_to_the_item(
    client, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from simedsos.content.models import StepRun

    w = make_world()
    with django_capture_on_commit_callbacks(execute=True):
        item = dispose(w)
    client.force_login(w.staf)
    html = client.get("/notifikasi/").content.decode()
    assert "Tugas baru: langkah 2" in html
    notice = Notification.objects.get(recipient=w.staf)
    assert notice.link == f"/konten/{item.pk}/"
    StepRun.objects.filter(item=item, finished_at__isnull=True).update(
        arrived_at=timezone.now() - datetime.timedelta(days=10)
    )
    assert overdue_sweep() == 1
    html = client.get("/notifikasi/").content.decode()
    assert "Terlambat" in html
    client.force_login(w.kasubbag)  # the staff member's superior
    assert "Terlambat: langkah 2" in client.get("/notifikasi/").content.decode()


def test_list_pages_by_50_with_flat_queries(client):
    user = make_user()
    _notify(user, 60)
    client.force_login(user)
    html = client.get("/notifikasi/").content.decode()
    assert html.count("Tandai dibaca<") == 50 and "halaman=2" in html
    with CaptureQueriesContext(connection) as ctx:
        client.get("/notifikasi/")
    small_user = make_user()
    _notify(small_user, 2)
    client.force_login(small_user)
    with CaptureQueriesContext(connection) as ctx2:
        client.get("/notifikasi/")
    assert len(ctx.captured_queries) == len(ctx2.captured_queries)
