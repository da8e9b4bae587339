"""The Django admin, opened to the ADMIN role only.

Django's stock admin admits anyone with `is_staff`; here the role decides: a user needs an active
ADMIN capacity (a membership or a Plt/Plh appointment valid today). Each ADMIN sees and edits
the rows of the work units where they are ADMIN, and every change through the admin leaves an
audit event like any service does.

`core/admin_apps.py` makes this the default site (`django.contrib.admin.site`), so apps register
their models with the usual `@admin.register`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

# Never copied into an audit event: a secret, and derivable noise.
AUDIT_EXCLUDED_FIELDS = frozenset({"password", "last_login"})


def admin_unit_ids(user: Any) -> set[int]:
    """Ids of the work units where `user` holds the ADMIN role today."""
    from simedsos.accounts.authz import Action, visible_unit_ids

    if not user.is_authenticated or not user.is_active:
        return set()
    return visible_unit_ids(user, Action.ADMIN_SITE)


def _admin_unit_ids_cached(request: HttpRequest) -> set[int]:
    # One lookup per request: has_permission and the scoped querysets all ask. Keyed by the
    # user so that signing in during the request does not reuse the anonymous answer.
    key = request.user.pk
    cached = getattr(request, "_simedsos_admin_unit_ids", None)
    if cached is None or cached[0] != key:
        cached = (key, admin_unit_ids(request.user))
        request._simedsos_admin_unit_ids = cached
    return cached[1]


class RoleAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin login: the password must match AND the account must hold the ADMIN role."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "not_admin": _(
            "Akun ini tidak memegang peran Admin di satuan kerja mana pun, sehingga tidak "
            "dapat membuka halaman admin."
        ),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        if not user.is_active:
            raise ValidationError(self.error_messages["inactive"], code="inactive")
        if not admin_unit_ids(user):
            raise ValidationError(self.error_messages["not_admin"], code="not_admin")


class SimedsosAdminSite(admin.AdminSite):
    site_header = _("Admin SIMEDSOS JDIH")
    site_title = _("Admin SIMEDSOS JDIH")
    index_title = _("Pengelolaan pengguna dan satuan kerja")
    login_form = RoleAdminAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        # is_staff alone is not enough: the ADMIN role in some work unit decides.
        return bool(request.user.is_active and _admin_unit_ids_cached(request))


def _snapshot(obj: models.Model) -> dict[str, Any]:
    data = model_to_dict(obj)
    for name in AUDIT_EXCLUDED_FIELDS:
        data.pop(name, None)
    # Files and many-to-many values become plain, JSON-safe text.
    for key, value in data.items():
        if isinstance(value, FieldFile):
            data[key] = value.name or ""
        elif isinstance(value, list | tuple | set):
            data[key] = sorted(str(getattr(v, "pk", v)) for v in value)
    return data


class RoleScopedModelAdmin(admin.ModelAdmin):
    """Base for every model admin on this site.

    Model permissions follow the site's role check instead of Django's per-model permission
    rows (the ADMIN role is the permission); `scope_queryset` limits rows to the ADMIN's
    units; saves and deletes write an audit event in the same transaction.
    """

    audit_prefix = ""
    # One COUNT per list page instead of two (the unfiltered total is rarely worth a query).
    show_full_result_count = False

    def _allowed(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def admin_unit_ids(self, request: HttpRequest) -> set[int]:
        return _admin_unit_ids_cached(request)

    def scope_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        return queryset

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return self.scope_queryset(request, super().get_queryset(request))

    def _audit_action(self, verb: str) -> str:
        return f"{self.audit_prefix or self.model._meta.model_name}.{verb}"

    def _audit_unit(self, obj: models.Model) -> Any:
        return getattr(obj, "work_unit", None)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = None
        if change and obj.pk is not None:
            original = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = _snapshot(original) if original is not None else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            self._audit(request, obj, "admin_change" if change else "admin_create", before)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._audit(request, obj, "admin_delete", _snapshot(obj), deleted=True)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        with transaction.atomic():
            for obj in queryset:
                self._audit(request, obj, "admin_delete", _snapshot(obj), deleted=True)
            super().delete_queryset(request, queryset)

    def _audit(
        self,
        request: HttpRequest,
        obj: models.Model,
        verb: str,
        before: dict[str, Any] | None,
        deleted: bool = False,
    ) -> None:
        from simedsos.accounts.authz import Action, capacities_of, find_capacity
        from simedsos.core.audit import audit_record

        unit = self._audit_unit(obj)
        capacity = find_capacity(request.user, Action.ADMIN_SITE, unit) if unit else None
        if capacity is None:
            capacity = next((c for c in capacities_of(request.user) if c.role == "ADMIN"), None)
        audit_record(
            actor=request.user,
            action=self._audit_action(verb),
            obj=obj,
            capacity=capacity,
            work_unit=unit,
            before=before,
            after=None if deleted else _snapshot(obj),
        )
