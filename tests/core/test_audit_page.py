"""The audit log page: who may read it, what they see, filters, paging, query counts."""

import datetime

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from simedsos.accounts.authz import Capacity
from simedsos.accounts.models import WorkUnit
from simedsos.core.audit import audit_record
from simedsos.core.request_context import client_address
from simedsos.core.selectors import audit_diff, audit_events_for
from tests.factories import Role, make_unit, make_user

pytestmark = pytest.mark.django_db

URL = reverse("core:audit_log")


def record(obj, *, actor=None, unit=None, action="unit.update", before=None, after=None, ip=None):
    capacity = None
    if actor is not None and unit is not None:
        capacity = Capacity(user=actor, work_unit=unit, role=Role.STAF)
    token = client_address.set(ip)
    try:
        with transaction.atomic():
            return audit_record(
                actor=actor,
                action=action,
                obj=obj,
                capacity=capacity,
                work_unit=unit if capacity is None else None,
                before=before,
                after=after,
            )
    finally:
        client_address.reset(token)


def sequences(response) -> list[int]:
    return [event.sequence for event in response.context["page"].events]


@pytest.fixture
def province():
    return make_unit("KALTENG", name="KPU Provinsi Kalimantan Tengah")


@pytest.fixture
def regency(province):
    return make_unit(
        "PALANGKA", name="KPU Kota Palangka Raya", level=WorkUnit.Level.KABKOTA, parent=province
    )


# --- who may read it -----------------------------------------------------------------------


def test_login_required(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", [Role.STAF, Role.KASUBBAG, None])
def test_others_are_refused_with_an_indonesian_page(client, province, role):
    client.force_login(make_user(role, province))
    response = client.get(URL)
    assert response.status_code == 403
    body = response.content.decode()
    assert "Akses ditolak" in body
    assert "Anda tidak berwenang melihat log audit" in body


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PEMANTAU, Role.KABAG])
def test_admin_pemantau_and_kabag_may_read(client, province, role):
    client.force_login(make_user(role, province))
    assert client.get(URL).status_code == 200


def test_kabag_sees_own_and_lower_units_but_not_system_or_other_units(client, province, regency):
    other = make_unit("KALBAR")
    own = record(province, unit=province)
    lower = record(regency, unit=regency)
    record(other, unit=other)
    record(province)  # a system event: no unit
    client.force_login(make_user(Role.KABAG, province))
    assert sequences(client.get(URL)) == [lower.sequence, own.sequence]


def test_kabag_of_a_regency_does_not_see_the_province(client, province, regency):
    record(province, unit=province)
    lower = record(regency, unit=regency)
    client.force_login(make_user(Role.KABAG, regency))
    assert sequences(client.get(URL)) == [lower.sequence]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PEMANTAU])
def test_admin_and_pemantau_also_see_system_events(client, province, role):
    own = record(province, unit=province)
    system = record(province)
    record(make_unit("KALBAR"), unit=WorkUnit.objects.get(code="KALBAR"))
    client.force_login(make_user(role, province))
    assert sequences(client.get(URL)) == [system.sequence, own.sequence]


