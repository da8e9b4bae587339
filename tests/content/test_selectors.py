"""Inbox, list, item page and timeline: right rows, fixed query counts."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from simedsos.accounts.authz import AuthorizationError
from simedsos.accounts.roles import Role
from simedsos.content import services as s
from simedsos.content.models import ContentItem
from simedsos.content.selectors import inbox_for, item_detail, items_for, timeline_for
from simedsos.notifications.selectors import unread_for
from simedsos.notifications.services import notification_mark_read
from tests.content.builders import dispose, make_sop_version, make_world, to_review
from tests.content.clock import at, frozen
from tests.factories import make_acting, make_unit, make_user

pytestmark = pytest.mark.django_db


def test_inbox_shows_what_waits_for_each_person():
    w = make_world()
    drafting = dispose(w, title="Satu")
    reviewing = to_review(w, title="Dua")
    other_staff_item = dispose(w, title="Tiga", assignee=w.staf2)
    assert [e.item.pk for e in inbox_for(w.staf)] == [drafting.pk]
    assert [e.item.pk for e in inbox_for(w.staf2)] == [other_staff_item.pk]
    entries = inbox_for(w.kasubbag)
    assert [e.item.pk for e in entries] == [reviewing.pk]
    assert entries[0].step_number == 4 and entries[0].standard_seconds == 300
    assert entries[0].capacity.startswith("Kepala Subbagian")
    assert inbox_for(w.kabag) == []
    assert inbox_for(w.pemantau) == []
    assert inbox_for(w.other[Role.KASUBBAG]) == []
    # An acting head of subdivision sees the review queue too.
    today = timezone.localdate()
    make_acting(w.staf2, w.unit, Role.KASUBBAG, today, today)
    assert {e.item.pk for e in inbox_for(w.staf2)} == {other_staff_item.pk, reviewing.pk}


def test_inbox_flags_overdue_oldest_first():
    w = make_world()
    with frozen(at("2026-11-25", "08:00")) as clock:
        first = to_review(w, title="Lama", deadline=None)
        clock.set("2026-11-25", "09:00")
        second = to_review(w, title="Baru", deadline=None)
        clock.set("2026-11-25", "09:08")
        entries = inbox_for(w.kasubbag)
    assert [e.item.pk for e in entries] == [first.pk, second.pk]
    assert entries[0].elapsed_seconds == 68 * 60
    assert entries[0].over_standard and entries[0].overdue
    assert entries[1].elapsed_seconds == 8 * 60
    assert entries[1].over_standard and not entries[1].overdue


def _make_items(w, n):
    for i in range(n):
        dispose(w, title=f"Konten {i}", attachments=[], legal_products=[])


def _count(fn):
    fn()  # warm-up: fills the holiday cache
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_items():
    w = make_world()
    _make_items(w, 10)
    item = to_review(w)
    s.review_comment_add(
        actor=w.kasubbag, revision=item.revisions.get(), field="caption", text="Ok"
    )

    def read_all():
        list(items_for(w.kabag))
        detail = item_detail(w.kabag, item.pk)
        timeline_for(detail)
        for rev in detail.revisions.all():
            list(rev.comments.all())
            getattr(rev, "review", None)
        list(detail.publications.all())

    small_inbox = _count(lambda: inbox_for(w.staf))
    small_pages = _count(read_all)
    _make_items(w, 90)
    assert len(inbox_for(w.staf)) == 100
    assert _count(lambda: inbox_for(w.staf)) == small_inbox
    assert _count(read_all) == small_pages
    assert small_inbox <= 5 and small_pages <= 30


def test_items_for_filters_and_visibility():
    w = make_world()
    a = dispose(w, title="Infografis pemilu", content_type="INFOGRAFIS")
    b = to_review(w, title="Video sosialisasi", content_type="VIDEO")
    k = dispose(w, title="Kuis hukum", content_type="KUIS", assignee=w.staf2)
    assert set(items_for(w.pemantau)) == {a, b, k}
    assert list(items_for(w.other[Role.KABAG])) == []
    assert list(items_for(w.kabag, status=ContentItem.Status.IN_REVIEW)) == [b]
    assert set(items_for(w.kabag, step_number=2)) == {a, k}
    assert list(items_for(w.kabag, content_type="VIDEO")) == [b]
    assert list(items_for(w.kabag, assignee_ids={w.staf2.pk})) == [k]
    assert set(items_for(w.kabag, assignee_ids={w.staf.pk, w.staf2.pk})) == {a, b, k}
    assert list(items_for(w.kabag, assignee_ids=set())) == []  # a search that found nobody
    assert list(items_for(w.kabag, q="pemilu")) == [a]
    assert list(items_for(w.kabag, q=a.disposition.memo.number)) == [a]
    assert set(items_for(w.kabag, platform="INSTAGRAM")) == {a, b, k}
    assert list(items_for(w.kabag, platform="TIKTOK")) == []
    today = timezone.localdate()
    assert set(items_for(w.kabag, date_from=today, date_to=today)) == {a, b, k}
    assert list(items_for(w.kabag, date_from=today + datetime.timedelta(days=1))) == []
    # A province's reader sees the regencies below it.
    regency = make_unit("6201", parent=w.unit, level="KABKOTA")
    make_sop_version(regency)
    kab_kabag = make_user(Role.KABAG, regency)
    kab_staf = make_user(Role.STAF, regency)
    acct = w.accounts[0].__class__.objects.create(
        work_unit=regency, platform="X", name="JDIH Kab", handle="jdihkab"
    )
    c = dispose(w, actor=kab_kabag, work_unit=regency, assignee=kab_staf, target_accounts=[acct])
    assert c in set(items_for(w.pemantau))
    assert list(items_for(kab_kabag)) == [c]


def test_item_detail_refuses_unknown_and_invisible_items():
    w = make_world()
    item = dispose(w)
    assert item_detail(w.pemantau, item.pk) == item
    with pytest.raises(AuthorizationError):
        item_detail(w.other[Role.PEMANTAU], item.pk)
    with pytest.raises(Http404):
        item_detail(w.pemantau, 999_999)


def test_notifications_unread_and_mark_read(django_capture_on_commit_callbacks):
    w = make_world()
    with django_capture_on_commit_callbacks(execute=True):
        dispose(w)
    unread = list(unread_for(w.staf))
    assert len(unread) == 1 and "Tugas baru: langkah 2" in unread[0].message
    assert notification_mark_read(user=w.staf) == 1
    assert list(unread_for(w.staf)) == []
