"""Finding people among the units a reader sees (the person filters of the audit log and the
content list share it): by part of a name, username or NIP, capped, narrowed by role."""

import datetime

import pytest

from simedsos.accounts.models import Membership
from simedsos.accounts.selectors import search_people, suggest_people, users_of_units
from tests.factories import Role, make_acting, make_unit, make_user

pytestmark = pytest.mark.django_db


def person(unit, full_name, role=Role.STAF, **fields):
    user = make_user(role, unit, username=fields.pop("username", None))
    user.full_name, user.nip = full_name, fields.get("nip")
    user.save(update_fields=["full_name", "nip"])
    return user


@pytest.fixture
def unit():
    return make_unit("KALTENG")


def test_users_of_units_counts_past_members_and_acting_officials_of_those_units_only(unit):
    member = person(unit, "Budi Santoso")
    former = person(unit, "Sari Wulandari")
    Membership.objects.filter(user=former).update(is_active=False)
    acting = make_user()
    day = datetime.date(2026, 1, 5)
    make_acting(acting, unit, Role.STAF, day, day)
    stranger = person(make_unit("KALBAR"), "Rahmat Hidayat")
    assert set(users_of_units([unit.pk])) == {member, former, acting}
    assert stranger not in set(users_of_units([unit.pk]))


def test_role_narrows_to_people_who_hold_or_act_in_that_role(unit):
    staf = person(unit, "Budi Staf")
    kabag = person(unit, "Budi Kabag", role=Role.KABAG)
    plt = person(unit, "Budi Plt", role=Role.KASUBBAG)
    make_acting(plt, unit, Role.STAF, datetime.date(2026, 1, 5), datetime.date(2026, 2, 5))
    assert {u.full_name for u in search_people([unit.pk], "budi").users} == {
        kabag.full_name,
        plt.full_name,
        staf.full_name,
    }
    assert search_people([unit.pk], "budi", role=Role.STAF).users == [plt, staf]  # by name


@pytest.mark.parametrize("text", ["wulan", "SARI", "swul", "19920315", "1992 0315.2019"])
def test_search_by_part_of_name_username_or_nip(unit, text):
    sari = person(unit, "Sari Wulandari", username="swul", nip="199203152019032007")
    person(unit, "Budi Santoso", nip="198001012005011001")
    matches = search_people([unit.pk], text)
    assert matches.users == [sari] and matches.ids == {sari.pk} and not matches.capped


def test_search_is_capped_at_the_limit_by_name(unit):
    people = [person(unit, f"Dewi {n:02d}") for n in range(4)]
    matches = search_people([unit.pk], "dewi", limit=3)
    assert matches.users == people[:3] and matches.capped
    assert not search_people([unit.pk], "dewi", limit=4).capped


def test_suggestions_need_two_letters_and_stop_at_ten(unit):
    for n in range(12):
        person(unit, f"Dewi {n:02d}")
    assert suggest_people([unit.pk], " d ") == []
    assert len(suggest_people([unit.pk], "  de  ")) == 10
    assert [u.full_name for u in suggest_people([unit.pk], "Dewi 11")] == ["Dewi 11"]
