"""Who may do what, where: every Action × every Role × where the target unit lies.

The expectations are written out by hand (not computed from GRANTS), so a wrong GRANTS entry
makes this test fail. A new Action must get its row here.
"""

import datetime

import pytest

from simedsos.accounts.authz import (
    Action,
    AuthorizationError,
    authorize,
    capacities_of,
    find_capacity,
    visible_unit_ids,
)
from simedsos.accounts.models import WorkUnit
from tests.factories import Role, make_acting, make_unit, make_user

pytestmark = pytest.mark.django_db

K, S, T, A, P = Role.KABAG, Role.KASUBBAG, Role.STAF, Role.ADMIN, Role.PEMANTAU

# action -> (roles allowed in their own unit, roles whose grant reaches the units below)
EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    "sop.view": ({K, S, T, A, P}, {K, S, T, A, P}),
    "sop.edit": ({A}, set()),
    "sop.publish": ({A}, set()),
    "audit.view": ({K, A, P}, {K, A, P}),
    "unit.view": ({K, S, T, A, P}, {K, S, T, A, P}),
    "user.manage": ({A}, set()),
    "acting.manage": ({A}, set()),
    "admin.site": ({A}, set()),
    "content.view": ({K, S, T, A, P}, {K, S, T, A, P}),
    # The SOP step's actor role narrows this further in the engine; PEMANTAU never acts.
    "step.act": ({K, S, T, A}, set()),
    "memo.rerender": ({A}, set()),
    # Staff do the work the reports measure; reading them is for heads, Admin and auditors.
    "report.view": ({K, S, A, P}, {K, S, A, P}),
    "monev.assess": ({K, A}, set()),
    "social_account.manage": ({A}, set()),
    "publication.act": ({K, S, T, A}, set()),
}

# Where the target unit lies, seen from a user whose role is in the province.
PLACES = ["own", "child", "parent", "sibling"]


def expected(action: Action, role: str, place: str) -> bool:
    if str(action) not in EXPECTED:
        pytest.fail(f"no expectation written for action {action!r}: add it to EXPECTED")
    own_roles, down_roles = EXPECTED[str(action)]
    if place == "own":
        return role in own_roles
    if place == "child":
        return role in down_roles
    return False  # upwards and sideways nothing is ever granted


@pytest.fixture
def tree():
    pusat = make_unit("00", level=WorkUnit.Level.PUSAT)
    prov = make_unit("62", level=WorkUnit.Level.PROVINSI, parent=pusat)
    other = make_unit("63", level=WorkUnit.Level.PROVINSI, parent=pusat)
    kab = make_unit("6271", level=WorkUnit.Level.KABKOTA, parent=prov)
    return {"own": prov, "child": kab, "parent": pusat, "sibling": other}


def test_every_action_has_an_expectation():
    assert {str(a) for a in Action} == set(EXPECTED)


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_matrix(tree, action, role, place):
    user = make_user(role, tree["own"])
    target = tree[place]
    allowed = expected(action, role, place)
    capacity = find_capacity(user, action, target)
    assert (capacity is not None) is allowed
    if allowed:
        assert authorize(user, action, target).role == role
    else:
        with pytest.raises(AuthorizationError) as refused:
            authorize(user, action, target)
        assert "Anda tidak berwenang" in str(refused.value)
        assert target.name in str(refused.value)


@pytest.mark.parametrize("action", list(Action))
def test_user_without_roles_may_do_nothing(tree, action):
    user = make_user()
    assert capacities_of(user) == []
    for unit in tree.values():
        assert find_capacity(user, action, unit) is None
    assert visible_unit_ids(user, action) == set()


def test_inactive_membership_or_user_grants_nothing(tree):
    user = make_user(Role.ADMIN, tree["own"])
    user.memberships.update(is_active=False)
    assert find_capacity(user, Action.USER_MANAGE, tree["own"]) is None
    user2 = make_user(Role.ADMIN, tree["own"])
    user2.is_active = False
    user2.save()
    assert find_capacity(user2, Action.USER_MANAGE, tree["own"]) is None


