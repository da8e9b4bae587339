"""Publishing tests have an encryption key for account credentials (tests of its absence
override it)."""

import pytest

TEST_KEY = "Q2hvb3NlIGEgcmFuZG9tIGtleSBmb3IgdGVzdHMhISE="


@pytest.fixture(autouse=True)
def _field_encryption_key(settings):
    settings.FIELD_ENCRYPTION_KEY = TEST_KEY