def test_unit_filter_outside_visible_units_is_rejected(client, province, regency):
    other = make_unit("KALBAR")
    record(other, unit=other)
    client.force_login(make_user(Role.ADMIN, regency))
    response = client.get(URL, {"unit": other.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert sequences(response) == []


# --- what is shown -------------------------------------------------------------------------


def test_row_shows_local_time_actor_capacity_action_object_ip_and_diff(client, province):
    actor = make_user(Role.STAF, province)
    event = record(
        province,
        actor=actor,
        unit=province,
        before={"name": "Nama Lama", "city": "Sampit", "same": 1},
        after={"name": "Nama Baru", "city": "Sampit", "same": 1, "phone": "0536"},
        ip="2001:db8::7",
    )
    client.force_login(make_user(Role.KABAG, province))
    body = client.get(URL).content.decode()
    local = timezone.localtime(event.occurred_at)
    assert local.strftime("%H:%M:%S") in body and "WIB" in body
    assert actor.full_name in body
    assert f"Staf {province.name}" in body
    assert "unit.update" in body
    assert province.name in body and "satuan kerja" in body
    assert "2001:db8::7" in body
    assert "Nama Lama" in body and "Nama Baru" in body and "0536" in body
    assert "same" not in body  # unchanged keys are not shown


def test_diff_lists_changed_added_and_removed_keys():
    rows = audit_diff({"a": 1, "b": 2, "c": [1]}, {"a": 1, "b": 3, "d": "x"})
    assert [(r.key, r.before, r.after, r.change) for r in rows] == [
        ("b", "2", "3", "changed"),
        ("c", "[1]", "", "removed"),
        ("d", "", "x", "added"),
    ]
    assert [r.change for r in audit_diff(None, {"a": 1})] == ["added"]
    assert [r.change for r in audit_diff({"a": 1}, None)] == ["removed"]
    assert audit_diff(None, None) == []
    assert [(r.before, r.after) for r in audit_diff("x", "y")] == [("x", "y")]


# --- filters -------------------------------------------------------------------------------


def test_filter_by_object(client, province, regency):
    record(regency, unit=province)
    wanted = record(province, unit=province)
    client.force_login(make_user(Role.ADMIN, province))
    response = client.get(URL, {"object_type": "accounts.WorkUnit", "object_id": str(province.pk)})
    assert sequences(response) == [wanted.sequence]
    assert "Menampilkan riwayat objek accounts.WorkUnit" in response.content.decode()


def test_filter_by_person(client, province):
    alice = make_user(Role.STAF, province)
    bob = make_user(Role.STAF, province)
    mine = record(province, actor=alice, unit=province)
    record(province, actor=bob, unit=province)
    client.force_login(make_user(Role.ADMIN, province))
    response = client.get(URL, {"actor": alice.pk})
    assert sequences(response) == [mine.sequence]
    choices = [label for _value, label in response.context["form"].fields["actor"].choices]
    assert alice.full_name in choices and bob.full_name in choices


def test_person_select_lists_only_users_of_visible_units(client, province):
    stranger = make_user(Role.STAF, make_unit("KALBAR"))
    client.force_login(make_user(Role.KABAG, province))
    response = client.get(URL, {"actor": stranger.pk})
    assert "actor" in response.context["form"].errors
    choices = [label for _value, label in response.context["form"].fields["actor"].choices]
    assert stranger.full_name not in choices


def test_filter_by_action_prefix(client, province):
    published = record(province, unit=province, action="sop.publish")
    edited = record(province, unit=province, action="sop.edit")
    record(province, unit=province, action="draft.submit")
    client.force_login(make_user(Role.ADMIN, province))
    assert sequences(client.get(URL, {"action": "sop"})) == [edited.sequence, published.sequence]
    assert sequences(client.get(URL, {"action": "sop.publish"})) == [published.sequence]


def test_filter_by_date_range_uses_local_days(client, province):
    from simedsos.core.models import AuditEvent

    # Events cannot be back-dated (the log is append-only), so the range is set around today.
    events = [record(province, unit=province) for _ in range(3)]
    days = [timezone.localtime(e.occurred_at).date() for e in events]
    client.force_login(make_user(Role.ADMIN, province))
    response = client.get(URL, {"date_from": days[0], "date_to": days[0]})
    assert sequences(response) == [e.sequence for e in reversed(events)]
    tomorrow = days[0] + datetime.timedelta(days=1)
    assert sequences(client.get(URL, {"date_from": tomorrow})) == []
    yesterday = days[0] - datetime.timedelta(days=1)
    assert sequences(client.get(URL, {"date_to": yesterday})) == []
    assert AuditEvent.objects.count() == 3


def test_reversed_date_range_gets_an_indonesian_error(client, province):
    client.force_login(make_user(Role.ADMIN, province))
    response = client.get(URL, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 200
    assert "Tanggal akhir tidak boleh sebelum tanggal awal" in response.content.decode()


def test_invalid_filter_values_do_not_break_the_page(client, province):
    record(province, unit=province)
    client.force_login(make_user(Role.ADMIN, province))
    response = client.get(URL, {"actor": "abc", "date_from": "kemarin", "before": "x"})
    assert response.status_code == 200
    assert len(sequences(response)) == 1


# --- paging and query counts ---------------------------------------------------------------


def test_pages_newest_first_fifty_at_a_time(client, province):
    for _ in range(120):
        record(province, unit=province)
    client.force_login(make_user(Role.ADMIN, province))
    first = client.get(URL)
    assert sequences(first) == list(range(120, 70, -1))
    page = first.context["page"]
    assert page.newer_cursor is None and page.older_cursor == 71
    second = client.get(URL, {"before": page.older_cursor})
    assert sequences(second) == list(range(70, 20, -1))
    third = client.get(URL, {"before": second.context["page"].older_cursor})
    assert sequences(third) == list(range(20, 0, -1))
    assert third.context["page"].older_cursor is None
    back = client.get(URL, {"after": third.context["page"].newer_cursor})
    assert sequences(back) == list(range(70, 20, -1))
    assert 'rel="next"' in second.content.decode() and 'rel="prev"' in second.content.decode()


def test_paging_keeps_filters(client, province):
    for _ in range(60):
        record(province, unit=province, action="sop.edit")
    client.force_login(make_user(Role.ADMIN, province))
    body = client.get(URL, {"action": "sop"}).content.decode()
    assert "?action=sop&amp;before=11" in body


@pytest.mark.parametrize("filtered", [False, True])
def test_query_count_does_not_grow_with_the_log(client, province, regency, filtered):
    staff = [make_user(Role.STAF, unit) for unit in (province, regency)]
    reader = make_user(Role.ADMIN, province)
    params = {"action": "unit", "actor": staff[0].pk} if filtered else {}

    def load(total: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for i in range(total):
            unit = (province, regency)[i % 2]
            record(unit, actor=staff[i % 2], unit=unit, before={"n": i}, after={"n": i + 1})
        client.force_login(reader)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, params)
        assert response.status_code == 200
        return len(captured)

    small = load(5)
    large = load(195)
    assert small == large
    assert large <= 15


# --- object history include ----------------------------------------------------------------


def test_object_history_selector_and_include(province, regency):
    first = record(province, unit=province, before={"name": "A"}, after={"name": "B"})
    record(regency, unit=regency)
    second = record(province, unit=province, before={"name": "B"}, after={"name": "C"})
    events = audit_events_for(province, limit=5)
    assert [e.sequence for e in events] == [second.sequence, first.sequence]
    assert [e.sequence for e in audit_events_for(province, limit=1)] == [second.sequence]
    html = render_to_string("core/_object_history.html", {"events": events, "obj": province})
    assert "Riwayat perubahan" in html
    assert "object_type=accounts.WorkUnit" in html and f"object_id={province.pk}" in html
    empty = render_to_string("core/_object_history.html", {"events": []})
    assert "Belum ada perubahan yang tercatat." in empty


def test_object_history_query_count_is_constant(province, django_assert_num_queries):
    for _ in range(30):
        record(province, unit=province, after={"x": 1})
    with django_assert_num_queries(1):
        events = audit_events_for(province, limit=20)
        render_to_string("core/_object_history.html", {"events": events, "obj": province})
