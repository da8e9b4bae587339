"""Step 1 page: the disposition form."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from simedsos.content.forms import opened_token
from simedsos.content.models import ContentItem, StepRun
from simedsos.memos.models import Memo
from tests.content.builders import make_world
from tests.factories import make_acting, make_user

pytestmark = pytest.mark.django_db
URL = "/konten/baru/"


def _payload(w, **overrides):
    data = {
        "title": "Infografis UU Pemilu",
        "instruction": "Buat infografis pasal penting.",
        "content_type": "INFOGRAFIS",
        "priority": "SEGERA",
        "deadline": (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "target_accounts": [a.pk for a in w.accounts],
        "assignee": w.staf.pk,
        "lp_title_1": "UU Nomor 7 Tahun 2017",
        "lp_number_1": "7/2017",
        "lp_url_1": "https://jdih.kpu.go.id/uu-7-2017",
        "unit": w.unit.pk,
    }
    data.update(overrides)
    return data


def test_url_names():
    assert reverse("content:dispose") == URL
    assert reverse("content:inbox") == "/konten/tugas/"
    assert reverse("content:list") == "/konten/"
    assert reverse("content:item", kwargs={"pk": 7}) == "/konten/7/"
    assert reverse("content:upload_order", kwargs={"pk": 7}) == "/konten/7/perintah-unggah/"
    assert reverse("content:publish", kwargs={"pk": 7}) == "/konten/7/unggah/"


def test_form_prefills_and_signs_the_opening_time(client):
    w = make_world()
    client.force_login(w.kabag)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    # Memo recipient comes from the SOP's actor columns, editable in a closed <details>.
    assert '<details class="memo">' in html
    assert 'value="Kepala Subbagian Hukum dan SDM"' in html
    assert re.search(r'name="opened" value="[^"]+:[^"]+"', html)
    # Every active account of the unit is ticked; staff of the unit are offered.
    for account in w.accounts:
        assert f'value="{account.pk}"' in html
    assert w.staf.get_full_name() in html and w.staf2.get_full_name() in html
    assert w.kabag.get_full_name() not in html.split('name="assignee"')[1].split("</select>")[0]
    for label in ("Judul konten", "Petunjuk", "Jenis konten", "Sifat", "Akun tujuan"):
        assert label in html


def test_post_disposes_with_memo_attachments_and_measured_start(client):
    w = make_world()
    client.force_login(w.kabag)
    opened = timezone.now() - datetime.timedelta(seconds=40)
    data = _payload(w, opened=opened_token("dispose", w.kabag.pk, at=opened))
    data["attachments"] = [
        SimpleUploadedFile("bahan1.pdf", b"%PDF-1.4 satu", content_type="application/pdf"),
        SimpleUploadedFile("bahan2.pdf", b"%PDF-1.4 dua", content_type="application/pdf"),
    ]
    response = client.post(URL, data)
    item = ContentItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("content:item", kwargs={"pk": item.pk})
    assert item.assignee == w.staf and item.priority == "SEGERA"
    assert sorted(item.target_accounts.values_list("pk", flat=True)) == sorted(
        a.pk for a in w.accounts
    )
    assert sorted(item.attachments.values_list("original_name", flat=True)) == [
        "bahan1.pdf",
        "bahan2.pdf",
    ]
    assert item.legal_products.get().number == "7/2017"
    memo = item.disposition.memo
    assert memo.recipient == "Kepala Subbagian Hukum dan SDM"
    assert memo.subject.endswith("Infografis UU Pemilu")  # written by the service
    run = StepRun.objects.get(item=item, step__number=1)
    assert abs((run.started_at - opened).total_seconds()) < 1
    assert (run.finished_at - run.started_at).total_seconds() >= 39
    follow = client.get(response["Location"])
    assert memo.number in follow.content.decode()


def test_changed_memo_fields_reach_the_memo(client):
    w = make_world()
    client.force_login(w.kabag)
    client.post(
        URL,
        _payload(
            w,
            memo_subject="Hal khusus",
            memo_carbon_copies="Sekretaris\nInspektorat",
            memo_recipient="Kepala Subbagian Hukum dan SDM",  # unchanged default
        ),
    )
    memo = Memo.objects.get()
    assert memo.subject == "Hal khusus"
    assert memo.carbon_copies == ["Sekretaris", "Inspektorat"]


def test_forged_or_foreign_opening_token_is_ignored(client):
    w = make_world()
    client.force_login(w.kabag)
    long_ago = timezone.now() - datetime.timedelta(hours=3)
    token = opened_token("dispose", w.staf.pk, at=long_ago)  # someone else's
    client.post(URL, _payload(w, opened=token))
    run = StepRun.objects.get(step__number=1)
    assert (run.finished_at - run.started_at).total_seconds() < 5
    client.post(URL, _payload(w, title="Kedua", opened="rusak:tanda"))
    run = StepRun.objects.filter(step__number=1).order_by("-id").first()
    assert (run.finished_at - run.started_at).total_seconds() < 5


def test_refusal_keeps_everything_typed_and_saves_nothing(client):
    w = make_world()
    client.force_login(w.kabag)
    data = _payload(
        w,
        title="",
        instruction="Petunjuk yang panjang sekali",
        lp_url_1="bukan alamat",
        memo_subject="Hal yang saya ketik",
    )
    data["attachments"] = [SimpleUploadedFile("a.pdf", b"%PDF x", content_type="application/pdf")]
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Belum tersimpan" in html
    assert "Judul konten wajib diisi." in html
    assert "Petunjuk yang panjang sekali" in html
    assert "Hal yang saya ketik" in html
    assert "pilih ulang berkasnya" in html
    assert ContentItem.objects.count() == 0 and Memo.objects.count() == 0


def test_service_refusal_is_shown_on_its_field(client):
    w = make_world()
    client.force_login(w.kabag)
    past = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(URL, _payload(w, deadline=past, lp_url_1="bukan alamat"))
    html = response.content.decode()
    assert "Tenggat harus setelah waktu sekarang." in html
    assert "Tautan produk hukum bukan alamat bukan alamat web yang sah." in html
    assert '<details class="memo">' in html  # no memo error: stays closed
    assert ContentItem.objects.count() == 0


def test_memo_error_opens_the_memo_box(client):
    w = make_world()
    client.force_login(w.kabag)
    Memo.objects.all().delete()
    client.post(URL, _payload(w, memo_external_number="ND-1"))
    response = client.post(URL, _payload(w, title="Kedua", memo_external_number="ND-1"))
    html = response.content.decode()
    assert "sudah dipakai" in html
    assert '<details class="memo" open>' in html
    assert ContentItem.objects.count() == 1


@pytest.mark.parametrize("who", ["staf", "kasubbag", "pemantau"])
def test_others_cannot_open_the_form(client, who):
    w = make_world()
    client.force_login(getattr(w, who))
    for response in (client.get(URL), client.post(URL, _payload(w))):
        assert response.status_code == 403
        assert "tidak berwenang membuat disposisi" in response.content.decode()
    assert ContentItem.objects.count() == 0


def test_acting_kabag_may_dispose_and_is_named_so(client):
    w = make_world()
    plt = make_user()
    today = timezone.localdate()
    make_acting(plt, w.unit, "KABAG", today, today)
    client.force_login(plt)
    assert client.get(URL).status_code == 200
    response = client.post(URL, _payload(w))
    assert response.status_code == 302
    item = ContentItem.objects.get()
    assert item.disposition.capacity.startswith("Plt.")
    page = client.get(reverse("content:item", kwargs={"pk": item.pk})).content.decode()
    assert "Plt. Kepala Bagian" in page


def test_other_units_accounts_and_staff_are_refused(client):
    w = make_world()
    client.force_login(w.kabag)
    other_staff = w.other["STAF"]
    response = client.post(URL, _payload(w, assignee=other_staff.pk))
    assert response.status_code == 200
    assert "Staf pelaksana" in response.content.decode()
    assert ContentItem.objects.count() == 0


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]
