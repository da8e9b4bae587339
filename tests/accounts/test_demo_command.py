import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from simedsos.accounts.authz import Action, capacities_of, find_capacity
from simedsos.accounts.models import User, WorkUnit
from simedsos.accounts.roles import Role
from simedsos.core.audit import audit_verify_chain

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = {"kabag", "kasubbag", "staf", "staf2", "admin", "pemantau", "kasubbag6271"}


def run_demo() -> str:
    out = StringIO()
    call_command("simedsos_demo", stdout=out)
    return out.getvalue()


def passwords_from(output: str) -> dict[str, str]:
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.split(" | ")]
        if len(cells) == 5 and cells[0] in DEMO_USERNAMES:
            rows[cells[0]] = cells[4]
    return rows


def test_creates_hierarchy_users_and_prints_working_passwords_once(tmp_path):
    output = run_demo()

    pusat, prov, kota = (WorkUnit.objects.get(code=c) for c in ("00", "62", "6271"))
    assert (pusat.level, prov.level, kota.level) == ("PUSAT", "PROVINSI", "KABKOTA")
    assert prov.parent == pusat and kota.parent == prov and pusat.parent is None
    assert prov.name == "Komisi Pemilihan Umum Provinsi Kalimantan Tengah"
    assert prov.secretariat_name == "Sekretariat Komisi Pemilihan Umum Provinsi Kalimantan Tengah"
    assert prov.city == "Palangka Raya" and "Palangka Raya" in prov.address
    assert kota.name == "Komisi Pemilihan Umum Kota Palangka Raya"

    passwords = passwords_from(output)
    assert set(passwords) == DEMO_USERNAMES
    for username, password in passwords.items():
        assert authenticate(username=username, password=password) is not None, username
    assert len(set(passwords.values())) == len(passwords)

    expected_roles = {
        "kabag": (Role.KABAG, "62"),
        "kasubbag": (Role.KASUBBAG, "62"),
        "staf": (Role.STAF, "62"),
        "staf2": (Role.STAF, "62"),
        "admin": (Role.ADMIN, "62"),
        "pemantau": (Role.PEMANTAU, "62"),
        "kasubbag6271": (Role.KASUBBAG, "6271"),
    }
    for username, (role, code) in expected_roles.items():
        user = User.objects.get(username=username)
        assert [(c.role, c.work_unit.code) for c in capacities_of(user)] == [(role, code)]
        assert re.fullmatch(r"[0-9]{18}", user.nip)
        assert user.full_name and user.jabatan
        user.full_clean()
    kabag = User.objects.get(username="kabag")
    assert kabag.jabatan.startswith("Kepala Bagian Teknis Penyelenggaraan Pemilu")

    admin = User.objects.get(username="admin")
    assert admin.is_staff and not admin.is_superuser
    assert find_capacity(admin, Action.ADMIN_SITE, prov) is not None
    assert not any(User.objects.filter(is_superuser=True))
    assert audit_verify_chain() == []


def test_second_run_changes_nothing_and_prints_no_password():
    first = run_demo()
    passwords = passwords_from(first)
    counts = (User.objects.count(), WorkUnit.objects.count())

    second = run_demo()
    assert (User.objects.count(), WorkUnit.objects.count()) == counts
    assert "Pengguna demo sudah ada; kata sandi ditampilkan saat pertama dibuat" in second
    assert "simedsos changepassword <username>" in second
    for password in passwords.values():
        assert password not in second
    # The first passwords still work: nothing was reset.
    assert authenticate(username="staf", password=passwords["staf"]) is not None


def test_recreates_only_missing_users():
    run_demo()
    User.objects.get(username="staf2").delete()
    output = run_demo()
    assert set(passwords_from(output)) == {"staf2"}


def test_passwords_are_not_written_to_files(tmp_path, settings):
    output = run_demo()
    passwords = passwords_from(output)
    from pathlib import Path

    project = Path(settings.PROJECT_DIR)
    for path in [*project.glob("*"), *Path(settings.VAR_DIR).rglob("*")]:
        if path.is_file() and path.stat().st_size < 5_000_000 and path.suffix != ".sqlite3":
            text = path.read_bytes()
            for password in passwords.values():
                assert password.encode() not in text, path


def test_demo_unit_has_social_accounts_to_dispose_to():
    from simedsos.publishing.models import SocialAccount

    run_demo()
    run_demo()  # idempotent
    accounts = SocialAccount.objects.filter(work_unit__code="62", is_active=True)
    assert {a.platform for a in accounts} == {"INSTAGRAM", "FACEBOOK", "X", "YOUTUBE"}
    assert accounts.count() == 4
