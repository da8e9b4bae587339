"""The audit log page: who may read it, what they see, filters, paging, query counts."""

import datetime

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from simedsos.accounts.authz import Capacity
from simedsos.accounts.models import WorkUnit
from simedsos.accounts.selectors import PEOPLE_MATCH_LIMIT
from simedsos.core.audit import audit_record
from simedsos.core.request_context import client_address
from simedsos.core.selectors import audit_diff, audit_events_for
from tests.accounts.people_checks import check_suggestion_queries_stay_flat
from tests.factories import Role, add_people, make_unit, make_user

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


def person(unit, full_name: str, *, username: str | None = None, nip: str | None = None):
    user = make_user(Role.STAF, unit, username=username)
    user.full_name, user.nip = full_name, nip
    user.save(update_fields=["full_name", "nip"])
    return user


@pytest.fixture
def people(province, regency):
    """Three people of the visible units, each with one event, and one event by nobody."""
    budi = person(province, "Budi Santoso", username="bsantoso", nip="198001012005011001")
    sari = person(regency, "Sari Wulandari", username="swulan", nip="199203152019032007")
    ahmad = person(province, "Ahmad Fauzi", username="afauzi")
    events = {
        user.username: record(unit, actor=user, unit=unit)
        for user, unit in ((budi, province), (sari, regency), (ahmad, province))
    }
    record(province, unit=province)  # the system, no person
    return {"budi": budi, "sari": sari, "ahmad": ahmad, "events": events}


def test_filter_by_person_link_shows_the_name_and_a_way_back(client, province, people):
    client.force_login(make_user(Role.ADMIN, province))
    response = client.get(URL, {"actor": people["sari"].pk, "action": "unit"})
    assert sequences(response) == [people["events"]["swulan"].sequence]
    body = response.content.decode()
    assert "Menampilkan peristiwa oleh Sari Wulandari." in body
    assert 'href="?action=unit">Hapus saringan pelaku</a>' in body
    # The person stays chosen when the filter form is sent again; nobody else is listed.
    assert f'<input type="hidden" name="actor" value="{people["sari"].pk}"' in body
    assert "Budi Santoso" not in body and "Ahmad Fauzi" not in body
    assert "<select" not in body.split('name="actor_q"')[0].split("<form")[1]


@pytest.mark.parametrize(
    "text",
    ["santo", "BUDI", "bsant", "198001012005011001", "19800101", "19800101 200501 1 001"],
    ids=["part-of-name", "name-any-case", "username", "nip", "part-of-nip", "nip-in-groups"],
)
def test_search_finds_people_by_name_username_or_nip(client, province, people, text):
    client.force_login(make_user(Role.ADMIN, province))
    response = client.get(URL, {"actor_q": text})
    assert sequences(response) == [people["events"]["bsantoso"].sequence]
    body = response.content.decode()
    assert f"Pelaku yang cocok dengan “{text}”:" in body
    assert f'href="?actor={people["budi"].pk}">Budi Santoso</a>' in body
    assert response.context["form"]["actor_q"].value() == text  # the field keeps what was typed


def test_search_matching_several_people_shows_all_their_events(client, province, people):
    client.force_login(make_user(Role.KABAG, province))
    response = client.get(URL, {"actor_q": "a"})  # in every name
    events = people["events"]
    assert sequences(response) == [
        events["afauzi"].sequence,
        events["swulan"].sequence,
        events["bsantoso"].sequence,
    ]


def test_search_matching_nobody_says_so_and_shows_no_events(client, province, people):
    client.force_login(make_user(Role.ADMIN, province))
    response = client.get(URL, {"actor_q": "Zulkarnain"})
    assert response.status_code == 200
    assert sequences(response) == []
    body = response.content.decode()
    assert (
        "Tidak ada pengguna di satuan kerja yang dapat Anda lihat yang nama, nama pengguna, "
        "atau NIP-nya cocok dengan “Zulkarnain”, jadi tidak ada peristiwa yang ditampilkan."
    ) in body


