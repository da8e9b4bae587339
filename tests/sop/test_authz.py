import pytest
from django.urls import reverse
from django.utils import timezone

from simedsos.accounts.authz import AuthorizationError
from simedsos.accounts.models import WorkUnit
from simedsos.sop.models import SopVersion
from simedsos.sop.services import (
    sop_step_delete,
    sop_step_move,
    sop_step_save,
    sop_version_copy,
    sop_version_publish,
    sop_version_update,
)
from tests.factories import Role, make_unit, make_user

pytestmark = pytest.mark.django_db

NOT_EDITORS = [Role.KABAG, Role.KASUBBAG, Role.STAF, Role.PEMANTAU]


@pytest.fixture
def draft(seeded, admin):
    return sop_version_copy(actor=admin, version=seeded)


@pytest.mark.parametrize("role", NOT_EDITORS)
def test_only_admin_may_revise_the_sop(seeded, draft, unit62, role):
    user = make_user(role, unit62)
    step = draft.steps.get(number=2)
    calls = [
        lambda: sop_version_copy(actor=user, version=seeded),
        lambda: sop_version_update(actor=user, version=draft, number="X"),
        lambda: sop_step_save(
            actor=user, version=draft, step=step, data={"time_standard_minutes": 9}
        ),
        lambda: sop_step_delete(actor=user, step=step),
        lambda: sop_step_move(actor=user, step=step, to_number=1),
        lambda: sop_version_publish(actor=user, version=draft, effective_on=timezone.localdate()),
    ]
    for call in calls:
        with pytest.raises(AuthorizationError) as excinfo:
            call()
        assert "Anda tidak berwenang" in str(excinfo.value)
    draft.refresh_from_db()
    assert draft.status == SopVersion.Status.DRAFT and draft.number == "1176 Tahun 2022"
    assert draft.steps.get(number=2).time_standard_minutes == 60


def test_admin_of_another_unit_may_not_edit(seeded, draft):
    other = make_unit("63", name="KPU Provinsi Kalimantan Selatan")
    outsider = make_user(Role.ADMIN, other)
    with pytest.raises(AuthorizationError):
        sop_version_update(actor=outsider, version=draft, number="X")
    with pytest.raises(AuthorizationError):
        sop_version_publish(actor=outsider, version=draft, effective_on=timezone.localdate())


def test_admin_of_the_parent_unit_may_not_edit_the_province_sop(seeded, draft):
    central_admin = make_user(Role.ADMIN, WorkUnit.objects.get(code="00"))
    with pytest.raises(AuthorizationError):
        sop_version_copy(actor=central_admin, version=seeded)


@pytest.mark.parametrize("role", [*NOT_EDITORS, Role.ADMIN])
def test_every_role_of_the_unit_may_view(client, seeded, unit62, role):
    client.force_login(make_user(role, unit62))
    assert client.get(reverse("sop:document", args=[seeded.pk])).status_code == 200
    assert seeded.number in client.get(reverse("sop:list")).content.decode()


def test_parent_unit_may_view_child_sop(client, seeded):
    client.force_login(make_user(Role.PEMANTAU, WorkUnit.objects.get(code="00")))
    assert client.get(reverse("sop:document", args=[seeded.pk])).status_code == 200


def test_other_province_may_not_view(client, seeded):
    client.force_login(make_user(Role.KABAG, make_unit("63")))
    assert client.get(reverse("sop:document", args=[seeded.pk])).status_code == 403
    assert seeded.number not in client.get(reverse("sop:list")).content.decode()


@pytest.mark.parametrize("role", NOT_EDITORS)
def test_editing_pages_are_refused_to_non_admins(client, seeded, draft, unit62, role):
    client.force_login(make_user(role, unit62))
    step = draft.steps.get(number=1)
    for url in [
        reverse("sop:edit", args=[draft.pk]),
        reverse("sop:publish", args=[draft.pk]),
        reverse("sop:step_add", args=[draft.pk]),
        reverse("sop:step_edit", args=[draft.pk, step.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    for url in [
        reverse("sop:copy", args=[seeded.pk]),
        reverse("sop:discard", args=[draft.pk]),
        reverse("sop:step_delete", args=[draft.pk, step.pk]),
        reverse("sop:step_move", args=[draft.pk, step.pk]),
    ]:
        assert client.post(url, {"to_number": 2}).status_code == 403, url
    assert SopVersion.objects.filter(pk=draft.pk, status="DRAFT").exists()
    assert draft.steps.count() == 6


def test_non_admin_document_page_shows_no_editing_actions(client, seeded, unit62):
    client.force_login(make_user(Role.KABAG, unit62))
    body = client.get(reverse("sop:document", args=[seeded.pk])).content.decode()
    assert reverse("sop:copy", args=[seeded.pk]) not in body
