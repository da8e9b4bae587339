from django.contrib import admin, messages

from simedsos.archive.models import DocumentationPackage
from simedsos.archive.services import package_build


@admin.register(DocumentationPackage)
class DocumentationPackageAdmin(admin.ModelAdmin):
    list_display = ["item", "status", "built_at", "file_count", "total_bytes", "attempts"]
    list_filter = ["status"]
    search_fields = ["item__title"]
    list_select_related = ["item"]
    readonly_fields = [f.name for f in DocumentationPackage._meta.fields]
    actions = ["rebuild"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Bangun ulang paket dokumentasi terpilih")
    def rebuild(self, request, queryset) -> None:
        done = sum(
            package_build(package.item_id, force=True) == DocumentationPackage.Status.DONE
            for package in queryset
        )
        messages.info(request, f"{done} dari {queryset.count()} paket dibangun ulang.")
