"""Template context every page needs: the signed-in user's capacities for the header."""

from django.http import HttpRequest

from simedsos.accounts.authz import capacities_of


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    capacities = capacities_of(user)
    return {
        "my_capacities": capacities,
        "my_roles": {c.role for c in capacities},
    }
