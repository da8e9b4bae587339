"""Who may do what, where: every service asks here before it writes or reads.

A user acts in a *capacity*: a role in a work unit, held definitively (Membership) or as an
acting official (ActingAssignment, Plt/Plh) on a given day. Actions are granted to roles; read
actions granted to a role also reach the units below that role's unit (a province reads its
regencies); write actions stay within the unit itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, F, Q, Value
from django.utils import timezone

from simedsos.accounts.models import ActingAssignment, Membership, User, WorkUnit
from simedsos.accounts.roles import Role
from simedsos.core.request_context import request_memo


class Action(StrEnum):
    SOP_VIEW = "sop.view"
    SOP_EDIT = "sop.edit"
    SOP_PUBLISH = "sop.publish"
    AUDIT_VIEW = "audit.view"
    UNIT_VIEW = "unit.view"
    USER_MANAGE = "user.manage"
    ACTING_MANAGE = "acting.manage"
    ADMIN_SITE = "admin.site"
    CONTENT_VIEW = "content.view"
    # Acting on an SOP step; services narrow it with roles={step.actor_role}.
    STEP_ACT = "step.act"
    MEMO_RERENDER = "memo.rerender"
    REPORT_VIEW = "report.view"
    MONEV_ASSESS = "monev.assess"
    SOCIAL_ACCOUNT_MANAGE = "social_account.manage"
    # Retrying a publication job or deciding one that waits for a person.
    PUBLICATION_ACT = "publication.act"


ALL_ROLES = frozenset(Role)

# action -> (roles granted, whether the grant reaches the units below)
GRANTS: dict[Action, tuple[frozenset[str], bool]] = {
    Action.SOP_VIEW: (ALL_ROLES, True),
    Action.SOP_EDIT: (frozenset({Role.ADMIN}), False),
    Action.SOP_PUBLISH: (frozenset({Role.ADMIN}), False),
    Action.AUDIT_VIEW: (frozenset({Role.ADMIN, Role.PEMANTAU, Role.KABAG}), True),
    Action.UNIT_VIEW: (ALL_ROLES, True),
    Action.USER_MANAGE: (frozenset({Role.ADMIN}), False),
    Action.ACTING_MANAGE: (frozenset({Role.ADMIN}), False),
    Action.ADMIN_SITE: (frozenset({Role.ADMIN}), False),
    Action.CONTENT_VIEW: (ALL_ROLES, True),
    Action.STEP_ACT: (frozenset({Role.KABAG, Role.KASUBBAG, Role.STAF, Role.ADMIN}), False),
    Action.MEMO_RERENDER: (frozenset({Role.ADMIN}), False),
    Action.REPORT_VIEW: (
        frozenset({Role.KABAG, Role.KASUBBAG, Role.ADMIN, Role.PEMANTAU}),
        True,
    ),
    Action.MONEV_ASSESS: (frozenset({Role.KABAG, Role.ADMIN}), False),
    Action.SOCIAL_ACCOUNT_MANAGE: (frozenset({Role.ADMIN}), False),
    Action.PUBLICATION_ACT: (frozenset({Role.KABAG, Role.KASUBBAG, Role.STAF, Role.ADMIN}), False),
}

ACTION_LABELS: dict[Action, str] = {
    Action.SOP_VIEW: "melihat SOP",
    Action.SOP_EDIT: "menyunting SOP",
    Action.SOP_PUBLISH: "menerbitkan versi SOP",
    Action.AUDIT_VIEW: "melihat log audit",
    Action.UNIT_VIEW: "melihat data satuan kerja",
    Action.USER_MANAGE: "mengelola pengguna",
    Action.ACTING_MANAGE: "menunjuk Plt/Plh",
    Action.ADMIN_SITE: "membuka halaman admin",
    Action.CONTENT_VIEW: "melihat konten",
    Action.STEP_ACT: "menjalankan langkah SOP",
    Action.MEMO_RERENDER: "membuat ulang PDF nota dinas",
    Action.REPORT_VIEW: "melihat laporan",
    Action.MONEV_ASSESS: "menilai penerapan SOP",
    Action.SOCIAL_ACCOUNT_MANAGE: "mengelola akun media sosial",
    Action.PUBLICATION_ACT: "mencoba ulang atau memutuskan unggahan",
}


class AuthorizationError(PermissionDenied):
    """Refused: the message says, in Indonesian, what was refused."""


@dataclass(frozen=True)
class Capacity:
    """The role in which a user acts, and whether it is held as Plt/Plh."""

    user: User
    work_unit: WorkUnit
    role: str
    acting_kind: str = ""  # "", "PLT" or "PLH"

    @property
    def label(self) -> str:
        role_label = Role(self.role).label
        prefix = f"{ActingAssignment.Kind(self.acting_kind).label} " if self.acting_kind else ""
        return f"{prefix}{role_label} {self.work_unit.name}"


def capacities_of(user: User, on: datetime.date | None = None) -> list[Capacity]:
    """Every capacity the user holds on the given day (today by default); own roles first.

    Within a web request the answer is remembered (the header, the permission check and the
    page's selector all ask); services that change roles call `forget_capacities()`.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    day = on or timezone.localdate()
    memo = request_memo.get()
    key = ("capacities", user.pk, day)
    if memo is not None and key in memo:
        return list(memo[key])
    capacities = _load_capacities(user, day)
    if memo is not None:
        memo[key] = tuple(capacities)
    return capacities


def forget_capacities() -> None:
    """Drop remembered capacities after a change of roles within the same request."""
    memo = request_memo.get()
    if memo is not None:
        for key in [k for k in memo if k[0] in ("capacities", "units_below")]:
            del memo[key]


# The work unit's columns, read alongside each role so a capacity costs no second query.
_UNIT_COLUMNS = [f.attname for f in WorkUnit._meta.concrete_fields]


def _load_capacities(user: User, day: datetime.date) -> list[Capacity]:
    """Definitive roles, then acting roles valid on `day`, each with its unit: one query."""
    unit_values = [f"work_unit__{name}" for name in _UNIT_COLUMNS]
    own = (
        Membership.objects.filter(user=user, is_active=True)
        .annotate(source=Value(0), acting_kind=Value("", output_field=CharField()))
        .values_list("source", "id", "role", "acting_kind", *unit_values)
    )
    acting = (
        ActingAssignment.objects.filter(user=user, starts_on__lte=day, ends_on__gte=day)
        .annotate(source=Value(1), acting_kind=F("kind"))
        .values_list("source", "id", "role", "acting_kind", *unit_values)
    )
    capacities = []
    for _source, _id, role, acting_kind, *unit in own.union(acting, all=True).order_by(
        "source", "id"
    ):
        work_unit = WorkUnit.from_db(Membership.objects.db, _UNIT_COLUMNS, unit)
        capacities.append(
            Capacity(user=user, work_unit=work_unit, role=role, acting_kind=acting_kind)
        )
    return capacities


def _reaches(capacity: Capacity, unit: WorkUnit, reaches_down: bool) -> bool:
    if capacity.work_unit.pk == unit.pk:
        return True
    return reaches_down and capacity.work_unit.pk in unit.ancestor_ids()


def find_capacity(
    user: User,
    action: Action,
    unit: WorkUnit,
    *,
    roles: frozenset[str] | None = None,
    on: datetime.date | None = None,
) -> Capacity | None:
    """The capacity in which `user` may do `action` in `unit`, or None.

    `roles` narrows the grant further (e.g. the SOP step's actor role).
    """
    granted, reaches_down = GRANTS[action]
    if roles is not None:
        granted = granted & roles
    for capacity in capacities_of(user, on):
        if capacity.role in granted and _reaches(capacity, unit, reaches_down):
            return capacity
    return None


def authorize(
    user: User,
    action: Action,
    unit: WorkUnit,
    *,
    roles: frozenset[str] | None = None,
    on: datetime.date | None = None,
) -> Capacity:
    """Return the capacity to act in, or raise AuthorizationError with a clear message."""
    capacity = find_capacity(user, action, unit, roles=roles, on=on)
    if capacity is None:
        raise AuthorizationError(
            f"Anda tidak berwenang {ACTION_LABELS.get(action, str(action))} di {unit.name}."
        )
    return capacity


def visible_unit_ids(
    user: User,
    action: Action = Action.UNIT_VIEW,
    *,
    capacities: list[Capacity] | None = None,
) -> set[int]:
    """Ids of every unit whose data `user` may read for `action`.

    `capacities` (from `capacities_of(user)`) saves the queries when the caller has them.
    """
    granted, reaches_down = GRANTS[action]
    if capacities is None:
        capacities = capacities_of(user)
    own = frozenset(c.work_unit.pk for c in capacities if c.role in granted)
    if not own or not reaches_down:
        return set(own)
    # A page asks for the same set from its header, permission check and selector.
    memo = request_memo.get()
    key = ("units_below", own)
    if memo is not None and key in memo:
        return set(own | memo[key])
    below = frozenset(
        WorkUnit.objects.filter(Q(parent_id__in=own) | Q(parent__parent_id__in=own)).values_list(
            "pk", flat=True
        )
    )
    if memo is not None:
        memo[key] = below
    return set(own | below)
