"""The review page: the revision, its difference from the previous one, comments, decisions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from simedsos.accounts.roles import Role
from simedsos.content.models import ContentItem, Draft, Review, ReviewComment, StepRun
from simedsos.content.services import (
    draft_save,
    draft_submit,
    review_approve,
    review_comment_add,
    review_return,
)
from tests.content.builders import make_world, to_review
from tests.factories import make_user

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def item(world):
    return to_review(world)


@pytest.fixture
def kasubbag_client(client, world):
    client.force_login(world.kasubbag)
    return client


def review_run(item):
    return StepRun.objects.get(item=item, finished_at__isnull=True)


def test_get_shows_the_revision_and_writes_nothing(kasubbag_client, item):
    response = kasubbag_client.get(reverse("content:review", args=[item.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kenali UU Pemilu #JDIH" in body
    assert "Versi Instagram" in body  # the Instagram variant
    assert "Infografis pasal UU Pemilu" in body  # the image's alt text
    assert "https://jdih.kpu.go.id/uu-7-2017" in body
    assert 'hx-trigger="load"' in body  # the start is recorded by a POST on load
    assert "Setujui" in body and "Kembalikan untuk diperbaiki" in body
    assert review_run(item).started_at is None


def test_post_on_load_records_the_start(kasubbag_client, item):
    response = kasubbag_client.post(reverse("content:review", args=[item.pk]), **HTMX)
    assert response.status_code == 200
    assert "Pemeriksaan dimulai pukul" in response.content.decode()
    assert review_run(item).started_at is not None


def test_submitter_sees_a_notice_and_no_decision_buttons(client, world, item):
    client.force_login(world.staf)
    body = client.get(reverse("content:review", args=[item.pk])).content.decode()
    assert "Anda menyerahkan konsep ini sendiri" in body
    assert 'value="approve"' not in body
    response = client.post(
        reverse("content:review_decide", args=[item.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    assert ContentItem.objects.get(pk=item.pk).status == ContentItem.Status.IN_REVIEW


def test_return_needs_a_comment(kasubbag_client, item):
    response = kasubbag_client.post(
        reverse("content:review_decide", args=[item.pk]), {"decision": "return", "comment": " "}
    )
    assert response.status_code == 400
    assert "Catatan perbaikan wajib diisi" in response.content.decode()
    assert not Review.objects.exists()
    assert ContentItem.objects.get(pk=item.pk).current_step.number == 4


def test_approve(kasubbag_client, item):
    response = kasubbag_client.post(
        reverse("content:review_decide", args=[item.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ContentItem.Status.APPROVED
    assert Review.objects.get().decision == Review.Decision.APPROVE


def test_the_second_of_two_reviewers_gets_a_clear_message(client, world, item):
    second = make_user(Role.KASUBBAG, world.unit, username="kasubbag2")
    review_approve(actor=world.kasubbag, item=item)
    client.force_login(second)
    response = client.post(
        reverse("content:review_decide", args=[item.pk]),
        {"decision": "return", "comment": "Perbaiki judul."},
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "sudah tidak berada pada langkah pemeriksaan" in body
    assert "konsep telah disetujui oleh" in body
    assert Review.objects.count() == 1
    item.refresh_from_db()
    assert item.status == ContentItem.Status.APPROVED and item.return_count == 0


def test_comment_through_the_page(kasubbag_client, item):
    revision = item.revisions.get()
    url = reverse("content:review_comment", args=[item.pk])
    response = kasubbag_client.post(
        url,
        {"revision": revision.pk, "field": "caption", "text": "Tambahkan nomor pasal."},
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tambahkan nomor pasal." in body
    assert "Keterangan utama" in body  # the field's label, not its key
    assert ReviewComment.objects.get().field == "caption"

    response = kasubbag_client.post(
        url, {"revision": revision.pk, "field": "", "text": "  "}, **HTMX
    )
    assert response.status_code == 400
    assert "Catatan koreksi wajib diisi." in response.content.decode()
    assert ReviewComment.objects.count() == 1


def resubmit(world, item, caption):
    draft = Draft.objects.get(item=item)
    draft_save(
        actor=world.staf,
        item=item,
        caption=caption,
        variants={"INSTAGRAM": "Versi Instagram"},
        hashtags=["JDIH", "Pemilu"],
        links=["https://jdih.kpu.go.id/uu-7-2017"],
        base_version=draft.version,
    )
    draft_submit(actor=world.staf, item=item)


def test_returned_and_resubmitted_draft_shows_the_difference(kasubbag_client, world, item):
    revision = item.revisions.get()
    review_comment_add(
        actor=world.kasubbag, revision=revision, field="caption", text="Sebut pasalnya."
    )
    review_return(actor=world.kasubbag, item=item, comment="Lengkapi keterangan.")
    resubmit(world, item, "Kenali Pasal 1 UU Pemilu #JDIH <b>")
    body = kasubbag_client.get(reverse("content:review", args=[item.pk])).content.decode()
    assert "Perbedaan revisi 1 → 2" in body
    assert '<ins class="diff-ins"> Pasal 1</ins>' in body
    assert '<ins class="diff-ins">#Pemilu</ins>' in body
    assert "&lt;b&gt;" in body and "<b>" not in body.split("Perbedaan revisi")[1]
    assert "Lengkapi keterangan." in body  # the previous decision's comment
    assert "Sebut pasalnya." in body  # and the previous comments


def test_returned_draft_shows_the_reviewer_notes_in_the_editor(client, world, item):
    review_return(actor=world.kasubbag, item=item, comment="Lengkapi keterangan.")
    client.force_login(world.staf)
    body = client.get(reverse("content:draft_edit", args=[item.pk])).content.decode()
    assert "Revisi 1 dikembalikan untuk diperbaiki" in body
    assert "Lengkapi keterangan." in body


def test_other_unit_cannot_see_the_review(client, world, item):
    client.force_login(world.other[Role.KASUBBAG])
    assert client.get(reverse("content:review", args=[item.pk])).status_code == 403


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]])


def test_review_queries_do_not_grow_with_comments_and_revisions(kasubbag_client, world, item):
    url = reverse("content:review", args=[item.pk])

    def round_trip(n_comments):
        revision = item.revisions.order_by("-number").first()
        for i in range(n_comments):
            review_comment_add(actor=world.kasubbag, revision=revision, text=f"Catatan {i}")
        review_return(actor=world.kasubbag, item=item, comment="Perbaiki.")
        resubmit(world, item, f"Keterangan revisi {revision.number + 1}")

    round_trip(3)
    few = count_queries(kasubbag_client, url)
    for _ in range(3):
        round_trip(10)
    many = count_queries(kasubbag_client, url)
    assert few == many
    assert many <= 15
