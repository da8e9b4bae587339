"""Who may do each step, and the rules that protect a decision and a draft."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from simedsos.accounts.authz import AuthorizationError
from simedsos.accounts.roles import Role
from simedsos.content import services as s
from simedsos.content.models import ContentItem, Draft, Review, StepRun
from simedsos.core.models import AuditEvent
from tests.content.builders import dispose, make_world, to_publish, to_review, upload, write_draft
from tests.factories import make_acting

pytestmark = pytest.mark.django_db


def _dispose(w, actor, item):
    return dispose(w, actor=actor)


def _pub(item):
    return item.publications.order_by("account__platform").first()


# service name -> (how far to bring the item first, the call, the role that may do it)
CASES = {
    "item_dispose": (None, _dispose, Role.KABAG),
    "draft_start": (dispose, lambda w, a, i: s.draft_start(actor=a, item=i), Role.STAF),
    "draft_save": (
        dispose,
        lambda w, a, i: s.draft_save(
            actor=a, item=i, caption="x", variants={}, hashtags=[], links=[], base_version=0
        ),
        Role.STAF,
    ),
    "draft_submit": (
        lambda w: _written(w),
        lambda w, a, i: s.draft_submit(actor=a, item=i),
        Role.STAF,
    ),
    "review_start": (to_review, lambda w, a, i: s.review_start(actor=a, item=i), Role.KASUBBAG),
    "review_comment_add": (
        to_review,
        lambda w, a, i: s.review_comment_add(
            actor=a, revision=i.revisions.get(), field="caption", text="Perbaiki."
        ),
        Role.KASUBBAG,
    ),
    "review_approve": (
        to_review,
        lambda w, a, i: s.review_approve(actor=a, item=i),
        Role.KASUBBAG,
    ),
    "review_return": (
        to_review,
        lambda w, a, i: s.review_return(actor=a, item=i, comment="Perbaiki."),
        Role.KASUBBAG,
    ),
    "upload_order_issue": (
        lambda w: _approved(w),
        lambda w, a, i: s.upload_order_issue(actor=a, item=i),
        Role.KABAG,
    ),
    "publication_start": (
        to_publish,
        lambda w, a, i: s.publication_start(actor=a, item=i),
        Role.STAF,
    ),
    "publication_record": (
        to_publish,
        lambda w, a, i: s.publication_record(
            actor=a,
            publication=_pub(i),
            url="https://www.facebook.com/jdih/posts/1",
            went_live_at=timezone.now(),
        ),
        Role.STAF,
    ),
    "publication_mark_not_published": (
        to_publish,
        lambda w, a, i: s.publication_mark_not_published(
            actor=a, publication=_pub(i), reason="Akun bermasalah."
        ),
        Role.STAF,
    ),
}


def _written(w):
    item = dispose(w)
    write_draft(w, item)
    return item


def _approved(w):
    item = to_review(w)
    s.review_approve(actor=w.kasubbag, item=item)
    return item


@pytest.mark.parametrize("own_unit", [True, False], ids=["own-unit", "other-unit"])
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("service", list(CASES))
def test_who_may_do_each_step(service, role, own_unit):
    w = make_world()
    prepare, call, allowed = CASES[service]
    item = prepare(w) if prepare else None
    actor = w.by_role(role, own_unit=own_unit)
    before = (
        ContentItem.objects.values_list("current_step__number", "status").get(pk=item.pk)
        if item
        else None
    )
    audit_count = AuditEvent.objects.count()
    if role == allowed and own_unit:
        call(w, actor, item)
        return
    with pytest.raises(AuthorizationError) as err:
        call(w, actor, item)
    assert "tidak berwenang" in str(err.value)
    assert AuditEvent.objects.count() == audit_count
    if item:
        after = ContentItem.objects.values_list("current_step__number", "status").get(pk=item.pk)
        assert after == before
    else:
        assert ContentItem.objects.count() == 0


@pytest.mark.parametrize(
    "service",
    ["draft_start", "draft_save", "draft_submit", "publication_record"],
)
def test_staff_steps_belong_to_the_assignee_only(service):
    w = make_world()
    prepare, call, _ = CASES[service]
    item = prepare(w)
    with pytest.raises(AuthorizationError, match="ditugaskan kepada"):
        call(w, w.staf2, item)


def test_acting_kasubbag_reviews_and_capacity_is_recorded():
    w = make_world()
    today = timezone.localdate()
    make_acting(w.staf2, w.unit, Role.KASUBBAG, today, today + datetime.timedelta(days=5))
    item = to_review(w)
    s.review_approve(actor=w.staf2, item=item)
    run = StepRun.objects.get(item=item, step__number=4)
    assert run.actor == w.staf2
    assert run.capacity.startswith("Plt. Kepala Subbagian")
    assert run.acting_kind == "PLT"
    assert Review.objects.get().capacity.startswith("Plt.")
    event = AuditEvent.objects.get(action="content.review_approve")
    assert event.capacity.startswith("Plt.")


def test_acting_official_whose_term_ended_is_refused():
    w = make_world()
    today = timezone.localdate()
    make_acting(
        w.staf2,
        w.unit,
        Role.KASUBBAG,
        today - datetime.timedelta(days=10),
        today - datetime.timedelta(days=1),
    )
    item = to_review(w)
    with pytest.raises(AuthorizationError):
        s.review_approve(actor=w.staf2, item=item)


@pytest.mark.parametrize("decide", ["approve", "return", "start"])
def test_nobody_decides_their_own_draft(decide):
    w = make_world()
    today = timezone.localdate()
    # The staff member who wrote the draft is also acting head of subdivision.
    make_acting(w.staf, w.unit, Role.KASUBBAG, today, today + datetime.timedelta(days=5))
    item = to_review(w)
    with pytest.raises(PermissionDenied) as err:
        if decide == "approve":
            s.review_approve(actor=w.staf, item=item)
        elif decide == "return":
            s.review_return(actor=w.staf, item=item, comment="x")
        else:
            s.review_start(actor=w.staf, item=item)
    assert str(err.value) == "Anda tidak dapat menyetujui konsep yang Anda serahkan sendiri."
    assert not Review.objects.exists()
    item.refresh_from_db()
    assert item.current_step.number == 4


def test_return_needs_a_comment():
    w = make_world()
    item = to_review(w)
    with pytest.raises(ValidationError) as err:
        s.review_return(actor=w.kasubbag, item=item, comment="   ")
    assert err.value.message_dict["comment"] == [
        "Catatan perbaikan wajib diisi saat mengembalikan konsep."
    ]
    item.refresh_from_db()
    assert item.return_count == 0 and item.current_step.number == 4


def test_second_reviewer_gets_a_clear_message_sequentially():
    w = make_world()
    w.kasubbag.full_name = "Budi"
    w.kasubbag.save()
    today = timezone.localdate()
    make_acting(w.staf2, w.unit, Role.KASUBBAG, today, today)
    item = to_review(w)
    s.review_approve(actor=w.kasubbag, item=item)
    with pytest.raises(ValidationError) as err:
        s.review_return(actor=w.staf2, item=item, comment="Terlambat.")
    message = err.value.messages[0]
    when = timezone.localtime(Review.objects.get().decided_at).strftime("%d-%m-%Y %H:%M")
    assert message == (
        "Konten ini sudah tidak berada pada langkah pemeriksaan: konsep telah disetujui oleh "
        f"Budi pada {when}."
    )
    assert Review.objects.count() == 1
    assert StepRun.objects.filter(item=item, step__number=4, finished_at__isnull=False).count() == 1


@pytest.mark.postgresql  # real concurrent transactions; the sequential test above covers SQLite
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_one_wins():
    w = make_world()
    today = timezone.localdate()
    make_acting(w.staf2, w.unit, Role.KASUBBAG, today, today)
    item = to_review(w)
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def decide(name, fn):
        try:
            barrier.wait()
            results[name] = fn()
        except Exception as exc:  # noqa: BLE001 - the loser's refusal is the point
            results[name] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=decide, args=("a", lambda: s.review_approve(actor=w.kasubbag, item=item))
        ),
        threading.Thread(
            target=decide,
            args=("b", lambda: s.review_return(actor=w.staf2, item=item, comment="Ubah.")),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcomes = list(results.values())
    wins = [r for r in outcomes if isinstance(r, Review)]
    losses = [r for r in outcomes if isinstance(r, ValidationError)]
    assert len(wins) == 1 and len(losses) == 1, outcomes
    assert (
        losses[0]
        .messages[0]
        .startswith("Konten ini sudah tidak berada pada langkah pemeriksaan: konsep telah ")
    )
    assert Review.objects.count() == 1
    assert StepRun.objects.filter(item=item, step__number=4, finished_at__isnull=False).count() == 1
    assert StepRun.objects.filter(item=item, finished_at__isnull=True).count() == 1


def test_stale_autosave_is_refused_and_nothing_is_lost():
    w = make_world()
    item = dispose(w)
    s.draft_save(
        actor=w.staf,
        item=item,
        caption="Tab pertama",
        variants={},
        hashtags=[],
        links=[],
        base_version=0,
    )
    with pytest.raises(ValidationError) as err:
        s.draft_save(
            actor=w.staf,
            item=item,
            caption="Tab kedua",
            variants={},
            hashtags=[],
            links=[],
            base_version=0,
        )
    assert err.value.code == "stale"
    assert "sudah diubah di tab atau perangkat lain" in err.value.messages[0]
    draft = Draft.objects.get(item=item)
    assert (draft.caption, draft.version) == ("Tab pertama", 1)


def test_draft_save_marks_step_started_and_unchanged_save_keeps_version():
    w = make_world()
    item = dispose(w)
    draft = write_draft(w, item)
    run = StepRun.objects.get(item=item, finished_at__isnull=True)
    assert run.started_at is not None
    again = s.draft_save(
        actor=w.staf,
        item=item,
        caption=draft.caption,
        variants=draft.variants,
        hashtags=draft.hashtags,
        links=draft.links,
        base_version=draft.version,
    )
    assert again.version == draft.version


def test_draft_cannot_be_saved_once_submitted():
    w = make_world()
    item = to_review(w)
    with pytest.raises(ValidationError, match="sudah tidak berada pada langkah penyusunan"):
        s.draft_save(
            actor=w.staf,
            item=item,
            caption="x",
            variants={},
            hashtags=[],
            links=[],
            base_version=item.draft.version,
        )


def test_unknown_variant_platform_refused():
    w = make_world()
    item = dispose(w)
    with pytest.raises(ValidationError) as err:
        s.draft_save(
            actor=w.staf,
            item=item,
            caption="x",
            variants={"MYSPACE": "x"},
            hashtags=[],
            links=[],
            base_version=0,
        )
    assert "MYSPACE" in err.value.message_dict["variants"][0]


def test_submit_refuses_a_bad_link():
    w = make_world()
    item = dispose(w)
    s.draft_save(
        actor=w.staf,
        item=item,
        caption="Isi",
        variants={},
        hashtags=[],
        links=["jdih kpu"],
        base_version=0,
    )
    with pytest.raises(ValidationError, match="bukan alamat web yang sah"):
        s.draft_submit(actor=w.staf, item=item)


def test_dispose_validates_everything_and_saves_nothing(settings):
    settings.ATTACHMENT_MAX_MB = 1
    w = make_world()
    foreign = w.accounts[0].__class__.objects.create(
        work_unit=w.other_unit, platform="X", name="Lain", handle="lain"
    )
    with pytest.raises(ValidationError) as err:
        dispose(
            w,
            title=" ",
            instruction="",
            content_type="PUISI",
            priority="RAHASIA",
            deadline=timezone.now() - datetime.timedelta(hours=1),
            target_accounts=[foreign],
            assignee=w.kasubbag,
            legal_products=[{"title": "", "number": "7/2017"}],
            attachments=[upload(content=b""), upload("besar.mp4", b"x" * (1024 * 1024 + 1))],
        )
    errors = err.value.message_dict
    assert errors["title"] == ["Judul konten wajib diisi."]
    assert errors["instruction"] == ["Petunjuk pembuatan konten wajib diisi."]
    assert "content_type" in errors and "priority" in errors
    assert errors["deadline"] == ["Tenggat harus setelah waktu sekarang."]
    assert "bukan milik" in errors["target_accounts"][0]
    assert "bukan staf" in errors["assignee"][0]
    assert errors["legal_products"] == ["Judul produk hukum wajib diisi."]
    assert any("kosong" in m for m in errors["attachments"])
    assert any("melebihi batas 1 MB" in m for m in errors["attachments"])
    assert ContentItem.objects.count() == 0
    with pytest.raises(ValidationError) as err:
        dispose(w, target_accounts=[])
    assert err.value.message_dict["target_accounts"] == [
        "Pilih sekurang-kurangnya satu akun tujuan."
    ]


def test_dispose_needs_a_published_sop():
    w = make_world()
    w.version.status = "RETIRED"
    w.version.save()
    with pytest.raises(ValidationError, match="Belum ada SOP pengelolaan media sosial"):
        dispose(w)


def test_upload_order_schedule_in_the_past_refused():
    w = make_world()
    item = _approved(w)
    with pytest.raises(ValidationError) as err:
        s.upload_order_issue(
            actor=w.kabag, item=item, publish_at=timezone.now() - datetime.timedelta(hours=1)
        )
    assert "Jadwal unggah sudah lewat" in err.value.message_dict["publish_at"][0]
    item.refresh_from_db()
    assert item.current_step.number == 5 and not item.publications.exists()


def test_upload_order_with_external_memo_number():
    w = make_world()
    item = _approved(w)
    order = s.upload_order_issue(
        actor=w.kabag, item=item, memo_fields={"external_number": "99/HK.04-ND/62/2026"}
    )
    assert order.memo.number == "99/HK.04-ND/62/2026" and order.memo.external_number
