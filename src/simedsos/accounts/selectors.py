"""Reads of people that several pages share: finding someone among the units a reader sees.

These selectors do not authorise: callers pass the units the reader may see (from
`visible_unit_ids` for the page's own action).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from simedsos.accounts.models import ActingAssignment, Membership, User

# A person search feeds `... IN (ids)`; past this many matches the list would stop being a
# person filter and the query would stop being cheap, so the reader is asked to type more.
PEOPLE_MATCH_LIMIT = 50
# Suggestions while typing: a short list the browser shows under the field.
PEOPLE_SUGGEST_LIMIT = 10
# Fewer letters than this match too many people to be worth suggesting.
SUGGEST_MIN_LENGTH = 2
# The longest text a search field accepts (the forms refuse more with a message).
SEARCH_MAX_LENGTH = 100


def users_of_units(unit_ids: Iterable[int], *, role: str | None = None) -> models.QuerySet:
    """Users who hold or act in (or once held or acted in) a role in one of the units.

    `role` narrows it to one role. Past memberships count: the people a reader looks for are
    often in old records. `pk IN (subquery)` rather than a correlated EXISTS: with 550 units
    SQLite probed the membership index once per unit for every user (50 ms); this reads the
    memberships once.
    """
    units = list(unit_ids)
    members = Membership.objects.filter(work_unit_id__in=units)
    acting = ActingAssignment.objects.filter(work_unit_id__in=units)
    if role is not None:
        members, acting = members.filter(role=role), acting.filter(role=role)
    return User.objects.filter(
        Q(pk__in=members.values("user_id")) | Q(pk__in=acting.values("user_id"))
    )


@dataclass(frozen=True)
class PeopleMatches:
    text: str
    users: list[User]  # by name, at most the limit asked for
    capped: bool  # more users matched than were returned

    @property
    def ids(self) -> frozenset[int]:
        return frozenset(user.pk for user in self.users)


def search_people(
    unit_ids: Iterable[int],
    text: str,
    *,
    limit: int = PEOPLE_MATCH_LIMIT,
    role: str | None = None,
) -> PeopleMatches:
    """Users of the units whose name or username contains `text`, or whose NIP contains it.

    One query with one row beyond `limit` to tell whether the list was cut. A NIP is often
    written in groups ("19800101 200501 1 001"), so spaces and dots are ignored for it.
    """
    condition = Q(full_name__icontains=text) | Q(username__icontains=text)
    digits = re.sub(r"[\s.]", "", text)
    if re.fullmatch(r"[0-9]+", digits):
        condition |= Q(nip__contains=digits)
    rows = list(
        users_of_units(unit_ids, role=role)
        .filter(condition)
        .only("pk", "full_name", "username", "nip")
        .order_by("full_name", "username", "pk")[: limit + 1]
    )
    return PeopleMatches(text=text, users=rows[:limit], capped=len(rows) > limit)


def suggest_people(unit_ids: Iterable[int], text: str, *, role: str | None = None) -> list[User]:
    """At most PEOPLE_SUGGEST_LIMIT people for a search field's suggestions, by name.

    Raw query-string text: trimmed and cut like the form field; too short asks for nothing.
    """
    text = text.strip()[:SEARCH_MAX_LENGTH]
    if len(text) < SUGGEST_MIN_LENGTH:
        return []
    return search_people(unit_ids, text, limit=PEOPLE_SUGGEST_LIMIT, role=role).users
