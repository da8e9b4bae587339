"""Responses several pages share (the sign-in pages are Django's own views, see urls.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from simedsos.accounts.selectors import suggest_people


def people_suggestions(
    request: HttpRequest, *, unit_ids: Iterable[int], text: str, role: str | None = None
) -> HttpResponse:
    """Up to ten people of the units for a search field's <datalist>, as <option> elements.

    The caller authorises first and passes only the units its page shows people of.
    """
    users = suggest_people(unit_ids, text, role=role)
    return render(request, "accounts/_people_options.html", {"users": users})
