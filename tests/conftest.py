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
    with override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    ):
        yield


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    required = os.environ.get("SIMEDSOS_REQUIRE_ALL") == "1"
    return f"simedsos: database={engine}, require-all={required}"
