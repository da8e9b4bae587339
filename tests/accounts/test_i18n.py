from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tests.factories import Role, make_user

pytestmark = pytest.mark.django_db

PO_PATH = Path(settings.PACKAGE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture(autouse=True, scope="module")
def _compiled_catalogue():
    # .mo files are build output (gitignored); make sure this checkout has them.
    call_command("compilemessages_py", verbosity=0)


@pytest.fixture(autouse=True)
def _back_to_indonesian():
    # LocaleMiddleware leaves the last request's language active in this thread; later tests
    # outside a request must not inherit English.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def signed_in(client):
    user = make_user(Role.STAF)
    client.force_login(user)
    return client, user


def test_indonesian_is_the_default(signed_in):
    client, user = signed_in
    body = client.get(reverse("home")).content.decode()
    assert 'lang="id"' in body
    assert f"Selamat datang, {user.full_name}" in body


def test_switching_to_english_shows_english_home(signed_in):
    client, user = signed_in
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    body = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in body
    assert f"<h1>Welcome, {user.full_name}</h1>" in body
    assert "Your roles" in body and "Staff" in body
    assert "Selamat datang" not in body
    # And back.
    client.post(reverse("set_language"), {"language": "id", "next": reverse("home")})
    assert "Selamat datang" in client.get(reverse("home")).content.decode()


def test_english_login_page(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("accounts:login")).content.decode()
    assert "Sign in to SIMEDSOS JDIH" in body and "Forgot your password?" in body


def test_catalogue_is_complete_and_formats_match():
    po = polib.pofile(str(PO_PATH))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    for entry in po:
        for placeholder in ("%(name)s", "%(user)s", "%(role)s", "%(unit)s", "%(date)s"):
            assert (placeholder in entry.msgid) == (placeholder in entry.msgstr), entry.msgid


def test_every_template_string_in_scope_is_translated():
    import re

    po_ids = {e.msgid for e in polib.pofile(str(PO_PATH))}
    templates = [
        Path(settings.PACKAGE_DIR) / "templates" / "base.html",
        Path(settings.PACKAGE_DIR) / "core" / "templates" / "core" / "home.html",
        *(Path(settings.PACKAGE_DIR) / "accounts" / "templates" / "accounts").glob("*"),
    ]
    pattern = re.compile(r"""\{% translate (["'])(.+?)\1""")
    missing = set()
    for path in templates:
        for _quote, msgid in pattern.findall(path.read_text()):
            if msgid not in po_ids:
                missing.add((path.name, msgid))
    assert missing == set()
