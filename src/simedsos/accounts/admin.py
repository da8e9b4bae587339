"""Admin pages for users, work units, memberships and acting officials (ADMIN role only).

Each ADMIN sees the rows of the work units where they hold the ADMIN role; a superuser (made
by the operator on the command line) who also holds the ADMIN role sees every unit. Superuser
status, groups and per-model permissions are not offered here: the role is the permission.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest

from simedsos.accounts.models import ActingAssignment, Membership, User, WorkUnit
from simedsos.accounts.services import acting_validate
from simedsos.core.admin_site import RoleScopedModelAdmin


def _all_units(request: HttpRequest) -> bool:
    return request.user.is_superuser


@admin.register(WorkUnit)
class WorkUnitAdmin(RoleScopedModelAdmin):
    list_display = ["code", "name", "level", "parent", "city"]
    list_filter = ["level"]
    search_fields = ["code", "name", "city"]
    list_select_related = ["parent"]
    ordering = ["code"]
    fieldsets = [
        (None, {"fields": ["code", "name", "level", "parent"]}),
        (
            "Kop surat dan nota dinas",
            {
                "fields": [
                    "secretariat_name",
                    "address",
                    "city",
                    "phone",
                    "email",
                    "website",
                    "logo",
                    "memo_number_template",
                ]
            },
        ),
    ]

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if _all_units(request):
            return queryset
        return queryset.filter(pk__in=self.admin_unit_ids(request))

    # The hierarchy of satker is set up by the operator (`simedsos demo` or a superuser); an
    # ADMIN maintains their own unit's letterhead and memo numbering.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return _all_units(request) and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _all_units(request) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if _all_units(request):
            return []
        return ["code", "level", "parent"]

    def _audit_unit(self, obj: WorkUnit) -> WorkUnit:
        return obj


@admin.register(User)
class UserAdmin(RoleScopedModelAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "nip", "jabatan", "roles", "is_active"]
    list_filter = [
        "is_active",
        "memberships__role",
        ("memberships__work_unit", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["username", "full_name", "nip", "email", "jabatan"]
    ordering = ["full_name", "username"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Data pribadi", {"fields": ["full_name", "email", "nip", "jabatan", "phone"]}),
        ("Status", {"fields": ["is_active", "is_staff", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "full_name",
                    "email",
                    "nip",
                    "jabatan",
                    "phone",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal: list[str] = []

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        active = Membership.objects.filter(is_active=True).select_related("work_unit")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("memberships", queryset=active, to_attr="active_roles"))
        )

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if _all_units(request):
            return queryset
        units = self.admin_unit_ids(request)
        in_units = Exists(
            Membership.objects.filter(user=OuterRef("pk"), work_unit_id__in=units)
        ) | Exists(ActingAssignment.objects.filter(user=OuterRef("pk"), work_unit_id__in=units))
        # An account without any role yet (just created here) must stay reachable so that a
        # role can be given to it.
        unattached = ~Exists(Membership.objects.filter(user=OuterRef("pk"))) & ~Exists(
            ActingAssignment.objects.filter(user=OuterRef("pk"))
        )
        return queryset.filter(Q(in_units) | Q(unattached)).exclude(is_superuser=True)

    # Accounts that acted appear in the audit log (protected there); deactivate them instead.
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            # The new password itself never enters the log; that it was set does.
            user = self.get_object(request, id)
            with transaction.atomic():
                self._audit(request, user, "admin_password_set", None)
        return response

    @admin.display(description="peran")
    def roles(self, obj: User) -> str:
        return "; ".join(
            f"{m.get_role_display()} {m.work_unit.code}" for m in getattr(obj, "active_roles", [])
        )


class UnitScopedAdmin(RoleScopedModelAdmin):
    autocomplete_fields = ["user"]
    list_select_related = ["user", "work_unit"]

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if _all_units(request):
            return queryset
        return queryset.filter(work_unit_id__in=self.admin_unit_ids(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "work_unit" and not _all_units(request):
            kwargs["queryset"] = WorkUnit.objects.filter(pk__in=self.admin_unit_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Membership)
class MembershipAdmin(UnitScopedAdmin):
    list_display = ["user", "role", "work_unit", "is_active"]
    list_filter = ["role", "is_active", ("work_unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__full_name", "user__nip"]
    ordering = ["work_unit__code", "role", "user__full_name"]


class ActingAssignmentForm(forms.ModelForm):
    class Meta:
        model = ActingAssignment
        fields = ["user", "work_unit", "role", "kind", "starts_on", "ends_on", "basis"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        unit, role = cleaned.get("work_unit"), cleaned.get("role")
        if unit is not None and role:
            # The same rule the service applies: ordered dates, no overlapping Plt/Plh.
            acting_validate(
                work_unit=unit,
                role=role,
                starts_on=cleaned.get("starts_on"),
                ends_on=cleaned.get("ends_on"),
                exclude_pk=self.instance.pk,
            )
        return cleaned


@admin.register(ActingAssignment)
class ActingAssignmentAdmin(UnitScopedAdmin):
    form = ActingAssignmentForm
    list_display = ["user", "kind", "role", "work_unit", "starts_on", "ends_on", "basis"]
    list_filter = ["kind", "role", ("work_unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__full_name", "basis"]
    date_hierarchy = "starts_on"
    ordering = ["-starts_on"]
    audit_prefix = "acting"
