"""Capacities are read once per web request, and re-read after a change of roles."""

import pytest

from simedsos.accounts.authz import capacities_of
from simedsos.accounts.services import membership_grant
from simedsos.core.request_context import request_memo
from tests.factories import Role, make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_request():
    token = request_memo.set({})
    yield
    request_memo.reset(token)


def test_repeated_reads_in_one_request_hit_the_database_once(in_request, django_assert_num_queries):
    user = make_user(Role.STAF)
    with django_assert_num_queries(1):  # memberships and acting assignments in one query
        first = capacities_of(user)
        second = capacities_of(user)
    assert first == second and [c.role for c in first] == [Role.STAF]


def test_outside_a_request_nothing_is_remembered(django_assert_num_queries):
    user = make_user(Role.STAF)
    with django_assert_num_queries(2):
        capacities_of(user)
        capacities_of(user)


def test_granting_a_role_is_seen_in_the_same_request(in_request):
    unit = make_unit()
    admin = make_user(Role.ADMIN, unit)
    user = make_user(Role.STAF, unit)
    assert {c.role for c in capacities_of(user)} == {Role.STAF}
    membership_grant(actor=admin, user=user, work_unit=unit, role=Role.KASUBBAG)
    assert {c.role for c in capacities_of(user)} == {Role.STAF, Role.KASUBBAG}


def test_acting_roles_come_after_own_roles_with_their_unit_loaded(django_assert_num_queries):
    import datetime

    from django.utils import timezone

    from simedsos.accounts.models import ActingAssignment

    province = make_unit()
    user = make_user(Role.STAF, province)
    today = timezone.localdate()
    ActingAssignment.objects.create(
        user=user,
        work_unit=province,
        role=Role.KASUBBAG,
        kind=ActingAssignment.Kind.PLH,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=3),
    )
    ActingAssignment.objects.create(  # over yesterday: not a capacity today
        user=user,
        work_unit=province,
        role=Role.KABAG,
        kind=ActingAssignment.Kind.PLT,
        starts_on=today - datetime.timedelta(days=5),
        ends_on=today - datetime.timedelta(days=1),
    )
    with django_assert_num_queries(1):
        capacities = capacities_of(user)
        labels = [c.label for c in capacities]
    assert [(c.role, c.acting_kind) for c in capacities] == [
        (Role.STAF, ""),
        (Role.KASUBBAG, ActingAssignment.Kind.PLH),
    ]
    assert labels[1].endswith(province.name) and capacities[1].work_unit == province


def test_units_below_are_read_once_per_request(in_request, django_assert_num_queries):
    from simedsos.accounts.authz import Action, forget_capacities, visible_unit_ids

    province = make_unit()
    regency = make_unit(parent=province)
    kabag = make_user(Role.KABAG, province)
    capacities_of(kabag)
    with django_assert_num_queries(1):
        first = visible_unit_ids(kabag, Action.CONTENT_VIEW)
        second = visible_unit_ids(kabag, Action.CONTENT_VIEW)
    assert first == second == {province.pk, regency.pk}
    forget_capacities()  # e.g. a unit was added in this request: read again
    below = make_unit(parent=regency)
    assert visible_unit_ids(kabag, Action.CONTENT_VIEW) == {province.pk, regency.pk, below.pk}
