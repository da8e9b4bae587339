"""Memos in the Django admin: readable by the Admin role, never editable (issued = final)."""

from django.contrib import admin

from simedsos.memos.models import Memo, MemoAttachment, MemoSequence


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MemoAttachmentInline(admin.TabularInline):
    model = MemoAttachment
    extra = 0
    fields = ["name", "sha256"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Memo)
class MemoAdmin(ReadOnlyAdmin):
    list_display = ["number", "issued_on", "kind", "subject", "work_unit", "render_status"]
    list_filter = ["kind", "sifat", "render_status", "year"]
    search_fields = ["number", "subject", "verification_code"]
    list_select_related = ["work_unit"]
    inlines = [MemoAttachmentInline]


@admin.register(MemoSequence)
class MemoSequenceAdmin(ReadOnlyAdmin):
    list_display = ["work_unit", "kind", "year", "last_number"]
    list_select_related = ["work_unit"]