def test_search_text_too_long_shows_an_error_and_no_events(client, province, people):
    client.force_login(make_user(Role.ADMIN, province))
    response = client.get(URL, {"actor_q": "b" * 101})
    assert sequences(response) == []
    assert response.context["form"].errors["actor_q"]


def test_blank_search_is_no_filter(client, province, people):
    client.force_login(make_user(Role.ADMIN, province))
    assert len(sequences(client.get(URL, {"actor_q": "   "}))) == 4


def test_typed_search_replaces_the_person_chosen_by_link(client, province, people):
    client.force_login(make_user(Role.ADMIN, province))
    response = client.get(URL, {"actor": people["budi"].pk, "actor_q": "wulan"})
    assert sequences(response) == [people["events"]["swulan"].sequence]
    assert 'name="actor"' not in response.content.decode()


def test_search_is_capped_and_says_so(client, province, regency):
    many = add_people(regency, PEOPLE_MATCH_LIMIT + 1, name="Dewi")
    first, last = many[0], many[-1]
    wanted = record(regency, actor=first, unit=regency)
    record(regency, actor=last, unit=regency)  # the 51st by name: beyond the cap
    client.force_login(make_user(Role.PEMANTAU, province))
    response = client.get(URL, {"actor_q": "dewi"})
    assert sequences(response) == [wanted.sequence]
    body = response.content.decode()
    assert "Lebih dari 50 pengguna cocok dengan “dewi”; hanya 50 pengguna pertama" in body
    assert body.count("?actor=") == PEOPLE_MATCH_LIMIT + 1  # 50 matches + 1 event row
    assert last.full_name not in body
    narrower = client.get(URL, {"actor_q": last.full_name})
    assert "Lebih dari 50" not in narrower.content.decode()
    assert len(sequences(narrower)) == 1 and sequences(narrower) != [wanted.sequence]


def test_person_outside_the_visible_units_cannot_be_used_to_filter(client, province, regency):
    other = make_unit("KALBAR")
    stranger = person(other, "Rahmat Hidayat", username="rhidayat", nip="197505052000031002")
    # Even a stranger's events inside the reader's units are not reachable by their name/id.
    record(province, actor=stranger, unit=province)
    record(other, actor=stranger, unit=other)
    client.force_login(make_user(Role.KABAG, regency))
    by_id = client.get(URL, {"actor": stranger.pk})
    assert by_id.status_code == 200
    assert sequences(by_id) == []
    body = by_id.content.decode()
    assert "Pelaku yang diminta tidak ditemukan di satuan kerja yang dapat Anda lihat" in body
    assert "Rahmat Hidayat" not in body and "rhidayat" not in body
    for text in ("Rahmat", "rhidayat", "197505052000031002"):
        by_text = client.get(URL, {"actor_q": text})
        assert sequences(by_text) == []
        assert "Tidak ada pengguna di satuan kerja" in by_text.content.decode()


def test_filter_by_unit_lists_the_visible_units_and_keeps_the_choice(client, province, regency):
    record(province, unit=province)
    lower = record(regency, unit=regency)
    regency.name = "KPU Kota <Palangka> & Raya"  # names are escaped in the list
    regency.save(update_fields=["name"])
    make_unit("KALBAR", name="KPU Provinsi Kalimantan Barat")
    client.force_login(make_user(Role.KABAG, province))
    response = client.get(URL, {"unit": regency.pk})
    assert sequences(response) == [lower.sequence]
    body = response.content.decode()
    assert '<select name="unit" id="id_unit">' in body
    assert '<option value="">— semua satuan kerja —</option>' in body
    assert f'<option value="{province.pk}">KPU Provinsi Kalimantan Tengah</option>' in body
    assert f'<option value="{regency.pk}" selected>KPU Kota &lt;Palangka&gt; &amp; Raya' in body
    assert "Kalimantan Barat" not in body


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
    response = client.get(URL, {"date_from": "kemarin", "before": "x"})
    assert response.status_code == 200
    assert len(sequences(response)) == 1


