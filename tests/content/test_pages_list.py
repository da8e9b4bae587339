"""The content list: filters, search, paging, who sees what, flat query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from simedsos.content.models import ContentItem
from simedsos.publishing.models import SocialAccount
from simedsos.publishing.platforms.limits import Platform
from tests.content.builders import dispose, make_world, to_publish, to_review
from tests.content.page_builders import bulk_items

pytestmark = pytest.mark.django_db
URL = "/konten/"


def _titles(response):
    html = response.content.decode()
    return [t for t in ("Alpha", "Beta", "Gamma") if f">{t}<" in html]


@pytest.fixture
def three(db):
    w = make_world()
    alpha = dispose(w, title="Alpha", content_type="VIDEO", assignee=w.staf2)
    beta = to_review(w, title="Beta")
    tiktok = SocialAccount.objects.create(
        work_unit=w.unit, platform=Platform.TIKTOK, name="JDIH", handle="jdihtt"
    )
    gamma = to_publish(w, title="Gamma", target_accounts=[tiktok])
    return w, alpha, beta, gamma


def test_lists_with_filters(client, three):
    w, alpha, beta, gamma = three
    client.force_login(w.kabag)
    assert _titles(client.get(URL)) == ["Alpha", "Beta", "Gamma"]
    assert _titles(client.get(URL, {"status": "IN_REVIEW"})) == ["Beta"]
    assert _titles(client.get(URL, {"step": "6"})) == ["Gamma"]
    assert _titles(client.get(URL, {"content_type": "VIDEO"})) == ["Alpha"]
    assert _titles(client.get(URL, {"person": w.staf2.pk})) == ["Alpha"]
    assert _titles(client.get(URL, {"platform": "TIKTOK"})) == ["Gamma"]
    assert _titles(client.get(URL, {"q": "alp"})) == ["Alpha"]
    today = timezone.localdate()
    assert len(_titles(client.get(URL, {"date_from": today, "date_to": today}))) == 3
    tomorrow = today + datetime.timedelta(days=1)
    response = client.get(URL, {"date_from": tomorrow})
    assert _titles(response) == []
    assert "Tidak ada konten yang cocok dengan saringan ini." in response.content.decode()


def test_bad_filter_values_do_not_hide_the_list(client, three):
    w = three[0]
    client.force_login(w.kabag)
    response = client.get(URL, {"date_from": "kemarin", "step": "x", "status": "NGAWUR"})
    assert response.status_code == 200
    assert _titles(response) == ["Alpha", "Beta", "Gamma"]


def test_filter_form_is_labelled_and_htmx_returns_the_results_only(client, three):
    w = three[0]
    client.force_login(w.kabag)
    html = client.get(URL).content.decode()
    for label in ("Cari judul", "Status", "Langkah", "Jenis konten", "Staf", "Platform"):
        assert f">{label}" in html
    assert 'hx-get="/konten/"' in html
    partial = client.get(
        URL, {"q": "Beta"}, headers={"HX-Request": "true", "HX-Target": "item-results"}
    )
    body = partial.content.decode()
    assert body.lstrip().startswith('<section id="item-results"')
    assert "<html" not in body and ">Beta<" in body


def test_pemantau_reads_but_cannot_dispose_and_other_units_are_hidden(client, three):
    w = three[0]
    client.force_login(w.pemantau)
    html = client.get(URL).content.decode()
    assert _titles(client.get(URL)) == ["Alpha", "Beta", "Gamma"]
    assert "Buat disposisi" not in html
    client.force_login(w.other["KABAG"])
    response = client.get(URL)
    assert _titles(response) == []
    assert "Buat disposisi" in response.content.decode()  # in their own unit


def test_pages_of_25_without_counting(client):
    w = make_world()
    bulk_items(w, 30)
    client.force_login(w.kabag)
    first = client.get(URL).content.decode()
    assert first.count('<a href="/konten/') - first.count('<a href="/konten/?') >= 25
    assert "halaman=2" in first and "Sebelumnya" not in first
    second = client.get(URL, {"halaman": "2"}).content.decode()
    assert second.count(">Konten massal") == 5
    assert "Sebelumnya" in second and "halaman=3" not in second
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL)
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not any("content_contentitem" in sql for sql in counts)


def _queries(client, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "params", [{}, {"status": "DRAFTING", "platform": "INSTAGRAM", "q": "massal", "step": "2"}]
)
def test_same_number_of_queries_with_10_and_1000_items(client, params):
    w = make_world()
    bulk_items(w, 10)
    client.force_login(w.kabag)
    small = _queries(client, params)
    bulk_items(w, 990)
    assert ContentItem.objects.count() == 1000
    assert _queries(client, params) == small
    assert small <= 15  # the page's bar (DESIGN §7), session and header included
