import datetime
import json

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils import timezone

from simedsos.accounts.authz import Action, AuthorizationError, find_capacity
from simedsos.accounts.models import ActingAssignment, Membership, User, WorkUnit
from simedsos.accounts.services import (
    acting_assign,
    acting_end,
    membership_grant,
    membership_revoke,
    user_create,
    user_provision,
)
from simedsos.core.audit import audit_verify_chain
from simedsos.core.models import AuditEvent
from tests.factories import Role, make_acting, make_unit, make_user

pytestmark = pytest.mark.django_db

NIP = "199304112019031008"


@pytest.fixture
def prov():
    return make_unit("62", level=WorkUnit.Level.PROVINSI)


@pytest.fixture
def admin(prov):
    return make_user(Role.ADMIN, prov, username="admin62")


def _create(actor, unit, **overrides):
    data = {
        "username": "yohanes",
        "full_name": "Yohanes Dwi Saputra",
        "email": "yohanes@kpu-kalteng.test",
        "nip": NIP,
        "jabatan": "Pranata Hubungan Masyarakat",
        "phone": "0811",
        "role": Role.STAF,
    }
    return user_create(actor=actor, work_unit=unit, **(data | overrides))


class TestUserCreate:
    def test_creates_user_with_role_and_working_password(self, admin, prov):
        user, password = _create(admin, prov)
        assert len(password) >= 16
        assert authenticate(username="yohanes", password=password) == user
        assert Membership.objects.get(user=user).role == Role.STAF
        assert find_capacity(user, Action.SOP_VIEW, prov).role == Role.STAF
        assert not user.is_staff and not user.is_superuser

    def test_passwords_differ_between_users(self, admin, prov):
        _, first = _create(admin, prov)
        _, second = _create(admin, prov, username="dewi", nip=None)
        assert first != second

    def test_admin_role_gets_staff_flag_never_superuser(self, admin, prov):
        user, _ = _create(admin, prov, role=Role.ADMIN)
        assert user.is_staff and not user.is_superuser

    def test_audit_events_without_password(self, admin, prov):
        user, password = _create(admin, prov)
        events = list(AuditEvent.objects.order_by("sequence"))
        assert [e.action for e in events] == ["user.create", "membership.grant"]
        assert events[0].actor == admin
        assert events[0].capacity.startswith("Admin")
        dumped = json.dumps([e.before for e in events] + [e.after for e in events])
        assert user.password not in dumped
        assert password not in dumped
        assert "password" not in dumped
        assert audit_verify_chain() == []

    @pytest.mark.parametrize("role", [Role.KABAG, Role.KASUBBAG, Role.STAF, Role.PEMANTAU])
    def test_non_admin_refused_and_nothing_saved(self, prov, role):
        actor = make_user(role, prov)
        with pytest.raises(AuthorizationError, match="mengelola pengguna"):
            _create(actor, prov)
        assert not User.objects.filter(username="yohanes").exists()
        assert not AuditEvent.objects.exists()

    def test_admin_of_province_cannot_create_in_regency(self, admin, prov):
        kab = make_unit("6271", level=WorkUnit.Level.KABKOTA, parent=prov)
        with pytest.raises(AuthorizationError):
            _create(admin, kab)

    def test_duplicate_username_refused_in_indonesian(self, admin, prov):
        _create(admin, prov)
        with pytest.raises(ValidationError) as error:
            _create(admin, prov, nip=None)
        assert "username" in error.value.message_dict
        assert User.objects.filter(username="yohanes").count() == 1

    def test_bad_nip_refused_and_nothing_saved(self, admin, prov):
        with pytest.raises(ValidationError) as error:
            _create(admin, prov, nip="12345")
        assert error.value.message_dict["nip"] == [
            "NIP harus terdiri atas tepat 18 angka tanpa spasi atau tanda baca."
        ]
        assert not User.objects.filter(username="yohanes").exists()
        assert Membership.objects.count() == 1  # the admin's own
        assert not AuditEvent.objects.exists()

    def test_blank_nip_stored_as_null_so_many_may_lack_one(self, admin, prov):
        first, _ = _create(admin, prov, nip="")
        second, _ = _create(admin, prov, username="dewi", nip="")
        assert first.nip is None and second.nip is None

    def test_provision_needs_no_actor_and_audits_system(self, prov):
        user, password = user_provision(
            work_unit=prov,
            username="awal",
            full_name="Admin Awal",
            email="",
            nip=None,
            jabatan="",
            phone="",
            role=Role.ADMIN,
        )
        assert authenticate(username="awal", password=password) == user
        event = AuditEvent.objects.order_by("sequence").first()
        assert event.actor is None and event.actor_name == "sistem"


