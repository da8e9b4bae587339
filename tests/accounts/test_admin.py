import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from simedsos.accounts.models import ActingAssignment, Membership, User, WorkUnit
from simedsos.core.admin_site import SimedsosAdminSite
from simedsos.core.models import AuditEvent
from tests.factories import Role, make_acting, make_unit, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "kata-sandi-uji-123"


@pytest.fixture
def prov():
    pusat = make_unit("00", level=WorkUnit.Level.PUSAT)
    return make_unit("62", level=WorkUnit.Level.PROVINSI, parent=pusat)


@pytest.fixture
def other():
    return make_unit("63", level=WorkUnit.Level.PROVINSI)


@pytest.fixture
def admin_user(prov):
    user = make_user(Role.ADMIN, prov, username="admin")
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_default_admin_site_is_ours():
    assert isinstance(admin.site, SimedsosAdminSite)
    for model in (User, WorkUnit, Membership, ActingAssignment):
        assert admin.site.is_registered(model)


def test_admin_role_enters(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Admin SIMEDSOS JDIH" in response.content.decode()


@pytest.mark.parametrize("role", [Role.KABAG, Role.KASUBBAG, Role.STAF, Role.PEMANTAU, None])
def test_staff_flag_without_admin_role_is_refused(client, prov, role):
    user = make_user(role, prov)
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    page = client.get(response["Location"]).content.decode()
    assert "tidak diperbolehkan untuk mengakses halaman ini" in page


def test_admin_role_via_expired_acting_is_refused(client, prov):
    user = make_user(Role.STAF, prov)
    make_acting(user, prov, Role.ADMIN, datetime.date(2020, 1, 1), datetime.date(2020, 1, 31))
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 302


def test_revoked_admin_is_refused(admin_client, admin_user):
    admin_user.memberships.update(is_active=False)
    assert admin_client.get(reverse("admin:index")).status_code == 302


def test_login_form_refuses_staff_without_admin_role_in_indonesian(client, prov):
    user = make_user(Role.STAF, prov, username="staf", password=PASSWORD)
    user.is_staff = True
    user.save()
    response = client.post(
        reverse("admin:login"), {"username": "staf", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 200
    assert "tidak memegang peran Admin" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_form_admits_admin_role(client, admin_user):
    admin_user.set_password(PASSWORD)
    admin_user.save()
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_user_list_scoped_to_admins_units(admin_client, prov, other):
    mine = make_user(Role.STAF, prov, username="milik62")
    theirs = make_user(Role.STAF, other, username="milik63")
    fresh = make_user(username="baru")  # no role yet: reachable to be given one
    body = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert mine.username in body and fresh.username in body
    assert theirs.username not in body
    url = reverse("admin:accounts_user_change", args=[theirs.pk])
    assert admin_client.get(url).status_code == 302  # "does not exist" → back to the index


def test_user_form_offers_no_superuser_or_permission_fields(admin_client, admin_user, prov):
    target = make_user(Role.STAF, prov)
    body = admin_client.get(reverse("admin:accounts_user_change", args=[target.pk])).content
    body = body.decode()
    assert 'name="nip"' in body
    assert 'name="is_superuser"' not in body
    assert 'name="user_permissions"' not in body
    assert 'name="groups"' not in body


def test_membership_unit_choices_limited_to_own_units(admin_client, prov, other):
    body = admin_client.get(reverse("admin:accounts_membership_add")).content.decode()
    assert f'value="{prov.pk}"' in body
    assert f'<option value="{other.pk}"' not in body


def test_admin_change_is_audited_without_password(admin_client, prov):
    target = make_user(Role.STAF, prov, username="target")
    url = reverse("admin:accounts_user_change", args=[target.pk])
    response = admin_client.post(
        url,
        {
            "username": "target",
            "full_name": "Nama Baru",
            "email": "t@kpu-kalteng.test",
            "nip": "199304112019031008",
            "jabatan": "Analis Hukum",
            "phone": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.full_name == "Nama Baru"
    event = AuditEvent.objects.get(action="user.admin_change")
    assert event.before["full_name"].startswith("Pengguna")
    assert event.after["full_name"] == "Nama Baru"
    assert "password" not in event.before and "password" not in event.after
    assert event.capacity.startswith("Admin")


def test_admin_form_shows_nip_error_and_keeps_input(admin_client, prov):
    target = make_user(Role.STAF, prov, username="target")
    url = reverse("admin:accounts_user_change", args=[target.pk])
    response = admin_client.post(
        url,
        {"username": "target", "full_name": "Nama Baru", "nip": "1234 5678", "is_active": "on"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "NIP harus terdiri atas tepat 18 angka" in body
    assert 'value="Nama Baru"' in body
    target.refresh_from_db()
    assert target.full_name != "Nama Baru"


def test_acting_overlap_refused_in_admin_form(admin_client, prov):
    first = make_user(Role.STAF, prov)
    second = make_user(Role.STAF, prov)
    make_acting(first, prov, Role.KASUBBAG, datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
    response = admin_client.post(
        reverse("admin:accounts_actingassignment_add"),
        {
            "user": second.pk,
            "work_unit": prov.pk,
            "role": Role.KASUBBAG,
            "kind": "PLH",
            "starts_on": "2025-03-15",
            "ends_on": "2025-04-15",
            "basis": "Surat Perintah",
        },
    )
    assert response.status_code == 200
    assert "tumpang tindih" in response.content.decode()
    assert ActingAssignment.objects.count() == 1


def test_acting_added_in_admin_is_audited(admin_client, prov):
    staf = make_user(Role.STAF, prov)
    response = admin_client.post(
        reverse("admin:accounts_actingassignment_add"),
        {
            "user": staf.pk,
            "work_unit": prov.pk,
            "role": Role.KASUBBAG,
            "kind": "PLT",
            "starts_on": "2025-03-01",
            "ends_on": "2025-03-31",
            "basis": "Surat Perintah",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="acting.admin_create").work_unit == prov


def test_work_unit_admin_cannot_add_units_or_change_hierarchy(admin_client, prov):
    assert admin_client.get(reverse("admin:accounts_workunit_add")).status_code == 403
    body = admin_client.get(reverse("admin:accounts_workunit_change", args=[prov.pk])).content
    assert b'name="parent"' not in body
    assert b'name="secretariat_name"' in body


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_membership_changelist",
        "admin:accounts_actingassignment_changelist",
        "admin:accounts_workunit_changelist",
    ],
)
def test_list_pages_issue_the_same_queries_for_10_and_40_users(admin_client, prov, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_users(n):
        for _ in range(n):
            user = make_user(Role.STAF, prov)
            make_acting(
                user, prov, Role.KABAG, datetime.date(2020, 1, 1), datetime.date(2020, 1, 1)
            )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(reverse(url_name)).status_code == 200
        return len(ctx.captured_queries)

    add_users(10)
    count()  # warm up: content types, session
    small = count()
    add_users(30)
    assert count() == small
    # Session, user, 2 for the ADMIN check, 2 for the header's capacities, 2 for the module
    # permissions of third-party admins (django_tasks_db), then the page's own few.
    assert small <= 16


def test_admin_adds_user_through_admin_form_audited_without_password(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "pegawaibaru",
            "full_name": "Maria Ulfa Simanjuntak",
            "email": "maria@kpu-kalteng.test",
            "nip": "199805142022032009",
            "jabatan": "Analis Hukum",
            "phone": "",
            "password1": "Sungai-Kahayan-2025",
            "password2": "Sungai-Kahayan-2025",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="pegawaibaru")
    assert user.check_password("Sungai-Kahayan-2025")
    assert not user.is_superuser
    event = AuditEvent.objects.get(action="user.admin_create")
    assert event.after["nip"] == "199805142022032009"
    assert "password" not in event.after
    assert user.password not in str(event.after)
    # Without a role yet the new account is still listed, so a role can be given to it.
    body = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "pegawaibaru" in body


def test_superuser_flag_without_admin_role_is_refused(client):
    root = make_user(username="root")
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    assert client.get(reverse("admin:index")).status_code == 302


def test_admin_sets_password_audited_without_it(admin_client, prov):
    target = make_user(Role.STAF, prov)
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    response = admin_client.post(
        url, {"password1": "Sungai-Kahayan-2025", "password2": "Sungai-Kahayan-2025"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password("Sungai-Kahayan-2025")
    event = AuditEvent.objects.get(action="user.admin_password_set")
    assert "Sungai-Kahayan-2025" not in str(event.after) and "pbkdf2" not in str(event.after)
    assert "password" not in event.after


def test_users_are_deactivated_not_deleted(admin_client, prov):
    target = make_user(Role.STAF, prov)
    url = reverse("admin:accounts_user_delete", args=[target.pk])
    assert admin_client.get(url).status_code == 403
