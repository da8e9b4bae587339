"""Checks that every page with a typed person filter runs against its suggestions endpoint
(`accounts.views.people_suggestions` behind the page's own authorisation)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from simedsos.accounts.models import User, WorkUnit
from tests.factories import add_people


def check_suggestion_queries_stay_flat(client, url: str, field: str, unit: WorkUnit) -> None:
    """With the reader signed in: 200 more people of `unit` cost no more queries (at most ten)."""

    def load() -> int:
        with CaptureQueriesContext(connection) as captured:
            body = client.get(url, {field: "dewi"}).content.decode()
        assert body.count("<option") == 10
        return len(captured)

    add_people(unit, 30, name="Dewi")
    few = load()
    add_people(unit, 200, name="Dewi")
    assert load() == few <= 10


def check_suggestions_need_a_sign_in_and_a_unit(
    client, url: str, field: str, *, text: str, outsider: User
) -> None:
    """`text` finds someone for the page's readers; nobody signed in is sent to sign in, and
    `outsider` (a reader of other units) or a user without a role is offered nobody."""
    assert reverse("accounts:login") in client.get(url, {field: text})["Location"]
    client.force_login(outsider)
    assert "<option" not in client.get(url, {field: text}).content.decode()
    client.force_login(User.objects.create_user(username="tanpa-peran", password="x" * 12))
    response = client.get(url, {field: text})
    assert response.status_code == 200 and "<option" not in response.content.decode()