class TestMembership:
    def test_grant_and_revoke(self, admin, prov):
        user = make_user()
        membership = membership_grant(actor=admin, user=user, work_unit=prov, role=Role.KABAG)
        assert find_capacity(user, Action.AUDIT_VIEW, prov) is not None
        membership_revoke(actor=admin, membership=membership)
        membership.refresh_from_db()
        assert membership.is_active is False
        assert find_capacity(user, Action.AUDIT_VIEW, prov) is None
        assert list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True)) == [
            "membership.grant",
            "membership.revoke",
        ]

    def test_regrant_reactivates(self, admin, prov):
        user = make_user()
        membership = membership_grant(actor=admin, user=user, work_unit=prov, role=Role.STAF)
        membership_revoke(actor=admin, membership=membership)
        again = membership_grant(actor=admin, user=user, work_unit=prov, role=Role.STAF)
        assert again.pk == membership.pk and again.is_active

    def test_grant_twice_refused(self, admin, prov):
        user = make_user()
        membership_grant(actor=admin, user=user, work_unit=prov, role=Role.STAF)
        with pytest.raises(ValidationError, match="sudah memegang peran Staf"):
            membership_grant(actor=admin, user=user, work_unit=prov, role=Role.STAF)

    def test_revoke_twice_refused(self, admin, prov):
        user = make_user()
        membership = membership_grant(actor=admin, user=user, work_unit=prov, role=Role.STAF)
        membership_revoke(actor=admin, membership=membership)
        with pytest.raises(ValidationError, match="sudah dicabut"):
            membership_revoke(actor=admin, membership=membership)

    def test_granting_admin_sets_staff_flag(self, admin, prov):
        user = make_user()
        membership_grant(actor=admin, user=user, work_unit=prov, role=Role.ADMIN)
        user.refresh_from_db()
        assert user.is_staff and not user.is_superuser

    def test_staf_may_not_grant_or_revoke(self, prov):
        staf = make_user(Role.STAF, prov)
        other = make_user(Role.STAF, prov)
        with pytest.raises(AuthorizationError):
            membership_grant(actor=staf, user=staf, work_unit=prov, role=Role.ADMIN)
        with pytest.raises(AuthorizationError):
            membership_revoke(actor=staf, membership=other.memberships.get())
        assert other.memberships.get().is_active


