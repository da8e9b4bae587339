"""Content items in the admin: read-only (every change goes through the workflow services)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from simedsos.content.models import ContentItem
from simedsos.core.admin_site import RoleScopedModelAdmin


@admin.register(ContentItem)
class ContentItemAdmin(RoleScopedModelAdmin):
    list_display = ["title", "work_unit", "status", "current_step", "assignee", "created_at"]
    list_filter = ["status", "content_type", "priority"]
    search_fields = ["title"]
    list_select_related = ["work_unit", "current_step", "assignee"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]

    def scope_queryset(self, request: HttpRequest, queryset):
        if request.user.is_superuser:
            return queryset
        return queryset.filter(work_unit_id__in=self.admin_unit_ids(request))

    # The SOP steps write items; the admin only looks.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