class TestActing:
    START = datetime.date(2025, 3, 1)
    END = datetime.date(2025, 3, 31)

    @pytest.fixture
    def plt(self, tree):
        staf = make_user(Role.STAF, tree["own"])
        make_acting(staf, tree["own"], Role.KASUBBAG, self.START, self.END, kind="PLT")
        return staf

    @pytest.mark.parametrize(
        "day", [START, datetime.date(2025, 3, 15), END], ids=["first", "middle", "last"]
    )
    def test_acts_as_kasubbag_within_dates(self, tree, plt, day):
        capacity = find_capacity(
            plt, Action.SOP_VIEW, tree["own"], roles=frozenset({Role.KASUBBAG}), on=day
        )
        assert capacity is not None
        assert capacity.role == Role.KASUBBAG
        assert capacity.acting_kind == "PLT"
        assert capacity.label.startswith("Plt. ")
        assert "Kepala Subbagian" in capacity.label

    @pytest.mark.parametrize(
        "day", [datetime.date(2025, 2, 28), datetime.date(2025, 4, 1)], ids=["before", "after"]
    )
    def test_not_kasubbag_outside_dates(self, tree, plt, day):
        assert (
            find_capacity(
                plt, Action.SOP_VIEW, tree["own"], roles=frozenset({Role.KASUBBAG}), on=day
            )
            is None
        )
        with pytest.raises(AuthorizationError):
            authorize(plt, Action.SOP_VIEW, tree["own"], roles=frozenset({Role.KASUBBAG}), on=day)
        # Their own role is untouched.
        assert [c.role for c in capacities_of(plt, on=day)] == [Role.STAF]

    def test_own_role_listed_first_and_plain_label(self, tree, plt):
        caps = capacities_of(plt, on=self.START)
        assert [c.role for c in caps] == [Role.STAF, Role.KASUBBAG]
        assert caps[0].label == f"Staf {tree['own'].name}"

    def test_plh_label(self, tree):
        user = make_user(Role.STAF, tree["own"])
        make_acting(user, tree["own"], Role.KABAG, self.START, self.END, kind="PLH")
        (acting,) = [c for c in capacities_of(user, on=self.START) if c.acting_kind]
        assert acting.label.startswith("Plh. Kepala Bagian")

    def test_acting_admin_may_manage_users_only_within_dates(self, tree):
        user = make_user(Role.STAF, tree["own"])
        make_acting(user, tree["own"], Role.ADMIN, self.START, self.END)
        assert find_capacity(user, Action.USER_MANAGE, tree["own"], on=self.START) is not None
        assert find_capacity(user, Action.USER_MANAGE, tree["own"], on=self.END) is not None
        assert (
            find_capacity(user, Action.USER_MANAGE, tree["own"], on=datetime.date(2025, 4, 1))
            is None
        )


class TestVisibleUnits:
    def test_province_sees_itself_and_its_regencies(self, tree):
        second_kab = make_unit("6272", level=WorkUnit.Level.KABKOTA, parent=tree["own"])
        foreign_kab = make_unit("6371", level=WorkUnit.Level.KABKOTA, parent=tree["sibling"])
        user = make_user(Role.KASUBBAG, tree["own"])
        seen = visible_unit_ids(user)
        assert seen == {tree["own"].pk, tree["child"].pk, second_kab.pk}
        assert foreign_kab.pk not in seen

    def test_regency_does_not_see_its_province(self, tree):
        user = make_user(Role.KABAG, tree["child"])
        assert visible_unit_ids(user) == {tree["child"].pk}

    def test_pemantau_of_kpu_ri_sees_everything_below(self, tree):
        foreign_kab = make_unit("6371", level=WorkUnit.Level.KABKOTA, parent=tree["sibling"])
        user = make_user(Role.PEMANTAU, tree["parent"])
        assert visible_unit_ids(user, Action.AUDIT_VIEW) == {
            tree["parent"].pk,
            tree["own"].pk,
            tree["sibling"].pk,
            tree["child"].pk,
            foreign_kab.pk,
        }

    def test_write_actions_do_not_reach_down(self, tree):
        user = make_user(Role.ADMIN, tree["parent"])
        assert visible_unit_ids(user, Action.USER_MANAGE) == {tree["parent"].pk}

    def test_staf_sees_no_audit_log_anywhere(self, tree):
        user = make_user(Role.STAF, tree["own"])
        assert visible_unit_ids(user, Action.AUDIT_VIEW) == set()
