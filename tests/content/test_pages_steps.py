"""Steps 5 and 6 pages: the upload order and the publication records."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from simedsos.content.forms import opened_token
from simedsos.content.models import ContentItem, StepRun, UploadOrder
from simedsos.content.services import review_approve
from simedsos.memos.models import Memo, MemoKind
from simedsos.publishing.models import Publication
from tests.content.builders import dispose, make_world, to_publish, to_review

pytestmark = pytest.mark.django_db


def _approved(w, **kw):
    item = to_review(w, **kw)
    review_approve(actor=w.kasubbag, item=item)
    item.refresh_from_db()
    return item


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


# --- step 5 ---------------------------------------------------------------------------------


def test_upload_order_form_prefills_the_memo_and_issues_it(client):
    w = make_world()
    item = _approved(w)
    url = f"/konten/{item.pk}/perintah-unggah/"
    client.force_login(w.kabag)
    html = client.get(url).content.decode()
    assert "Perintah pengunggahan konten media sosial JDIH: Infografis UU Pemilu" in html
    assert '<details class="memo">' in html
    assert "Kenali UU Pemilu" in html  # the approved caption
    StepRun.objects.filter(item=item, finished_at__isnull=True).update(
        arrived_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    opened = timezone.now() - datetime.timedelta(seconds=30)
    later = timezone.now() + datetime.timedelta(hours=3)
    token = opened_token(f"order:{item.pk}", w.kabag.pk, at=opened)
    data = {"opened": token, "publish_at": _local(later)}
    # The prefilled memo fields come back unchanged, as a browser sends them.
    for name in ("recipient", "sender", "subject", "body"):
        match = re.search(rf'name="memo_{name}"[^>]*value="([^"]*)"', html) or re.search(
            rf'name="memo_{name}"[^>]*>([^<]*)</textarea>', html, re.S
        )
        data[f"memo_{name}"] = match.group(1).replace("&quot;", '"').strip()
    response = client.post(url, data)
    assert response.status_code == 302
    order = UploadOrder.objects.get(item=item)
    assert order.publish_at is not None
    assert order.memo.kind == MemoKind.UPLOAD_ORDER
    # Unchanged body: the service still adds the schedule sentence.
    assert "dijadwalkan tayang" in order.memo.body
    run = StepRun.objects.get(item=item, step__number=5)
    assert abs((run.started_at - opened).total_seconds()) < 1
    assert Publication.objects.filter(item=item, scheduled_for__isnull=False).count() == 2


def test_upload_order_refusals(client):
    w = make_world()
    item = _approved(w)
    url = f"/konten/{item.pk}/perintah-unggah/"
    client.force_login(w.staf)
    response = client.post(url, {})
    assert response.status_code == 403
    assert "dijalankan oleh Kepala Bagian" in response.content.decode()
    client.force_login(w.other["KABAG"])
    assert client.get(url).status_code == 403
    client.force_login(w.kabag)
    past = _local(timezone.now() - datetime.timedelta(hours=2))
    response = client.post(url, {"publish_at": past, "memo_subject": "Hal saya"})
    html = response.content.decode()
    assert response.status_code == 200 and "Jadwal unggah sudah lewat" in html
    assert "Hal saya" in html
    assert not UploadOrder.objects.exists()
    assert Memo.objects.filter(kind=MemoKind.UPLOAD_ORDER).count() == 0


def test_upload_order_on_an_item_elsewhere_goes_back_to_the_item(client):
    w = make_world()
    item = dispose(w)
    client.force_login(w.kabag)
    response = client.get(f"/konten/{item.pk}/perintah-unggah/", follow=True)
    assert response.redirect_chain[-1][0] == f"/konten/{item.pk}/"
    assert "Langkah ini tidak sedang berjalan" in response.content.decode()


def test_second_order_after_a_race_shows_who_did_it(client):
    from simedsos.content.services import upload_order_issue

    w = make_world()
    item = _approved(w)
    url = f"/konten/{item.pk}/perintah-unggah/"
    client.force_login(w.kabag)
    client.get(url)
    upload_order_issue(actor=w.kabag, item=item)  # e.g. from another tab
    response = client.post(url, {}, follow=True)
    assert "Langkah ini tidak sedang berjalan" in response.content.decode()
    assert UploadOrder.objects.count() == 1


# --- step 6 ---------------------------------------------------------------------------------


def _rows(item):
    return {p.account.platform: p for p in Publication.objects.filter(item=item)}


def test_publish_page_needs_a_start_then_records_all_rows_in_one_post(client):
    w = make_world()
    item = to_publish(w)
    url = f"/konten/{item.pk}/unggah/"
    client.force_login(w.staf)
    html = client.get(url).content.decode()
    assert "Mulai mengunggah" in html and 'name="pub' not in html
    assert "Versi Instagram" in html  # the approved variant to copy
    client.post(f"/konten/{item.pk}/unggah/mulai/")
    html = client.get(url).content.decode()
    rows = _rows(item)
    assert f'name="pub{rows["INSTAGRAM"].pk}-url"' in html
    went = _local(timezone.now())  # the same minute the item was opened
    evidence = SimpleUploadedFile("bukti.png", b"\x89PNG bukti", content_type="image/png")
    response = client.post(
        url,
        {
            f"pub{rows['INSTAGRAM'].pk}-url": "https://www.instagram.com/p/ABC123/",
            f"pub{rows['INSTAGRAM'].pk}-went_live_at": went,
            f"pub{rows['INSTAGRAM'].pk}-evidence": evidence,
            f"pub{rows['FACEBOOK'].pk}-url": "https://www.facebook.com/jdih/posts/9",
            f"pub{rows['FACEBOOK'].pk}-went_live_at": went,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/konten/{item.pk}/"
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PUBLISHED and item.current_step is None
    rows = _rows(item)
    assert rows["INSTAGRAM"].evidence and rows["FACEBOOK"].url.endswith("/posts/9")
    page = client.get(f"/konten/{item.pk}/").content.decode()
    assert "lihat bukti" in page
    evidence_url = f"/konten/{item.pk}/bukti/{rows['INSTAGRAM'].pk}/"
    assert client.get(evidence_url).status_code == 200


def test_row_errors_in_indonesian_good_rows_kept_and_bad_typing_kept(client):
    w = make_world()
    item = to_publish(w)
    url = f"/konten/{item.pk}/unggah/"
    client.force_login(w.staf)
    client.post(f"/konten/{item.pk}/unggah/mulai/")
    rows = _rows(item)
    went = _local(timezone.now())
    response = client.post(
        url,
        {
            f"pub{rows['INSTAGRAM'].pk}-url": "https://www.facebook.com/salah/1",
            f"pub{rows['INSTAGRAM'].pk}-went_live_at": went,
            f"pub{rows['FACEBOOK'].pk}-url": "https://www.facebook.com/jdih/posts/9",
            f"pub{rows['FACEBOOK'].pk}-went_live_at": went,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tautan ini bukan alamat Instagram" in html
    assert 'value="https://www.facebook.com/salah/1"' in html  # what was typed stays
    rows = _rows(item)
    assert rows["FACEBOOK"].status == "PUBLISHED"  # the good row was recorded
    assert rows["INSTAGRAM"].status == "PENDING"
    assert f'name="pub{rows["FACEBOOK"].pk}-url"' not in html  # now read-only
    # Not published, with a reason, finishes the step: partially published.
    response = client.post(url, {f"pub{rows['INSTAGRAM'].pk}-reason": "Akun dibekukan."})
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PARTIALLY_PUBLISHED


def test_empty_post_and_both_url_and_reason_are_refused(client):
    w = make_world()
    item = to_publish(w)
    url = f"/konten/{item.pk}/unggah/"
    client.force_login(w.staf)
    client.post(f"/konten/{item.pk}/unggah/mulai/")
    html = client.post(url, {}).content.decode()
    assert "Belum ada yang dicatat" in html
    rows = _rows(item)
    html = client.post(
        url,
        {
            f"pub{rows['INSTAGRAM'].pk}-url": "https://www.instagram.com/p/X/",
            f"pub{rows['INSTAGRAM'].pk}-reason": "Tidak jadi",
        },
    ).content.decode()
    assert "tidak keduanya" in html
    assert not Publication.objects.filter(item=item).exclude(status="PENDING").exists()
    future = _local(timezone.now() + datetime.timedelta(hours=2))
    html = client.post(
        url,
        {
            f"pub{rows['INSTAGRAM'].pk}-url": "https://www.instagram.com/p/X/",
            f"pub{rows['INSTAGRAM'].pk}-went_live_at": future,
        },
    ).content.decode()
    assert "Waktu tayang tidak boleh di masa depan." in html
    before = _local(item.created_at - datetime.timedelta(minutes=2))
    html = client.post(
        url,
        {
            f"pub{rows['INSTAGRAM'].pk}-url": "https://www.instagram.com/p/X/",
            f"pub{rows['INSTAGRAM'].pk}-went_live_at": before,
        },
    ).content.decode()
    assert "Waktu tayang tidak boleh sebelum konten didisposisikan" in html


def test_only_the_assignee_may_publish(client):
    w = make_world()
    item = to_publish(w)
    for user in (w.staf2, w.kabag, w.pemantau):
        client.force_login(user)
        assert client.get(f"/konten/{item.pk}/unggah/").status_code == 403
        assert client.post(f"/konten/{item.pk}/unggah/mulai/").status_code == 403
    assert StepRun.objects.get(item=item, finished_at__isnull=True).started_at is None


def test_publish_page_of_an_item_not_yet_ordered_redirects(client):
    w = make_world()
    item = _approved(w)
    client.force_login(w.staf)
    response = client.get(f"/konten/{item.pk}/unggah/")
    assert response.status_code == 302 and response["Location"] == f"/konten/{item.pk}/"
