"""The audit log page: who changed what, when, in which capacity, from where."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from simedsos.accounts.authz import (
    Action,
    AuthorizationError,
    Capacity,
    authorize,
    capacities_of,
    visible_unit_ids,
)
from simedsos.accounts.roles import Role
from simedsos.accounts.selectors import PEOPLE_MATCH_LIMIT
from simedsos.accounts.views import people_suggestions
from simedsos.core.audit_forms import AuditFilterForm
from simedsos.core.selectors import audit_events_visible, audit_log_page

# Events without a work unit (system-wide changes) are for those who oversee the whole system.
SYSTEM_EVENT_ROLES = frozenset({Role.ADMIN, Role.PEMANTAU})


def _cursor(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


def _audit_units(request: HttpRequest, capacities: list[Capacity]) -> set[int]:
    """The units whose events (and people) the reader may see; refused when there are none."""
    unit_ids = visible_unit_ids(request.user, Action.AUDIT_VIEW, capacities=capacities)
    if not unit_ids:
        raise AuthorizationError(
            _(
                "Anda tidak berwenang melihat log audit. Log audit hanya dapat dibuka "
                "oleh Admin, Pemantau, dan Kepala Bagian."
            )
        )
    return unit_ids


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    capacities = capacities_of(request.user)
    unit_ids = _audit_units(request, capacities)
    include_system = any(c.role in SYSTEM_EVENT_ROLES for c in capacities)
    form = AuditFilterForm(request.GET or None, unit_ids=unit_ids)
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    people = form.people.result()  # computed by filters(): the person or the matches
    if filters.unit_id is not None:
        authorize(request.user, Action.AUDIT_VIEW, form.cleaned_data["unit"])
    page = audit_log_page(
        audit_events_visible(unit_ids=unit_ids, include_system=include_system),
        filters,
        before=_cursor(request.GET.get("before")),
        after=_cursor(request.GET.get("after")) if "before" not in request.GET else None,
    )
    return render(
        request,
        "core/audit_log.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "show_unit_filter": len(unit_ids) > 1,
            "actor": people.person,
            "actor_matches": people.matches,
            "actor_match_limit": PEOPLE_MATCH_LIMIT,
        },
    )


@login_required
def audit_actor_suggest(request: HttpRequest) -> HttpResponse:
    """Up to ten people for the search field's suggestion list, as <option> elements."""
    unit_ids = _audit_units(request, capacities_of(request.user))
    return people_suggestions(request, unit_ids=unit_ids, text=request.GET.get("actor_q", ""))
