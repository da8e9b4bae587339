"""URLs of the audit log pages."""

from django.urls import path

from simedsos.core import audit_views

app_name = "core"
urlpatterns = [
    path("", audit_views.audit_log, name="audit_log"),
    path("pelaku/", audit_views.audit_actor_suggest, name="audit_actor_suggest"),
]
