"""Writes on users, role memberships and acting officials (Plt/Plh).

Every function authorizes the actor for the work unit, runs in one transaction and leaves an
audit event. Password hashes never enter an audit event: `_user_snapshot` lists what may.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from simedsos.accounts.authz import Action, Capacity, authorize, forget_capacities
from simedsos.accounts.models import ActingAssignment, Membership, User, WorkUnit
from simedsos.accounts.roles import Role
from simedsos.core.audit import audit_record

# Long enough to resist guessing, short enough to read aloud to a colleague once.
GENERATED_PASSWORD_BYTES = 12


def password_generate() -> str:
    """A random password for a new account (shown once, then changed by its owner)."""
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def _user_snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "nip": user.nip,
        "jabatan": user.jabatan,
        "phone": user.phone,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
    }


def _membership_snapshot(membership: Membership) -> dict[str, Any]:
    return {
        "user": membership.user.username,
        "work_unit": membership.work_unit.code,
        "role": membership.role,
        "is_active": membership.is_active,
    }


def _acting_snapshot(assignment: ActingAssignment) -> dict[str, Any]:
    return {
        "user": assignment.user.username,
        "work_unit": assignment.work_unit.code,
        "role": assignment.role,
        "kind": assignment.kind,
        "starts_on": assignment.starts_on,
        "ends_on": assignment.ends_on,
        "basis": assignment.basis,
    }


def _user_insert(
    *,
    username: str,
    full_name: str,
    email: str,
    nip: str | None,
    jabatan: str,
    phone: str,
    role: str,
) -> tuple[User, str]:
    password = password_generate()
    user = User(
        username=username.strip(),
        full_name=full_name.strip(),
        email=User.objects.normalize_email(email.strip()),
        nip=(nip or "").strip() or None,
        jabatan=jabatan.strip(),
        phone=phone.strip(),
        # Django's admin templates show their user tools only to staff; the admin site itself
        # admits by the ADMIN role (core/admin_site.py), not by this flag.
        is_staff=role == Role.ADMIN,
    )
    user.set_password(password)
    # Full validation gives the Indonesian NIP message and the unique-username message
    # before anything is written.
    user.full_clean()
    user.save()
    return user, password


def user_create(
    *,
    actor: User,
    work_unit: WorkUnit,
    username: str,
    full_name: str,
    email: str,
    nip: str | None,
    jabatan: str,
    phone: str,
    role: str,
) -> tuple[User, str]:
    """Create an account holding `role` in `work_unit`; returns it and its generated password."""
    role = Role(role)  # an unknown role is refused before anything else
    with transaction.atomic():
        capacity = authorize(actor, Action.USER_MANAGE, work_unit)
        return _user_with_role(
            actor=actor,
            capacity=capacity,
            work_unit=work_unit,
            username=username,
            full_name=full_name,
            email=email,
            nip=nip,
            jabatan=jabatan,
            phone=phone,
            role=role,
        )


def user_provision(
    *,
    work_unit: WorkUnit,
    username: str,
    full_name: str,
    email: str,
    nip: str | None,
    jabatan: str,
    phone: str,
    role: str,
) -> tuple[User, str]:
    """Create an account from the command line (bootstrap, demo data), where no signed-in
    actor exists yet. The operator at the server's terminal is trusted; the event names the
    system as actor. Never call this from a web view."""
    return _user_with_role(
        actor=None,
        capacity=None,
        work_unit=work_unit,
        username=username,
        full_name=full_name,
        email=email,
        nip=nip,
        jabatan=jabatan,
        phone=phone,
        role=role,
    )


def _user_with_role(
    *,
    actor: User | None,
    capacity: Capacity | None,
    work_unit: WorkUnit,
    username: str,
    full_name: str,
    email: str,
    nip: str | None,
    jabatan: str,
    phone: str,
    role: str,
) -> tuple[User, str]:
    """Insert the user and its membership and audit both. Without a capacity (the command
    line) the events name the system and carry the unit themselves."""
    role = Role(role)
    audit_unit = None if capacity is not None else work_unit
    with transaction.atomic():
        user, password = _user_insert(
            username=username,
            full_name=full_name,
            email=email,
            nip=nip,
            jabatan=jabatan,
            phone=phone,
            role=role,
        )
        membership = Membership.objects.create(user=user, work_unit=work_unit, role=role)
        audit_record(
            actor=actor,
            action="user.create",
            obj=user,
            capacity=capacity,
            work_unit=audit_unit,
            after=_user_snapshot(user) | {"role": role, "work_unit": work_unit.code},
        )
        audit_record(
            actor=actor,
            action="membership.grant",
            obj=membership,
            capacity=capacity,
            work_unit=audit_unit,
            after=_membership_snapshot(membership),
        )
    forget_capacities()  # roles changed: re-read them in this request
    return user, password


def membership_grant(*, actor: User, user: User, work_unit: WorkUnit, role: str) -> Membership:
    """Give `user` a definitive role in `work_unit` (reactivates a revoked one)."""
    role = Role(role)
    with transaction.atomic():
        capacity = authorize(actor, Action.USER_MANAGE, work_unit)
        membership, created = Membership.objects.select_for_update().get_or_create(
            user=user, work_unit=work_unit, role=role
        )
        before = None if created else _membership_snapshot(membership)
        if not created and membership.is_active:
            raise ValidationError(
                _("%(user)s sudah memegang peran %(role)s di %(unit)s.")
                % {"user": user, "role": role.label, "unit": work_unit.name},
                code="membership_exists",
            )
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        if role == Role.ADMIN and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        audit_record(
            actor=actor,
            action="membership.grant",
            obj=membership,
            capacity=capacity,
            before=before,
            after=_membership_snapshot(membership),
        )
    forget_capacities()  # roles changed: re-read them in this request
    return membership


def membership_revoke(*, actor: User, membership: Membership) -> Membership:
    """End a definitive role; the row stays (inactive) so history still names the holder."""
    with transaction.atomic():
        capacity = authorize(actor, Action.USER_MANAGE, membership.work_unit)
        membership = (
            Membership.objects.select_for_update()
            .select_related("user", "work_unit")
            .get(pk=membership.pk)
        )
        if not membership.is_active:
            raise ValidationError(_("Peran ini sudah dicabut."), code="membership_inactive")
        before = _membership_snapshot(membership)
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="membership.revoke",
            obj=membership,
            capacity=capacity,
            before=before,
            after=_membership_snapshot(membership),
        )
    forget_capacities()  # roles changed: re-read them in this request
    return membership


def acting_validate(
    *,
    work_unit: WorkUnit,
    role: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    exclude_pk: int | None = None,
) -> None:
    """Raise ValidationError (Indonesian) when the dates are wrong or the role is already
    held by another acting official on any of those days."""
    if starts_on is None or ends_on is None:
        raise ValidationError(_("Tanggal mulai dan tanggal berakhir wajib diisi."), code="dates")
    if ends_on < starts_on:
        raise ValidationError(
            _("Tanggal berakhir tidak boleh sebelum tanggal mulai."), code="dates_order"
        )
    clash = ActingAssignment.objects.filter(
        work_unit=work_unit, role=role, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).select_related("user")
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    other = clash.order_by("starts_on").first()
    if other is not None:
        raise ValidationError(
            _(
                "Sudah ada %(kind)s %(role)s di %(unit)s (%(user)s, %(start)s s.d. %(end)s) "
                "yang tumpang tindih dengan tanggal ini."
            )
            % {
                "kind": other.get_kind_display(),
                "role": Role(role).label,
                "unit": work_unit.name,
                "user": other.user,
                "start": f"{other.starts_on:%d-%m-%Y}",
                "end": f"{other.ends_on:%d-%m-%Y}",
            },
            code="acting_overlap",
        )


def acting_assign(
    *,
    actor: User,
    user: User,
    work_unit: WorkUnit,
    role: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    basis: str,
) -> ActingAssignment:
    """Appoint `user` as Plt/Plh of `role` in `work_unit` for the given days (inclusive)."""
    role = Role(role)
    kind = ActingAssignment.Kind(kind)
    with transaction.atomic():
        capacity = authorize(actor, Action.ACTING_MANAGE, work_unit)
        # Lock the unit so two simultaneous appointments to the same role cannot both pass
        # the overlap check.
        WorkUnit.objects.select_for_update().filter(pk=work_unit.pk).first()
        acting_validate(work_unit=work_unit, role=role, starts_on=starts_on, ends_on=ends_on)
        assignment = ActingAssignment.objects.create(
            user=user,
            work_unit=work_unit,
            role=role,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            basis=basis.strip(),
        )
        audit_record(
            actor=actor,
            action="acting.assign",
            obj=assignment,
            capacity=capacity,
            after=_acting_snapshot(assignment),
        )
    forget_capacities()  # roles changed: re-read them in this request
    return assignment


def acting_end(
    *,
    actor: User,
    assignment: ActingAssignment,
    ends_on: datetime.date | None = None,
) -> ActingAssignment | None:
    """End an acting assignment early. By default it ends yesterday, so it no longer applies
    today. One that would end before it starts never took effect and is removed (the audit
    event keeps it); then None is returned."""
    with transaction.atomic():
        capacity = authorize(actor, Action.ACTING_MANAGE, assignment.work_unit)
        assignment = (
            ActingAssignment.objects.select_for_update()
            .select_related("user", "work_unit")
            .get(pk=assignment.pk)
        )
        day = ends_on or (timezone.localdate() - datetime.timedelta(days=1))
        if day >= assignment.ends_on:
            raise ValidationError(
                _("Penugasan ini sudah berakhir pada %(date)s.")
                % {"date": f"{assignment.ends_on:%d-%m-%Y}"},
                code="acting_already_ends",
            )
        before = _acting_snapshot(assignment)
        if day < assignment.starts_on:
            audit_record(
                actor=actor,
                action="acting.cancel",
                obj=assignment,
                capacity=capacity,
                before=before,
            )
            assignment.delete()
            forget_capacities()  # roles changed: re-read them in this request
            return None
        assignment.ends_on = day
        assignment.save(update_fields=["ends_on"])
        audit_record(
            actor=actor,
            action="acting.end",
            obj=assignment,
            capacity=capacity,
            before=before,
            after=_acting_snapshot(assignment),
        )
    forget_capacities()  # roles changed: re-read them in this request
    return assignment
