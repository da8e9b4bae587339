"""Operations pieces: the sweep loop of `simedsos worker`, /healthz, the bench query header,
and the production checks that need no external server."""

from __future__ import annotations

import datetime
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.test import Client

from simedsos import cli
from simedsos.core.middleware import QueryCountHeaderMiddleware
from tests.content.builders import dispose, make_world

pytestmark = pytest.mark.django_db

GOOD_KEY = "k8#Zr2v!Qm7@Lp4^Wx9&Tn6*Hs3(Jd5)Fb1-Gc0+Yu" + "a1B2c3D4e5"


def test_sweep_loop_flags_overdue_steps_and_survives_a_failing_sweep(monkeypatch, caplog):
    from simedsos.content import overdue
    from simedsos.content.models import StepRun

    world = make_world()
    item = dispose(world, attachments=[])
    run = StepRun.objects.get(item=item, finished_at__isnull=True)
    StepRun.objects.filter(pk=run.pk).update(
        arrived_at=run.arrived_at - datetime.timedelta(days=10)
    )
    real_sweep = overdue.overdue_sweep
    calls = []

    def flaky_sweep(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise DatabaseError("koneksi terputus")
        return real_sweep(**kwargs)

    monkeypatch.setattr(overdue, "overdue_sweep", flaky_sweep)
    # The loop closes its connection after each round; in this test that is the test's own.
    monkeypatch.setattr("django.db.connection.close", lambda: None)
    cli.sweep_loop(interval=0, stop=threading.Event(), runs=2)
    assert len(calls) == 2
    assert "Sapuan langkah terlambat gagal" in caplog.text
    run.refresh_from_db()
    assert run.overdue_notified_at is not None


def test_sweep_loop_sends_monev_reminders_even_when_another_check_fails(monkeypatch):
    """A semester ended without a signed monitoring: the worker's timer reminds the Kabag."""
    from simedsos.content import overdue
    from simedsos.notifications.models import Notification

    world = make_world()

    def broken_sweep(**kwargs):
        raise DatabaseError("koneksi terputus")

    monkeypatch.setattr(overdue, "overdue_sweep", broken_sweep)
    monkeypatch.setattr("django.db.connection.close", lambda: None)
    later = datetime.date(world.version.published_at.year + 1, 7, 2)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: later)
    cli.sweep_loop(interval=0, stop=threading.Event(), runs=1)
    assert Notification.objects.filter(recipient=world.kabag, kind__startswith="monev").exists()


def test_sweep_loop_stops_when_told():
    stop = threading.Event()
    stop.set()
    cli.sweep_loop(interval=3600, stop=stop)  # returns at once instead of sleeping an hour


def test_healthz_answers_without_login_or_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "sessionid" not in response.cookies


def test_healthz_reports_a_database_it_cannot_reach(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("server closed the connection")

    monkeypatch.setattr("simedsos.core.views.connection.cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_query_header_is_off_unless_the_bench_asks(client):
    assert "X-Query-Count" not in client.get("/healthz").headers


def test_query_header_counts_the_queries_of_a_request(monkeypatch):
    monkeypatch.setenv("SIMEDSOS_BENCH_QUERY_HEADER", "1")
    # A fresh client builds the middleware chain now, with the variable set.
    response = Client().get("/healthz")
    assert response.headers["X-Query-Count"] == "1"  # the health check's SELECT 1


def test_query_header_middleware_removes_itself(monkeypatch):
    from django.core.exceptions import MiddlewareNotUsed

    monkeypatch.delenv("SIMEDSOS_BENCH_QUERY_HEADER", raising=False)
    with pytest.raises(MiddlewareNotUsed):
        QueryCountHeaderMiddleware(lambda request: None)


@pytest.fixture
def production(settings):
    settings.SECRET_KEY = GOOD_KEY
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["simedsos.kpu-kalteng.go.id"]
    settings.SECURE_HTTPS = True
    settings.REDIS_URL = ""
    settings.FIELD_ENCRYPTION_KEY = (
        "Y8bJ1wD3l0kQ4mZ9pV6nR2tX5sA7cE1gH3jK5mN7pQ0="  # a valid Fernet key
    )
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    return settings


def run_check() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("simedsos_check", "--deploy", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, err.getvalue()


def test_check_deploy_wants_an_encryption_key_once_the_setting_exists(production):
    production.FIELD_ENCRYPTION_KEY = ""
    code, err = run_check()
    assert code == 1 and "(FIELD_ENCRYPTION_KEY) belum diatur" in err
    production.FIELD_ENCRYPTION_KEY = "Y8bJ1wD3l0kQ4mZ9pV6nR2tX5sA7cE1gH3jK5mN7pQ0="
    code, err = run_check()
    assert code == 0, err


def test_check_deploy_wants_an_https_public_base_url_under_https(production):
    production.PUBLIC_BASE_URL = "http://simedsos.kpu-kalteng.go.id"
    code, err = run_check()
    assert code == 1 and "PUBLIC_BASE_URL (http://simedsos.kpu-kalteng.go.id) bukan" in err
    production.PUBLIC_BASE_URL = "https://simedsos.kpu-kalteng.go.id"
    code, err = run_check()
    assert code == 0, err
