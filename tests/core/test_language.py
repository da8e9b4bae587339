import pytest
from django.urls import reverse

from tests.factories import Role, make_user

pytestmark = pytest.mark.django_db


def test_english_browser_still_gets_indonesian_by_default(client):
    client.force_login(make_user(Role.STAF))
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="id"' in response.content.decode()
    assert response["Content-Language"] == "id"


def test_language_switch_is_remembered(client):
    client.force_login(make_user(Role.STAF))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"))
    assert 'lang="en"' in response.content.decode()
    assert response["Content-Language"] == "en"


def test_unknown_language_cookie_falls_back_to_indonesian(client):
    client.force_login(make_user(Role.STAF))
    client.cookies["django_language"] = "xx"
    response = client.get(reverse("home"))
    assert 'lang="id"' in response.content.decode()