def test_malformed_person_id_shows_an_error_not_everyones_events(client, province):
    record(province, unit=province)
    client.force_login(make_user(Role.ADMIN, province))
    response = client.get(URL, {"actor": "abc"})
    assert response.status_code == 200
    assert sequences(response) == []
    assert "Pelaku yang diminta tidak ditemukan" in response.content.decode()


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


@pytest.mark.parametrize("filtered", ["none", "person", "search"])
def test_page_does_not_grow_with_the_number_of_users(client, province, regency, filtered):
    """The Pelaku filter lists nobody: 200 more users change neither bytes nor queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    budi = person(regency, "Budi Santoso", username="bsantoso")
    for i in range(10):
        record(regency, actor=budi, unit=regency, after={"n": i})
        record(province, unit=province, after={"n": i})
    params = {"none": {}, "person": {"actor": budi.pk}, "search": {"actor_q": "santo"}}[filtered]
    client.force_login(make_user(Role.PEMANTAU, province))

    def load() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, params)
        assert response.status_code == 200 and sequences(response)
        return len(response.content), len(captured)

    size_before, queries_before = load()
    add_people(province, 100)
    add_people(regency, 100)
    size_after, queries_after = load()
    assert size_after == size_before
    assert queries_after == queries_before <= 15


def test_paging_keeps_the_person_search(client, province):
    budi = person(province, "Budi Santoso")
    for _ in range(60):
        record(province, actor=budi, unit=province)
    client.force_login(make_user(Role.ADMIN, province))
    body = client.get(URL, {"actor_q": "budi"}).content.decode()
    assert "?actor_q=budi&amp;before=11" in body


# --- suggestions while typing ----------------------------------------------------------------

SUGGEST_URL = reverse("core:audit_actor_suggest")


def test_search_field_asks_for_suggestions(client, province):
    client.force_login(make_user(Role.ADMIN, province))
    body = client.get(URL).content.decode()
    assert 'type="search" name="actor_q"' in body
    assert f'hx-get="{SUGGEST_URL}"' in body and 'list="audit-actor-suggestions"' in body
    assert '<datalist id="audit-actor-suggestions"></datalist>' in body


def test_suggestions_are_at_most_ten_people_of_the_visible_units(client, province, regency):
    add_people(regency, 12, name="Dewi")
    budi = person(province, "Budi Dewi", username="bdewi", nip="198001012005011001")
    stranger = person(make_unit("KALBAR"), "Dewi Luar", username="dluar")
    client.force_login(make_user(Role.KABAG, province))
    response = client.get(SUGGEST_URL, {"actor_q": "dewi"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<option") == 10
    assert '<option value="bdewi">Budi Dewi · 198001012005011001</option>' in body  # by name
    assert stranger.username not in body
    assert "bdewi" in client.get(SUGGEST_URL, {"actor_q": "1980010120"}).content.decode()
    assert budi.full_name not in client.get(SUGGEST_URL, {"actor_q": "x"}).content.decode()
    assert "<option" not in client.get(SUGGEST_URL, {"actor_q": "d"}).content.decode()


def test_suggestions_need_the_audit_right(client, province):
    person(province, "Budi Santoso")
    assert reverse("accounts:login") in client.get(SUGGEST_URL, {"actor_q": "budi"})["Location"]
    client.force_login(make_user(Role.STAF, province))
    response = client.get(SUGGEST_URL, {"actor_q": "budi"})
    assert response.status_code == 403
    assert "Budi Santoso" not in response.content.decode()


def test_suggestions_cost_the_same_queries_with_more_people(client, province):
    client.force_login(make_user(Role.PEMANTAU, province))
    check_suggestion_queries_stay_flat(client, SUGGEST_URL, "actor_q", province)


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
