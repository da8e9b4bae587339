"""Small builders for test data: real rows through the real models, no mocks."""

from __future__ import annotations

import itertools

from simedsos.accounts.models import ActingAssignment, Membership, User, WorkUnit
from simedsos.accounts.roles import Role

_counter = itertools.count(1)


def make_unit(
    code: str | None = None,
    *,
    name: str | None = None,
    level: str = WorkUnit.Level.PROVINSI,
    parent: WorkUnit | None = None,
) -> WorkUnit:
    n = next(_counter)
    code = code or f"U{n}"
    return WorkUnit.objects.create(
        code=code,
        name=name or f"KPU Satker {code}",
        level=level,
        parent=parent,
        city="Palangka Raya",
    )


def make_user(
    role: str | None = None,
    unit: WorkUnit | None = None,
    *,
    username: str | None = None,
    password: str = "kata-sandi-uji-123",
) -> User:
    n = next(_counter)
    user = User.objects.create_user(
        username=username or f"user{n}",
        password=password,
        email=f"user{n}@example.test",
        full_name=f"Pengguna {n}",
    )
    if role is not None:
        Membership.objects.create(user=user, work_unit=unit or make_unit(), role=role)
    return user


def make_acting(user: User, unit: WorkUnit, role: str, starts_on, ends_on, kind: str = "PLT"):
    return ActingAssignment.objects.create(
        user=user, work_unit=unit, role=role, kind=kind, starts_on=starts_on, ends_on=ends_on
    )


def add_people(
    unit: WorkUnit, count: int, name: str = "Warga", role: str = Role.STAF
) -> list[User]:
    """`count` users with `role` in `unit`, inserted in bulk (pages must not care how many)."""
    first = User.objects.count()
    users = User.objects.bulk_create(
        User(username=f"massal{first + i}", full_name=f"{name} {first + i:04d}", password="!")
        for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=user, work_unit=unit, role=role) for user in users
    )
    return users


__all__ = ["Role", "add_people", "make_acting", "make_unit", "make_user"]
