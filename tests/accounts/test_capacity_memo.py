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
    with django_assert_num_queries(2):  # memberships + acting assignments
        first = capacities_of(user)
        second = capacities_of(user)
    assert first == second and [c.role for c in first] == [Role.STAF]


def test_outside_a_request_nothing_is_remembered(django_assert_num_queries):
    user = make_user(Role.STAF)
    with django_assert_num_queries(4):
        capacities_of(user)
        capacities_of(user)


def test_granting_a_role_is_seen_in_the_same_request(in_request):
    unit = make_unit()
    admin = make_user(Role.ADMIN, unit)
    user = make_user(Role.STAF, unit)
    assert {c.role for c in capacities_of(user)} == {Role.STAF}
    membership_grant(actor=admin, user=user, work_unit=unit, role=Role.KASUBBAG)
    assert {c.role for c in capacities_of(user)} == {Role.STAF, Role.KASUBBAG}
