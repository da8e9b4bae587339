"""Shared fixtures for the whole suite."""

import os

import pytest
from django.test import override_settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Files land in a fresh folder per test; background tasks run immediately."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Django keeps the last request's language active in the thread; start every test in the
    # default language so one test switching to English cannot leak into the next.
    translation.activate(settings.LANGUAGE_CODE)
    # Cached values (built reports) are keyed by database ids, which a rolled-back test reuses.
    from django.core.cache import cache

    cache.clear()
    with override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    ):
        yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests use a database file, not Django's shared in-memory one.

    In shared-cache memory mode SQLite locks whole tables and fails at once ("database table
    is locked") when the live server's threads overlap, as a browser's parallel requests do
    (an image and an htmx call, each saving the session). A file gets the production
    settings (WAL, busy timeout): overlapping requests wait for each other instead.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    required = os.environ.get("SIMEDSOS_REQUIRE_ALL") == "1"
    return f"simedsos: database={engine}, require-all={required}"


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` exercise PostgreSQL-only behaviour (row locks under real
    concurrency). On SQLite they do not apply: deselect them rather than skip, so a run reports
    only tests that ran. CI runs the suite on PostgreSQL too, where they run."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgresql") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
