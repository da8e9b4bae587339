"""Reads shared by the publishing pages."""

from __future__ import annotations

from django.db.models import QuerySet

from simedsos.accounts.authz import Action, capacities_of, visible_unit_ids
from simedsos.accounts.models import User
from simedsos.accounts.roles import Role

from .models import Publication, SocialAccount


def accounts_visible(user: User) -> QuerySet[SocialAccount]:
    units = visible_unit_ids(user, Action.CONTENT_VIEW)
    return (
        SocialAccount.objects.filter(work_unit_id__in=units)
        .select_related("work_unit", "connected_by")
        .order_by("work_unit__name", "platform", "name")
    )


def managed_unit_ids(user: User) -> set[int]:
    """Units where the user may manage social accounts (Admin, own unit only)."""
    return {c.work_unit.pk for c in capacities_of(user) if c.role == Role.ADMIN}


def publications_of_item(item_id: int) -> QuerySet[Publication]:
    return (
        Publication.objects.filter(item_id=item_id)
        .select_related("account", "recorded_by")
        .order_by("account__platform", "account__name")
    )
