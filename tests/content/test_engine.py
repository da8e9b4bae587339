"""The engine reads the SOP version as data: other step orders and roles work unchanged."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from simedsos.accounts.authz import AuthorizationError
from simedsos.accounts.roles import Role
from simedsos.content import services as s
from simedsos.content.models import ContentItem, StepRun
from simedsos.core.models import AuditEvent
from simedsos.sop import engine
from simedsos.sop.models import SopStep, SopVersion
from tests.content.builders import dispose, make_sop_version, make_world, to_publish, write_draft

pytestmark = pytest.mark.django_db


def test_a_version_without_submission_step_and_other_roles():
    w = make_world()
    SopVersion.objects.filter(pk=w.version.pk).update(status="RETIRED")
    make_sop_version(
        w.unit,
        revision=1,
        sop=w.version.sop,
        steps=[
            (1, "Disposisi", Role.KASUBBAG, "TASK", "DISPOSE", 2, None),
            (2, "Konsep", Role.STAF, "TASK", "DRAFT", 30, None),
            (3, "Periksa", Role.KABAG, "DECISION", "REVIEW", 10, 2),
            (4, "Perintah unggah", Role.KASUBBAG, "TASK", "ORDER_UPLOAD", 1, None),
            (5, "Unggah", Role.STAF, "TASK", "PUBLISH", 5, None),
        ],
    )
    with pytest.raises(AuthorizationError, match="dijalankan oleh Kepala Subbagian"):
        dispose(w, actor=w.kabag)
    item = dispose(w, actor=w.kasubbag)
    write_draft(w, item)
    s.draft_submit(actor=w.staf, item=item)
    item.refresh_from_db()
    assert (item.current_step.number, item.status) == (3, ContentItem.Status.IN_REVIEW)
    s.review_return(actor=w.kabag, item=item, comment="Ubah judul.")
    s.draft_submit(actor=w.staf, item=item)
    s.review_approve(actor=w.kabag, item=item)
    s.upload_order_issue(actor=w.kasubbag, item=item)
    for pub in item.publications.all():
        s.publication_mark_not_published(actor=w.staf, publication=pub, reason="Uji.")
    item.refresh_from_db()
    assert item.status == ContentItem.Status.NOT_PUBLISHED
    numbers = list(
        StepRun.objects.filter(item=item).order_by("id").values_list("step__number", flat=True)
    )
    assert numbers == [1, 2, 3, 2, 3, 4, 5]


def test_every_transition_is_audited_with_a_capacity():
    w = make_world()
    item = to_publish(w)
    events = AuditEvent.objects.filter(object_type="content.ContentItem", object_id=str(item.pk))
    assert events.count() >= 6
    for event in events:
        assert event.capacity, event.action
        assert event.work_unit_id == w.unit.pk
    dispose_event = events.get(action="content.dispose")
    assert dispose_event.capacity.startswith("Kepala Bagian")
    assert dispose_event.after["step"] == 2 and dispose_event.after["memo"]
    memo_event = AuditEvent.objects.get(
        action="memo.issue", object_id=str(item.disposition.memo.pk)
    )
    assert memo_event.after["number"] == item.disposition.memo.number


def test_refused_transition_changes_nothing():
    w = make_world()
    item = dispose(w)
    runs = list(StepRun.objects.filter(item=item).values_list("id", "finished_at"))
    with pytest.raises(Exception, match="belum sampai pada langkah pemeriksaan"):
        s.review_approve(actor=w.kasubbag, item=item)
    assert list(StepRun.objects.filter(item=item).values_list("id", "finished_at")) == runs


def test_steps_of_a_frozen_version_are_read_once_and_handed_out_as_copies():
    w = make_world()
    version = SopVersion.objects.get(pk=w.version.pk)
    with CaptureQueriesContext(connection) as first_read:
        first = engine.version_steps(version)
    with CaptureQueriesContext(connection) as second_read:
        second = engine.version_steps(version)
    assert len(first_read.captured_queries) == 1 and not second_read.captured_queries
    assert [st.number for st in second] == [1, 2, 3, 4, 5, 6]
    assert [(st.pk, st.activity) for st in first] == [(st.pk, st.activity) for st in second]
    # What one caller changes never reaches the next.
    second[0].activity = "diubah"
    second[3].requirements.append("diubah")
    third = engine.version_steps(version)
    assert third[0].activity != "diubah" and "diubah" not in third[3].requirements


def test_steps_of_a_draft_version_are_read_every_time():
    w = make_world()
    draft = SopVersion.objects.create(sop=w.version.sop, revision=1, number="1", title="Konsep")
    for number in (1, 2):
        SopStep.objects.create(
            version=draft,
            number=number,
            activity=f"Langkah {number}",
            actor_role=Role.STAF,
            action="DRAFT",
            time_standard_minutes=5,
        )
    assert len(engine.version_steps(draft)) == 2
    SopStep.objects.filter(version=draft, number=2).delete()
    assert len(engine.version_steps(draft)) == 1


def test_disposition_writes_both_runs_at_once_and_opens_the_second():
    w = make_world()
    item = dispose(w)
    runs = list(StepRun.objects.filter(item=item).order_by("id").select_related("step"))
    assert [(r.step.number, r.outcome, r.finished_at is not None) for r in runs] == [
        (1, "DONE", True),
        (2, "", False),
    ]
    first, second = runs
    assert first.actor == w.kabag and first.capacity.startswith("Kepala Bagian")
    assert first.started_at <= first.finished_at == second.arrived_at
    assert second.assignee == w.staf and second.actor_role == Role.STAF
