import pytest
from django.urls import reverse

from tests.factories import Role, make_user

pytestmark = pytest.mark.django_db


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_home_greets_user_with_their_roles(client):
    user = make_user(Role.STAF)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Selamat datang, {user.full_name}" in body
    assert "Staf" in body
    assert 'lang="id"' in body
