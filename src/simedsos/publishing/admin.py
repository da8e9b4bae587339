"""Django admin (Admin role only): accounts and publications, credentials never shown."""

from django.contrib import admin

from .models import Publication, SocialAccount


@admin.register(SocialAccount)
class SocialAccountAdmin(admin.ModelAdmin):
    list_display = ("name", "platform", "work_unit", "connection", "reconnect_by")
    list_filter = ("platform", "connection", "work_unit")
    search_fields = ("name", "handle", "external_id")
    exclude = ("credentials_encrypted",)
    readonly_fields = ("connection", "reconnect_by", "connected_at", "connected_by")


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ("item", "account", "method", "status", "attempts", "next_attempt_at")
    list_filter = ("status", "method", "account__platform")
    search_fields = ("item__title", "external_id", "idempotency_key")
    readonly_fields = (
        "idempotency_key",
        "checkpoint",
        "text_sent",
        "media_sent",
        "raw_response",
        "lease_until",
        "leased_by",
    )
