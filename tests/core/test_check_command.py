"""`simedsos check`: system checks, the audit chain, and the production configuration."""

import tempfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from simedsos.core.audit import audit_record
from tests.core.audit_guard import append_only_guard_lifted
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

GOOD_KEY = "k8#Zr2v!Qm7@Lp4^Wx9&Tn6*Hs3(Jd5)Fb1-Gc0+Yu" + "a1B2c3D4e5"


def run(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("simedsos_check", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def record(n: int) -> None:
    unit = make_unit()
    for _ in range(n):
        with transaction.atomic():
            audit_record(actor=None, action="unit.update", obj=unit, after={"x": 1})


@pytest.fixture
def production(settings):
    settings.SECRET_KEY = GOOD_KEY
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["simedsos.kpu-kalteng.go.id"]
    settings.SECURE_HTTPS = True
    settings.FIELD_ENCRYPTION_KEY = "Y8bJ1wD3l0kQ4mZ9pV6nR2tX5sA7cE1gH3jK5mN7pQ0="
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    return settings


def test_intact_chain_is_reported_with_its_length():
    record(3)
    code, out, _ = run()
    assert code == 0
    assert "Rantai audit utuh: 3 peristiwa" in out


def test_empty_chain_is_intact():
    code, out, _ = run()
    assert code == 0 and "Rantai audit utuh: 0 peristiwa" in out


def test_broken_chain_is_reported_with_sequence_and_exit_code_1():
    record(4)
    with append_only_guard_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'palsu' WHERE sequence = 2")
    code, out, err = run()
    assert code == 1
    assert "Rantai audit PUTUS" in err
    assert "peristiwa #2: isi peristiwa telah diubah" in err
    assert "Rantai audit utuh" not in out


def test_failing_system_check_fails_the_command(settings):
    # Django's checks report a missing default cache as an error (caches.E001).
    settings.CACHES = {"lain": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    code, _, err = run()
    assert code == 1
    assert "Pemeriksaan sistem Django gagal" in err


def test_deploy_passes_on_a_production_configuration(production):
    code, out, err = run("--deploy")
    assert code == 0, err
    assert "Konfigurasi produksi: semua butir lolos." in out


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"SECRET_KEY": "simedsos-embedded-default-not-for-production"}, "SECRET_KEY masih"),
        ({"SECRET_KEY": "pendek-sekali"}, "SECRET_KEY terlalu pendek"),
        ({"SECRET_KEY": "a" * 60}, "SECRET_KEY terlalu pendek atau terlalu seragam"),
        ({"DEBUG": True}, "Setel DEBUG=0"),
        ({"ALLOWED_HOSTS": ["localhost", "127.0.0.1", "[::1]"]}, "ALLOWED_HOSTS hanya berisi"),
        ({"ALLOWED_HOSTS": ["*"]}, "ALLOWED_HOSTS berisi '*'"),
        ({"SECURE_HTTPS": False}, "setel SECURE_HTTPS=1"),
    ],
)
def test_deploy_reports_each_setting_with_what_to_set(production, override, expected):
    for name, value in override.items():
        setattr(production, name, value)
    code, _, err = run("--deploy")
    assert code == 1
    assert expected in err
    assert "Konfigurasi belum layak produksi (1 butir)" in err


def test_deploy_creates_missing_media_folder(production, tmp_path):
    production.MEDIA_ROOT = tmp_path / "belum" / "ada"
    code, _, err = run("--deploy")
    assert code == 0, err
    assert production.MEDIA_ROOT.is_dir()


def test_deploy_reports_media_folder_that_cannot_be_created(production, tmp_path):
    blocker = tmp_path / "berkas.txt"
    blocker.write_text("bukan folder")
    production.MEDIA_ROOT = blocker / "media"
    code, _, err = run("--deploy")
    assert code == 1
    assert "MEDIA_ROOT" in err and "tidak dapat dibuat" in err


def test_deploy_reports_read_only_media_folder(production, monkeypatch):
    # Tests may run as root, which writes anywhere; the refusal is what matters here.
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    code, _, err = run("--deploy")
    assert code == 1
    assert "tidak dapat ditulisi" in err


def test_deploy_reports_unapplied_migrations(production):
    MigrationRecorder(connection).migration_qs.filter(
        app="core", name="0002_auditevent_append_only"
    ).delete()
    code, _, err = run("--deploy")
    assert code == 1
    assert "core.0002_auditevent_append_only" in err
    assert "simedsos migrate" in err


def test_deploy_reports_unreachable_database(production, monkeypatch):
    def refuse() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    code, _, err = run("--deploy")
    assert code == 1
    assert "Basis data tidak dapat dihubungi" in err and "DATABASE_URL" in err