class TestActing:
    START = datetime.date(2025, 3, 1)
    END = datetime.date(2025, 3, 31)

    def _assign(self, actor, user, unit, **overrides):
        data = {
            "role": Role.KASUBBAG,
            "kind": "PLT",
            "starts_on": self.START,
            "ends_on": self.END,
            "basis": "Surat Perintah Sekretaris Nomor 12/SDM.01-SPt/62/2025",
        }
        return acting_assign(actor=actor, user=user, work_unit=unit, **(data | overrides))

    def test_assign_gives_capacity_within_dates(self, admin, prov):
        staf = make_user(Role.STAF, prov)
        assignment = self._assign(admin, staf, prov)
        cap = find_capacity(
            staf, Action.SOP_VIEW, prov, roles=frozenset({Role.KASUBBAG}), on=self.START
        )
        assert cap.label.startswith("Plt. Kepala Subbagian")
        event = AuditEvent.objects.get(action="acting.assign")
        assert event.after["starts_on"] == "2025-03-01"
        assert event.object_id == str(assignment.pk)

    def test_end_before_start_refused(self, admin, prov):
        staf = make_user(Role.STAF, prov)
        with pytest.raises(ValidationError, match="tidak boleh sebelum tanggal mulai"):
            self._assign(admin, staf, prov, starts_on=self.END, ends_on=self.START)
        assert not ActingAssignment.objects.exists()

    @pytest.mark.parametrize(
        ("starts_on", "ends_on"),
        [
            (datetime.date(2025, 2, 20), datetime.date(2025, 3, 1)),  # touches the first day
            (datetime.date(2025, 3, 31), datetime.date(2025, 4, 10)),  # touches the last day
            (datetime.date(2025, 3, 10), datetime.date(2025, 3, 12)),  # inside
            (datetime.date(2025, 2, 1), datetime.date(2025, 5, 1)),  # around
        ],
    )
    def test_overlap_of_same_role_refused(self, admin, prov, starts_on, ends_on):
        self._assign(admin, make_user(Role.STAF, prov), prov)
        other = make_user(Role.STAF, prov)
        with pytest.raises(ValidationError, match="tumpang tindih"):
            self._assign(admin, other, prov, starts_on=starts_on, ends_on=ends_on, kind="PLH")
        assert ActingAssignment.objects.count() == 1

    def test_adjacent_ranges_and_other_roles_allowed(self, admin, prov):
        self._assign(admin, make_user(Role.STAF, prov), prov)
        self._assign(
            admin,
            make_user(Role.STAF, prov),
            prov,
            starts_on=datetime.date(2025, 4, 1),
            ends_on=datetime.date(2025, 4, 30),
        )
        self._assign(admin, make_user(Role.STAF, prov), prov, role=Role.KABAG)
        assert ActingAssignment.objects.count() == 3

    def test_same_role_in_another_unit_allowed(self, admin, prov):
        kab = make_unit("6271", level=WorkUnit.Level.KABKOTA, parent=prov)
        kab_admin = make_user(Role.ADMIN, kab)
        self._assign(admin, make_user(Role.STAF, prov), prov)
        self._assign(kab_admin, make_user(Role.STAF, kab), kab)
        assert ActingAssignment.objects.count() == 2

    def test_kabag_may_not_appoint(self, prov):
        kabag = make_user(Role.KABAG, prov)
        with pytest.raises(AuthorizationError, match="menunjuk Plt/Plh"):
            self._assign(kabag, make_user(Role.STAF, prov), prov)

    def test_end_stops_it_from_today(self, admin, prov):
        today = timezone.localdate()
        staf = make_user(Role.STAF, prov)
        assignment = self._assign(
            admin,
            staf,
            prov,
            starts_on=today - datetime.timedelta(days=5),
            ends_on=today + datetime.timedelta(days=5),
        )
        assert find_capacity(staf, Action.SOP_VIEW, prov, roles=frozenset({Role.KASUBBAG}))
        ended = acting_end(actor=admin, assignment=assignment)
        assert ended.ends_on == today - datetime.timedelta(days=1)
        assert find_capacity(staf, Action.SOP_VIEW, prov, roles=frozenset({Role.KASUBBAG})) is None
        event = AuditEvent.objects.get(action="acting.end")
        assert event.before["ends_on"] != event.after["ends_on"]

    def test_end_of_future_assignment_cancels_it(self, admin, prov):
        today = timezone.localdate()
        assignment = make_acting(
            make_user(Role.STAF, prov),
            prov,
            Role.KASUBBAG,
            today + datetime.timedelta(days=3),
            today + datetime.timedelta(days=9),
        )
        assert acting_end(actor=admin, assignment=assignment) is None
        assert not ActingAssignment.objects.exists()
        assert AuditEvent.objects.get(action="acting.cancel").before["role"] == "KASUBBAG"

    def test_end_of_finished_assignment_refused(self, admin, prov):
        assignment = make_acting(
            make_user(Role.STAF, prov), prov, Role.KASUBBAG, self.START, self.END
        )
        with pytest.raises(ValidationError, match="sudah berakhir"):
            acting_end(actor=admin, assignment=assignment)

    def test_staf_may_not_end(self, prov):
        staf = make_user(Role.STAF, prov)
        assignment = make_acting(staf, prov, Role.KASUBBAG, self.START, self.END)
        with pytest.raises(AuthorizationError):
            acting_end(actor=staf, assignment=assignment)
