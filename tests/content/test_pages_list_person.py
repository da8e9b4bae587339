"""The content list's Staf filter: typed (part of a name, username or NIP), never a list of
every staff member, so the page does not grow with the number of users."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from simedsos.accounts.models import Membership, User
from simedsos.accounts.roles import Role
from simedsos.accounts.selectors import PEOPLE_MATCH_LIMIT
from simedsos.content.models import ContentItem
from tests.accounts.people_checks import (
    check_suggestion_queries_stay_flat,
    check_suggestions_need_a_sign_in_and_a_unit,
)
from tests.content.builders import dispose, make_world
from tests.content.page_builders import bulk_items
from tests.factories import add_people

pytestmark = pytest.mark.django_db
URL = "/konten/"
SUGGEST_URL = reverse("content:staff_suggest")
HTMX = {"HX-Request": "true", "HX-Target": "item-results"}
NO_MATCH = (
    "Tidak ada staf di satuan kerja yang dapat Anda lihat yang nama, nama pengguna, atau "
    "NIP-nya cocok dengan “{}”, jadi tidak ada konten yang ditampilkan."
)
NOT_FOUND = (
    "Staf yang diminta tidak ditemukan di satuan kerja yang dapat Anda lihat, "
    "jadi tidak ada konten yang ditampilkan."
)


def _titles(response) -> list[str]:
    html = response.content.decode()
    return [t for t in ("Alpha", "Beta", "Gamma") if f">{t}<" in html]


def _name(user: User, full_name: str, nip: str | None = None) -> User:
    user.full_name, user.nip = full_name, nip
    user.save(update_fields=["full_name", "nip"])
    return user


@pytest.fixture
def world(db):
    w = make_world()
    _name(w.staf, "Budi Santoso", "198001012005011001")
    _name(w.staf2, "Sari Wulandari", "199203152019032007")
    _name(w.other[Role.STAF], "Rahmat Hidayat", "197505052000031002")
    w.items = {
        "Alpha": dispose(w, title="Alpha", assignee=w.staf),
        "Beta": dispose(w, title="Beta", assignee=w.staf2),
        "Gamma": dispose(w, title="Gamma", assignee=w.staf),
    }
    return w


# --- searching -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["wulan", "SARI", "staf2", "199203152019032007", "19920315", "19920315 201903 2 007"],
    ids=["part-of-name", "name-any-case", "username", "nip", "part-of-nip", "nip-in-groups"],
)
def test_search_finds_staff_by_name_username_or_nip(client, world, text):
    client.force_login(world.kabag)
    response = client.get(URL, {"person_q": text})
    assert _titles(response) == ["Beta"]
    body = response.content.decode()
    assert f"Staf yang cocok dengan “{text}”:" in body
    assert f'<a href="?person={world.staf2.pk}">Sari Wulandari</a> <small>(staf2)</small>' in body
    assert response.context["form"]["person_q"].value() == text  # the field keeps the text


def test_search_matching_several_staff_shows_the_items_of_each(client, world):
    client.force_login(world.kabag)
    response = client.get(URL, {"person_q": "an"})  # santoso, wulandari
    assert _titles(response) == ["Alpha", "Beta", "Gamma"]
    assert _titles(client.get(URL, {"person_q": "santo", "q": "gam"})) == ["Gamma"]


def test_search_looks_among_staff_only(client, world):
    _name(world.kasubbag, "Budi Pemeriksa")
    client.force_login(world.kabag)
    body = client.get(URL, {"person_q": "budi"}).content.decode()
    assert "Budi Santoso" in body and "Budi Pemeriksa" not in body


def test_former_staff_are_still_found_for_their_old_items(client, world):
    Membership.objects.filter(user=world.staf2).update(is_active=False)
    client.force_login(world.kabag)
    assert _titles(client.get(URL, {"person_q": "sari"})) == ["Beta"]


def test_search_matching_nobody_says_so_and_shows_no_items(client, world):
    client.force_login(world.kabag)
    response = client.get(URL, {"person_q": "Zulkarnain"})
    assert response.status_code == 200
    assert _titles(response) == []
    body = response.content.decode()
    assert NO_MATCH.format("Zulkarnain") in body
    assert "Tidak ada konten yang cocok dengan saringan ini." in body
    assert '<details class="filters" open>' in body  # the field with the text stays in view


def test_search_text_too_long_shows_an_error_and_no_items(client, world):
    client.force_login(world.kabag)
    response = client.get(URL, {"person_q": "b" * 101})
    assert _titles(response) == []
    [error] = response.context["form"].errors["person_q"]
    assert f'<p class="filter-note error" role="alert">{error}' in response.content.decode()


def test_blank_search_is_no_filter(client, world):
    client.force_login(world.kabag)
    assert _titles(client.get(URL, {"person_q": "   "})) == ["Alpha", "Beta", "Gamma"]


def test_search_is_capped_and_says_so(client, world):
    many = add_people(world.unit, PEOPLE_MATCH_LIMIT + 1, name="Dewi")
    first, last = many[0], many[-1]
    ContentItem.objects.filter(pk=world.items["Alpha"].pk).update(assignee=first)
    ContentItem.objects.filter(pk=world.items["Beta"].pk).update(assignee=last)  # the 51st
    client.force_login(world.pemantau)
    response = client.get(URL, {"person_q": "dewi"})
    assert _titles(response) == ["Alpha"]
    body = response.content.decode()
    assert "Lebih dari 50 staf cocok dengan “dewi”; hanya 50 staf pertama menurut nama" in body
    assert body.count("?person=") == PEOPLE_MATCH_LIMIT + 1  # 50 matches + Alpha's row
    assert last.full_name not in body
    narrower = client.get(URL, {"person_q": last.full_name})
    assert _titles(narrower) == ["Beta"]
    assert "Lebih dari 50" not in narrower.content.decode()


def test_paging_keeps_the_search(client, world):
    bulk_items(world, 30)  # assigned to Budi
    client.force_login(world.kabag)
    body = client.get(URL, {"person_q": "budi"}).content.decode()
    assert "?person_q=budi&amp;halaman=2" in body


# --- one person chosen by id -----------------------------------------------------------------


def test_person_chosen_by_id_shows_the_name_and_a_way_back(client, world):
    client.force_login(world.kabag)
    response = client.get(URL, {"person": world.staf.pk, "q": "a"})
    assert _titles(response) == ["Alpha", "Gamma"]
    body = response.content.decode()
    assert "Menampilkan konten yang ditugaskan kepada Budi Santoso." in body
    assert '<a href="?q=a">Hapus saringan staf</a>' in body
    # The person stays chosen when another filter changes; nobody else is listed.
    assert (
        f'<span id="person-chosen"><input type="hidden" name="person" value="{world.staf.pk}"'
        in body
    )
    form_html = body.split('<form method="get" action="/konten/"')[1].split("</form>")[0]
    assert "Sari Wulandari" not in form_html and '<select name="person"' not in form_html


def test_rows_link_to_their_staff_member(client, world):
    client.force_login(world.kabag)
    body = client.get(URL, {"status": "DRAFTING"}).content.decode()
    assert f'<a href="?status=DRAFTING&amp;person={world.staf2.pk}">Sari Wulandari</a>' in body


def test_typed_search_replaces_the_person_chosen_by_link(client, world):
    client.force_login(world.kabag)
    response = client.get(URL, {"person": world.staf.pk, "person_q": "wulan"})
    assert _titles(response) == ["Beta"]
    assert 'name="person"' not in response.content.decode()


@pytest.mark.parametrize("who", ["stranger", "kasubbag", "malformed", "unknown"])
def test_person_id_that_is_not_a_visible_staff_member_shows_no_items(client, world, who):
    ident = {
        "stranger": world.other[Role.STAF].pk,
        "kasubbag": world.kasubbag.pk,  # of the unit, but not staff
        "malformed": "abc",
        "unknown": 999999,
    }[who]
    client.force_login(world.kabag)
    response = client.get(URL, {"person": ident})
    assert response.status_code == 200
    assert _titles(response) == []
    body = response.content.decode()
    assert NOT_FOUND in body
    assert "Rahmat Hidayat" not in body and 'name="person"' not in body


def test_staff_outside_the_visible_units_cannot_be_found(client, world):
    stranger = world.other[Role.STAF]
    client.force_login(world.kabag)
    for text in ("Rahmat", stranger.username, "197505052000031002"):
        response = client.get(URL, {"person_q": text})
        assert _titles(response) == []
        body = response.content.decode()
        assert NO_MATCH.format(text) in body
        assert "Rahmat Hidayat" not in body
    suggestions = client.get(SUGGEST_URL, {"person_q": "Rahmat"}).content.decode()
    assert "<option" not in suggestions


# --- htmx ------------------------------------------------------------------------------------


def test_search_field_sends_the_list_and_asks_for_suggestions(client, world):
    client.force_login(world.kabag)
    body = client.get(URL).content.decode()
    assert 'type="search" name="person_q"' in body and 'list="staff-suggestions"' in body
    assert f'hx-get="{SUGGEST_URL}"' in body and 'hx-target="#staff-suggestions"' in body
    # The form pushes its URL; the suggestions' requests must not.
    assert 'hx-push-url="false"' in body
    list_form = body.split('<form method="get" action="/konten/"')[1].split(">")[0]
    assert "input changed delay:400ms from:#id_person_q" in list_form
    assert '<datalist id="staff-suggestions"></datalist>' in body


def test_htmx_answer_has_the_results_and_the_chosen_person_out_of_band(client, world):
    client.force_login(world.kabag)
    chosen = client.get(URL, {"person": world.staf.pk}, headers=HTMX).content.decode()
    assert chosen.lstrip().startswith('<section id="item-results"')
    assert "<html" not in chosen
    assert (
        '<span id="person-chosen" hx-swap-oob="true"><input type="hidden" name="person" '
        f'value="{world.staf.pk}"'
    ) in chosen
    # Typing someone new: the results say who matched and the hidden person is emptied.
    typed = client.get(URL, {"person": world.staf.pk, "person_q": "sari"}, headers=HTMX)
    body = typed.content.decode()
    assert _titles(typed) == ["Beta"] and "Staf yang cocok dengan “sari”:" in body
    assert '<span id="person-chosen" hx-swap-oob="true"></span>' in body
    nobody = client.get(URL, {"person_q": "zzz"}, headers=HTMX).content.decode()
    assert NO_MATCH.format("zzz") in nobody


# --- suggestions -----------------------------------------------------------------------------


def test_suggestions_are_at_most_ten_staff_of_the_visible_units(client, world):
    add_people(world.unit, 12, name="Dewi")
    _name(world.kasubbag, "Dewi Pemeriksa")
    client.force_login(world.kabag)
    body = client.get(SUGGEST_URL, {"person_q": "dewi"}).content.decode()
    assert body.count("<option") == 10 and "Dewi Pemeriksa" not in body
    body = client.get(SUGGEST_URL, {"person_q": "1992031520"}).content.decode()
    assert '<option value="staf2">Sari Wulandari · 199203152019032007</option>' in body
    assert "<option" not in client.get(SUGGEST_URL, {"person_q": "d"}).content.decode()


def test_suggestions_need_a_sign_in_and_show_only_the_readers_units(client, world):
    check_suggestions_need_a_sign_in_and_a_unit(
        client, SUGGEST_URL, "person_q", text="budi", outsider=world.other[Role.KABAG]
    )


def test_suggestions_cost_the_same_queries_with_more_staff(client, world):
    client.force_login(world.pemantau)
    check_suggestion_queries_stay_flat(client, SUGGEST_URL, "person_q", world.unit)


# --- size ------------------------------------------------------------------------------------


@pytest.mark.parametrize("filtered", ["none", "person", "search", "htmx-search"])
def test_page_does_not_grow_with_the_number_of_staff(client, world, filtered):
    """The Staf filter lists nobody: 200 more staff change neither bytes nor queries."""
    params = {
        "none": {},
        "person": {"person": world.staf.pk},
        "search": {"person_q": "santo"},
        "htmx-search": {"person_q": "santo"},
    }[filtered]
    headers = HTMX if filtered.startswith("htmx") else {}
    client.force_login(world.pemantau)
    client.get(URL)  # the session's first view (restarts its idle clock), not counted

    def load() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, params, headers=headers)
        assert response.status_code == 200 and _titles(response)
        return len(response.content), len(captured)

    size_before, queries_before = load()
    add_people(world.unit, 100)
    add_people(world.other_unit, 100)
    size_after, queries_after = load()
    assert size_after == size_before
    assert queries_after == queries_before <= 15
