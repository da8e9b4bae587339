"""The whole SOP cycle through the services, and what each step leaves behind."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from simedsos.content.models import ContentItem, DraftRevision, Review, StepRun
from simedsos.content.services import (
    draft_start,
    draft_submit,
    publication_mark_not_published,
    publication_record,
    publication_start,
    review_approve,
    review_comment_add,
    review_return,
    review_start,
    upload_order_issue,
)
from simedsos.core.audit import audit_verify_chain
from simedsos.core.models import AuditEvent
from simedsos.memos.models import Memo, MemoKind
from simedsos.notifications.models import Notification
from tests.content.builders import dispose, make_world, to_publish, write_draft

pytestmark = pytest.mark.django_db


def _steps(item):
    return [
        (r.step.number, r.outcome, r.finished_at is not None)
        for r in StepRun.objects.filter(item=item).select_related("step").order_by("id")
    ]


def test_full_cycle(django_capture_on_commit_callbacks):
    w = make_world()
    with django_capture_on_commit_callbacks(execute=True):
        item = dispose(w)
    item.refresh_from_db()
    assert item.current_step.number == 2
    assert item.status == ContentItem.Status.DRAFTING
    assert item.sop_version == w.version
    assert item.attachments.get().sha256
    assert item.legal_products.get().number == "7/2017"
    memo = item.disposition.memo
    assert memo.kind == MemoKind.DISPOSITION
    assert memo.number == f"1/HK.04-ND/62/{timezone.localdate().year}"
    assert memo.subject == "Disposisi pembuatan konten media sosial JDIH: Infografis UU Pemilu"
    assert memo.recipient == "Kepala Subbagian Hukum dan SDM"
    # The staff member is told that work arrived.
    assert Notification.objects.filter(recipient=w.staf, kind="step.arrived").count() == 1

    draft_start(actor=w.staf, item=item)
    draft = write_draft(w, item)
    assert draft.version == 1
    assert draft.hashtags == ["JDIH", "KPU"]
    with django_capture_on_commit_callbacks(execute=True):
        rev1 = draft_submit(actor=w.staf, item=item)
    assert rev1.number == 1
    item.refresh_from_db()
    assert item.current_step.number == 4 and item.status == ContentItem.Status.IN_REVIEW
    assert Notification.objects.filter(recipient=w.kasubbag, kind="step.arrived").exists()

    review_start(actor=w.kasubbag, item=item)
    review_comment_add(actor=w.kasubbag, revision=rev1, field="caption", text="Terlalu panjang.")
    review_return(actor=w.kasubbag, item=item, comment="Perbaiki keterangan.")
    item.refresh_from_db()
    assert item.current_step.number == 2
    assert item.return_count == 1
    assert item.status == ContentItem.Status.DRAFTING

    write_draft(w, item, caption="Kenali UU Pemilu, singkat. #JDIH")
    rev2 = draft_submit(actor=w.staf, item=item)
    assert rev2.number == 2
    rev1.refresh_from_db()
    assert rev1.caption == "Kenali UU Pemilu #JDIH"  # frozen
    review_approve(actor=w.kasubbag, item=item, comment="Baik.")
    item.refresh_from_db()
    assert item.status == ContentItem.Status.APPROVED and item.current_step.number == 5

    publish_at = timezone.now() + datetime.timedelta(hours=3)
    order = upload_order_issue(actor=w.kabag, item=item, publish_at=publish_at)
    assert order.memo.kind == MemoKind.UPLOAD_ORDER
    assert order.memo.number == f"2/HK.04-ND/62/{timezone.localdate().year}"
    pubs = list(item.publications.select_related("account").order_by("id"))
    assert [p.status for p in pubs] == ["PENDING", "PENDING"]
    assert all(p.scheduled_for == publish_at for p in pubs)
    item.refresh_from_db()
    assert item.status == ContentItem.Status.UPLOAD_ORDERED

    publication_start(actor=w.staf, item=item)
    live = timezone.now()
    fb, ig = pubs  # accounts are ordered by platform
    publication_record(
        actor=w.staf, publication=ig, url="https://www.instagram.com/p/ABC123/", went_live_at=live
    )
    item.refresh_from_db()
    assert item.status == ContentItem.Status.UPLOAD_ORDERED  # one target still pending
    publication_record(
        actor=w.staf,
        publication=fb,
        url="https://www.facebook.com/jdih/posts/123",
        went_live_at=live,
    )
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PUBLISHED
    assert item.finished_at is not None and item.current_step is None
    assert _steps(item) == [
        (1, "DONE", True),
        (2, "DONE", True),
        (3, "DONE", True),
        (4, "RETURNED", True),
        (2, "DONE", True),
        (3, "DONE", True),
        (4, "APPROVED", True),
        (5, "DONE", True),
        (6, "DONE", True),
    ]
    assert Review.objects.filter(revision__item=item).count() == 2
    assert Memo.objects.filter(content_item=item).count() == 2
    assert audit_verify_chain() == []
    actions = list(
        AuditEvent.objects.filter(object_type="content.ContentItem", object_id=str(item.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    for expected in (
        "content.dispose",
        "content.draft_save",
        "content.draft_finish",
        "content.submit",
        "content.review_comment",
        "content.review_return",
        "content.review_approve",
        "content.upload_order",
        "content.publish_complete",
    ):
        assert expected in actions
    approve = AuditEvent.objects.get(action="content.review_approve")
    assert approve.capacity.startswith("Kepala Subbagian")
    assert approve.before["step"] == 4 and approve.after["step"] == 5


def test_not_published_with_reason_makes_item_partially_published():
    w = make_world()
    item = to_publish(w)
    fb, ig = item.publications.order_by("account__platform")
    with pytest.raises(ValidationError) as err:
        publication_mark_not_published(actor=w.staf, publication=fb, reason="  ")
    assert "Alasan tidak diunggah wajib diisi." in err.value.messages
    publication_mark_not_published(actor=w.staf, publication=fb, reason="Akun diblokir.")
    publication_record(
        actor=w.staf,
        publication=ig,
        url="https://instagram.com/p/X1/",
        went_live_at=timezone.now(),
    )
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PARTIALLY_PUBLISHED
    run = StepRun.objects.get(item=item, step__number=6)
    assert run.outcome == "DONE" and run.finished_at is not None


def test_none_published_makes_item_not_published():
    w = make_world()
    item = to_publish(w)
    for pub in item.publications.all():
        publication_mark_not_published(actor=w.staf, publication=pub, reason="Dibatalkan.")
    item.refresh_from_db()
    assert item.status == ContentItem.Status.NOT_PUBLISHED
    assert StepRun.objects.get(item=item, step__number=6).outcome == "NOT_PUBLISHED"


def test_blank_caption_refused_and_nothing_frozen():
    w = make_world()
    item = dispose(w)
    with pytest.raises(ValidationError) as err:
        draft_submit(actor=w.staf, item=item)
    # The empty caption comes first; the preflight adds what else blocks (here: no media).
    assert err.value.messages[0] == "Keterangan utama masih kosong."
    assert not DraftRevision.objects.exists()
    item.refresh_from_db()
    assert item.current_step.number == 2
