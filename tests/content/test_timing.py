"""Step runs record real times; the timeline measures them in working seconds."""

import datetime
import io

import pytest
from django.core.management import call_command

from simedsos.accounts.authz import AuthorizationError
from simedsos.accounts.roles import Role
from simedsos.content import services as s
from simedsos.content.models import StepRun
from simedsos.content.overdue import overdue_sweep
from simedsos.content.selectors import timeline_for
from simedsos.notifications.models import Notification
from simedsos.worktime.models import Holiday
from tests.content.builders import dispose, make_sop_version, make_world, write_draft
from tests.content.clock import at, frozen
from tests.factories import make_acting

pytestmark = pytest.mark.django_db
WED, THU = "2026-11-25", "2026-11-26"


def test_each_step_run_is_timed_exactly():
    w = make_world()
    with frozen(at(WED, "09:00")) as clock:
        item = dispose(w, opened_at=at(WED, "08:58"), deadline=at(WED, "17:00"))
        clock.set(WED, "09:10")
        s.draft_start(actor=w.staf, item=item)
        clock.set(WED, "10:00")
        write_draft(w, item)
        clock.set(WED, "10:30")
        s.draft_submit(actor=w.staf, item=item, opened_at=at(WED, "10:29"))
        clock.set(WED, "10:40")
        s.review_start(actor=w.kasubbag, item=item)
        clock.set(WED, "10:43")
        s.review_approve(actor=w.kasubbag, item=item)
        clock.set(WED, "11:00")
        s.upload_order_issue(actor=w.kabag, item=item, opened_at=at(WED, "10:50"))
        clock.set(WED, "15:50")
        s.publication_start(actor=w.staf, item=item)
        clock.set(THU, "07:40")
        for pub in item.publications.all():
            s.publication_mark_not_published(actor=w.staf, publication=pub, reason="Batal.")
        rows = timeline_for(item)

    got = [
        (r.step_number, r.waiting_seconds, r.working_seconds, r.standard_seconds, r.breach)
        for r in rows
    ]
    assert got == [
        (1, 0, 120, 60, True),  # form opened 08:58, sent 09:00
        (2, 600, 4740, 3600, True),  # arrived 09:00, began 09:10, finished 10:29
        (3, 0, 60, 60, False),  # 10:29 -> 10:30
        (4, 600, 180, 300, False),  # arrived 10:30, opened 10:40, approved 10:43
        (5, 420, 600, 60, True),  # arrived 10:43, form opened 10:50, issued 11:00
        (6, 17_400, 1200, 60, True),  # 11:00 -> 15:50 waiting; 15:50-16:00 + 07:30-07:40
    ]
    assert rows[3].capacity.startswith("Kepala Subbagian")
    assert rows[3].outcome == "APPROVED" and rows[3].outcome_label == "Disetujui"
    run1 = StepRun.objects.get(item=item, step__number=1)
    assert (run1.arrived_at, run1.started_at, run1.finished_at) == (
        at(WED, "08:58"),
        at(WED, "08:58"),
        at(WED, "09:00"),
    )


def test_opened_at_is_clamped():
    w = make_world()
    with frozen(at(WED, "09:00")):
        item = dispose(w, opened_at=at("2026-11-20", "09:00"), deadline=None)
        future = dispose(w, opened_at=at(WED, "11:00"), deadline=None)
    assert StepRun.objects.get(item=item, step__number=1).started_at == at("2026-11-24", "09:00")
    assert StepRun.objects.get(item=future, step__number=1).started_at == at(WED, "09:00")


def test_pinned_sop_version_survives_a_revision():
    w = make_world()
    old_item = dispose(w)
    # A new version: review takes 30 minutes now and is done by the head of division.
    steps = [
        (1, "Disposisi", Role.KABAG, "TASK", "DISPOSE", 1, None),
        (2, "Konsep", Role.STAF, "TASK", "DRAFT", 60, None),
        (3, "Serahkan", Role.STAF, "TASK", "SUBMIT", 1, None),
        (4, "Periksa", Role.KABAG, "DECISION", "REVIEW", 30, 2),
        (5, "Perintah", Role.KABAG, "TASK", "ORDER_UPLOAD", 1, None),
        (6, "Unggah", Role.STAF, "TASK", "PUBLISH", 1, None),
    ]
    new_version = make_sop_version(w.unit, revision=1, steps=steps, sop=w.version.sop)
    write_draft(w, old_item)
    s.draft_submit(actor=w.staf, item=old_item)
    old_item.refresh_from_db()
    assert old_item.sop_version == w.version
    assert old_item.current_step.version_id == w.version.pk
    assert old_item.current_step.time_standard_minutes == 5
    # The old version's reviewer still decides the old item; the new version's does not.
    s.review_approve(actor=w.kasubbag, item=old_item)

    new_item = dispose(w)
    assert new_item.sop_version == new_version
    write_draft(w, new_item)
    s.draft_submit(actor=w.staf, item=new_item)
    with pytest.raises(AuthorizationError, match="dijalankan oleh Kepala Bagian"):
        s.review_approve(actor=w.kasubbag, item=new_item)
    s.review_approve(actor=w.kabag, item=new_item)
    new_item.refresh_from_db()
    assert new_item.current_step.number == 5


def test_overdue_sweep_respects_working_hours_and_holidays(settings):
    settings.OVERDUE_FACTOR = 2
    w = make_world()
    today = at("2026-11-27", "09:00").date()
    # An acting head of subdivision is a superior too, for the days they act.
    make_acting(w.staf2, w.unit, Role.KASUBBAG, today, today + datetime.timedelta(days=10))
    Holiday.objects.create(date=datetime.date(2026, 11, 30), name="Cuti bersama")
    with frozen(at("2026-11-27", "14:00")) as clock:  # a Friday
        item = dispose(w, deadline=None, opened_at=None)
        run = StepRun.objects.get(item=item, finished_at__isnull=True)
        StepRun.objects.filter(pk=run.pk).update(arrived_at=at("2026-11-27", "15:00"))
        # Step 2's standard is 60 min, so it is overdue after 120 working minutes:
        # Friday 15:00-16:00 is 60; Saturday, Sunday and Monday (holiday) count nothing.
        clock.set("2026-11-30", "12:00")
        assert overdue_sweep() == 0
        clock.set("2026-12-01", "08:29")  # 60 + 59
        assert overdue_sweep() == 0
        clock.set("2026-12-01", "08:31")  # 60 + 61
        assert overdue_sweep() == 1
        clock.set("2026-12-01", "10:00")
        assert overdue_sweep() == 0
        out = io.StringIO()
        call_command("simedsos_sweep", stdout=out)
        assert out.getvalue().startswith("0 langkah terlambat")
    notified = set(
        Notification.objects.filter(kind="step.overdue").values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == {"staf", "kasubbag", w.staf2.username}
    assert Notification.objects.filter(kind="step.overdue").count() == 3
    run.refresh_from_db()
    assert run.overdue_notified_at == at("2026-12-01", "08:31")
    message = Notification.objects.filter(kind="step.overdue").first().message
    assert "Terlambat: langkah 2" in message and "standar 60 menit" in message
