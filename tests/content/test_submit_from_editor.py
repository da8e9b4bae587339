"""Handing a draft over (SOP step 3) is one click from the editor.

The editor's "Serahkan ke pemeriksa" posts straight to the submission address; the final-check
page stays one link away and is what a refused submission shows.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from simedsos.content.models import ContentItem, DraftRevision, StepRun
from simedsos.content.services import draft_save, draft_start
from tests.content.builders import add_image, dispose, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def drafted(world):
    item = dispose(world)
    draft_start(actor=world.staf, item=item)
    add_image(world, item)
    draft = item.draft
    draft.refresh_from_db()
    draft_save(
        actor=world.staf,
        item=item,
        caption="Kenali UU Pemilu",
        variants={},
        hashtags=["JDIH"],
        links=[],
        base_version=draft.version,
    )
    return item


def _submit_form(body: str) -> str:
    match = re.search(r'<form[^>]*id="submit-form".*?</form>', body, re.S)
    assert match, "the editor has no submission form"
    return match.group(0)


def test_editor_hands_over_with_one_button(client, world, drafted):
    client.force_login(world.staf)
    body = client.get(reverse("content:draft_edit", args=[drafted.pk])).content.decode()
    form = _submit_form(body)
    submit_url = reverse("content:draft_submit", args=[drafted.pk])
    assert 'method="post"' in form and f'action="{submit_url}"' in form
    assert "csrfmiddlewaretoken" in form
    assert re.search(r'<button type="submit"[^>]*>Serahkan ke pemeriksa</button>', form)
    # The submission is timed from the click: no "opened at" from when the editor loaded.
    assert "opened_at" not in form
    # The final-check page stays reachable.
    assert f'href="{submit_url}"' in form and "Pemeriksaan akhir dulu" in form


def test_editor_before_starting_offers_no_submission(client, world):
    item = dispose(world)
    client.force_login(world.staf)
    body = client.get(reverse("content:draft_edit", args=[item.pk])).content.decode()
    assert 'id="submit-form"' not in body


def test_posting_the_editor_form_submits_at_once(client, world, drafted):
    ten_ago = timezone.now() - datetime.timedelta(minutes=10)
    StepRun.objects.filter(item=drafted, finished_at__isnull=True).update(
        arrived_at=ten_ago, started_at=ten_ago
    )
    client.force_login(world.staf)
    before = timezone.now()
    response = client.post(reverse("content:draft_submit", args=[drafted.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("content:item", args=[drafted.pk])
    revision = DraftRevision.objects.get(item=drafted)
    assert revision.number == 1 and revision.caption == "Kenali UU Pemilu"
    drafting = StepRun.objects.get(item=drafted, step__number=2)
    handing = StepRun.objects.get(item=drafted, step__number=3)
    # Drafting ran until the click; handing over took the click itself.
    assert drafting.finished_at >= before
    assert handing.started_at == drafting.finished_at
    assert (handing.finished_at - handing.started_at).total_seconds() < 1
    assert ContentItem.objects.get(pk=drafted.pk).current_step.number == 4


def test_refused_editor_submission_shows_the_final_check(client, world):
    item = dispose(world)
    draft_start(actor=world.staf, item=item)  # caption empty, no image for Instagram
    client.force_login(world.staf)
    response = client.post(reverse("content:draft_submit", args=[item.pk]))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Konsep belum dapat diserahkan" in body and "Keterangan utama masih kosong" in body
    assert "Pemeriksaan akhir per platform" in body
    assert not DraftRevision.objects.exists()
