"""The archive's Pelaksana filter: typed (part of a name, username or NIP), never a list of
everyone who took part, so the page does not grow with the number of users."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from simedsos.accounts.models import Membership, User, WorkUnit
from simedsos.accounts.roles import Role
from simedsos.accounts.selectors import PEOPLE_MATCH_LIMIT
from simedsos.archive.models import ArchiveEntry, ArchiveEntryPerson
from tests.accounts.people_checks import (
    check_suggestion_queries_stay_flat,
    check_suggestions_need_a_sign_in_and_a_unit,
)
from tests.archive.builders import bulk_entries
from tests.factories import add_people, make_unit, make_user

pytestmark = pytest.mark.django_db
URL = reverse("archive:search")
SUGGEST_URL = reverse("archive:person_suggest")
TITLES = ("Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Eta")
NO_MATCH = (
    "Tidak ada pengguna di satuan kerja yang dapat Anda lihat yang nama, nama pengguna, atau "
    "NIP-nya cocok dengan “{}”, jadi tidak ada konten yang ditampilkan."
)
NOT_FOUND = (
    "Pelaksana yang diminta tidak ditemukan di satuan kerja yang dapat Anda lihat, "
    "jadi tidak ada konten yang ditampilkan."
)


def _name(user: User, full_name: str, nip: str | None = None) -> User:
    user.full_name, user.nip = full_name, nip
    user.save(update_fields=["full_name", "nip"])
    return user


def _titles(response) -> list[str]:
    html = response.content.decode()
    return [t for t in TITLES if f">{t}</a>" in html]


def _form_html(response) -> str:
    return response.content.decode().split('<form method="get"')[1].split("</form>")[0]


@pytest.fixture
def world(world):
    _name(world.staf, "Budi Santoso", "198001012005011001")
    _name(world.staf2, "Sari Wulandari", "199203152019032007")
    _name(world.kasubbag, "Dewi Pemeriksa")
    world.stranger = _name(world.other[Role.STAF], "Rahmat Hidayat", "197505052000031002")
    bulk_entries(world, 1, title="Alpha", people=[world.staf, world.kabag])
    bulk_entries(world, 1, title="Beta", people=[world.staf2, world.kabag])
    bulk_entries(world, 1, title="Gamma", people=[world.staf, world.kasubbag])
    bulk_entries(world, 1, title="Delta", people=[world.stranger], unit=world.other_unit)
    return world


# --- searching -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["wulan", "SARI", "staf2", "199203152019032007", "19920315", "19920315 201903 2 007"],
    ids=["part-of-name", "name-any-case", "username", "nip", "part-of-nip", "nip-in-groups"],
)
def test_search_finds_people_by_name_username_or_nip(client, world, text):
    client.force_login(world.kabag)
    response = client.get(URL, {"person_q": text})
    assert _titles(response) == ["Beta"]
    body = response.content.decode()
    assert f"Pelaksana yang cocok dengan “{text}”:" in body
    assert f'<a href="?person={world.staf2.pk}">Sari Wulandari</a> <small>(staf2)</small>' in body
    assert response.context["form"]["person_q"].value() == text  # the field keeps the text


def test_search_finds_people_of_any_role_and_former_members(client, world):
    Membership.objects.filter(user=world.kasubbag).update(is_active=False)
    client.force_login(world.kabag)
    assert _titles(client.get(URL, {"person_q": "pemeriksa"})) == ["Gamma"]  # the reviewer


def test_search_matching_several_people_shows_the_items_of_each(client, world):
    client.force_login(world.kabag)
    assert _titles(client.get(URL, {"person_q": "an"})) == ["Alpha", "Beta", "Gamma"]
    assert _titles(client.get(URL, {"person_q": "an", "q": "gamma"})) == ["Gamma"]


def test_search_matching_nobody_says_so_and_shows_no_items(client, world):
    client.force_login(world.kabag)
    response = client.get(URL, {"person_q": "Zulkarnain"})
    assert response.status_code == 200
    assert _titles(response) == []
    body = response.content.decode()
    assert NO_MATCH.format("Zulkarnain") in body
    assert "0 konten" in body


def test_search_text_too_long_shows_an_error_and_no_items(client, world):
    client.force_login(world.kabag)
    response = client.get(URL, {"person_q": "b" * 101})
    assert _titles(response) == []
    [error] = response.context["form"].errors["person_q"]
    assert f'<p class="filter-note error" role="alert">{error}' in response.content.decode()


def test_blank_search_is_no_filter(client, world):
    client.force_login(world.kabag)
    assert _titles(client.get(URL, {"person_q": "   "})) == ["Alpha", "Beta", "Gamma"]


def test_a_bad_date_leaves_the_person_filter_in_place(client, world):
    client.force_login(world.kabag)
    response = client.get(URL, {"person_q": "wulan", "date_from": "kemarin"})
    assert _titles(response) == ["Beta"]
    assert response.context["form"].errors["date_from"]


def test_search_is_capped_and_says_so(client, world):
    many = add_people(world.unit, PEOPLE_MATCH_LIMIT + 1, name="Yanti")
    bulk_entries(world, 1, title="Eta", people=[many[0]])
    bulk_entries(world, 1, title="Epsilon", people=[many[-1]])  # the 51st by name
    client.force_login(world.pemantau)
    response = client.get(URL, {"person_q": "yanti"})
    assert _titles(response) == ["Eta"]
    body = response.content.decode()
    assert "Lebih dari 50 pengguna cocok dengan “yanti”; hanya 50 pengguna pertama" in body
    assert body.count("?person=") == PEOPLE_MATCH_LIMIT
    assert many[-1].full_name not in body
    narrower = client.get(URL, {"person_q": many[-1].full_name})
    assert _titles(narrower) == ["Epsilon"]
    assert "Lebih dari 50" not in narrower.content.decode()


def test_paging_keeps_the_search(client, world):
    bulk_entries(world, 30, title="Zeta {n}", people=[world.staf])
    client.force_login(world.kabag)
    body = client.get(URL, {"person_q": "budi"}).content.decode()
    assert "?person_q=budi&amp;page=2" in body


# --- one person chosen by id -----------------------------------------------------------------


def test_person_chosen_by_id_shows_the_name_and_a_way_back(client, world):
    client.force_login(world.kabag)
    response = client.get(URL, {"person": world.staf.pk, "content_type": "INFOGRAFIS"})
    assert _titles(response) == ["Alpha", "Gamma"]
    body = response.content.decode()
    assert "Menampilkan konten yang melibatkan Budi Santoso." in body
    assert '<a href="?content_type=INFOGRAFIS">Hapus saringan pelaksana</a>' in body
    # The person stays chosen when another filter changes; nobody else is listed.
    form_html = _form_html(response)
    assert f'<input type="hidden" name="person" value="{world.staf.pk}"' in form_html
    assert "Sari Wulandari" not in form_html and '<select name="person"' not in form_html


def test_typed_search_replaces_the_person_chosen_by_link(client, world):
    client.force_login(world.kabag)
    response = client.get(URL, {"person": world.staf.pk, "person_q": "wulan"})
    assert _titles(response) == ["Beta"]
    assert 'name="person"' not in response.content.decode()


@pytest.mark.parametrize("who", ["stranger", "malformed", "unknown"])
def test_person_id_that_is_not_a_visible_person_shows_no_items(client, world, who):
    ident = {"stranger": world.stranger.pk, "malformed": "abc", "unknown": 999999}[who]
    client.force_login(world.kabag)
    response = client.get(URL, {"person": ident})
    assert response.status_code == 200
    assert _titles(response) == []
    body = response.content.decode()
    assert NOT_FOUND in body
    assert '<a href="?">Hapus saringan pelaksana</a>' in body  # the whole archive again
    assert "Rahmat Hidayat" not in body and 'name="person"' not in body


# --- visible units only ----------------------------------------------------------------------


def test_people_outside_the_visible_units_cannot_be_found(client, world):
    client.force_login(world.kabag)
    for text in ("Rahmat", world.stranger.username, "197505052000031002"):
        response = client.get(URL, {"person_q": text})
        assert _titles(response) == []
        body = response.content.decode()
        assert NO_MATCH.format(text) in body
        assert "Rahmat Hidayat" not in body
    suggestions = client.get(SUGGEST_URL, {"person_q": "Rahmat"}).content.decode()
    assert "<option" not in suggestions


def test_a_province_finds_people_of_its_regencies_and_not_the_other_way(client, world):
    regency = make_unit(level=WorkUnit.Level.KABKOTA, parent=world.unit)
    yusuf = _name(make_user(Role.STAF, regency), "Yusuf Kabupaten")
    bulk_entries(world, 1, title="Epsilon", people=[yusuf], unit=regency)
    client.force_login(world.kabag)
    assert _titles(client.get(URL, {"person_q": "yusuf"})) == ["Epsilon"]
    client.force_login(make_user(Role.KABAG, regency))
    response = client.get(URL, {"person_q": "budi"})
    assert _titles(response) == [] and NO_MATCH.format("budi") in response.content.decode()
    assert _titles(client.get(URL, {"person": world.staf.pk})) == []


# --- the field and its suggestions -----------------------------------------------------------


def test_search_field_asks_for_suggestions_and_lists_nobody(client, world):
    client.force_login(world.kabag)
    response = client.get(URL)
    form_html = _form_html(response)
    assert 'type="search" name="person_q"' in form_html
    assert 'list="archive-person-suggestions"' in form_html
    assert f'hx-get="{SUGGEST_URL}"' in form_html
    assert 'hx-target="#archive-person-suggestions"' in form_html
    assert '<datalist id="archive-person-suggestions"></datalist>' in form_html
    assert '<select name="person"' not in form_html and "Budi Santoso" not in form_html


def test_suggestions_are_at_most_ten_people_of_the_visible_units(client, world):
    add_people(world.unit, 12, name="Dewi")
    client.force_login(world.kabag)
    body = client.get(SUGGEST_URL, {"person_q": "dewi"}).content.decode()
    assert body.count("<option") == 10
    body = client.get(SUGGEST_URL, {"person_q": "pemeriksa"}).content.decode()
    assert '<option value="kasubbag">Dewi Pemeriksa</option>' in body  # any role
    body = client.get(SUGGEST_URL, {"person_q": "1992031520"}).content.decode()
    assert '<option value="staf2">Sari Wulandari · 199203152019032007</option>' in body
    assert "<option" not in client.get(SUGGEST_URL, {"person_q": "d"}).content.decode()


def test_suggestions_need_a_sign_in_and_show_only_the_readers_units(client, world):
    check_suggestions_need_a_sign_in_and_a_unit(
        client, SUGGEST_URL, "person_q", text="budi", outsider=world.other[Role.KABAG]
    )


def test_suggestions_cost_the_same_queries_with_more_people(client, world):
    client.force_login(world.pemantau)
    check_suggestion_queries_stay_flat(client, SUGGEST_URL, "person_q", world.unit)


# --- size ------------------------------------------------------------------------------------


@pytest.mark.parametrize("filtered", ["none", "person", "search"])
def test_page_does_not_grow_with_the_number_of_people(client, world, filtered):
    """The Pelaksana filter lists nobody: 200 more users change neither bytes nor queries,
    even when they took part in archived items."""
    params = {
        "none": {},
        "person": {"person": world.staf.pk},
        "search": {"person_q": "santo"},
    }[filtered]
    client.force_login(world.pemantau)
    client.get(URL)  # the session's first view (restarts its idle clock), not counted

    def load() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, params)
        assert response.status_code == 200 and _titles(response)
        return len(response.content), len(captured)

    size_before, queries_before = load()
    here = add_people(world.unit, 100)
    add_people(world.other_unit, 100)
    ArchiveEntryPerson.objects.bulk_create(
        ArchiveEntryPerson(entry=entry, user=person)
        for entry in ArchiveEntry.objects.filter(title="Alpha")
        for person in here
    )
    size_after, queries_after = load()
    assert size_after == size_before
    assert queries_after == queries_before <= 15


# --- English ---------------------------------------------------------------------------------


def test_person_filter_in_english(client, world):
    client.force_login(world.kabag)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(URL, {"person_q": "zzz"}).content.decode()
    assert "Participant: name, username or NIP" in body
    assert "No user in the work units you can see has a name, username or NIP matching" in body
    assert "Tidak ada pengguna" not in body
    body = client.get(URL, {"person_q": "wulan"}).content.decode()
    assert "Participants matching “wulan”:" in body
    body = client.get(URL, {"person": world.staf.pk}).content.decode()
    assert "Showing content Budi Santoso took part in." in body
    assert "Remove the participant filter" in body
    body = client.get(URL, {"person": "abc"}).content.decode()
    assert "The requested participant was not found" in body
