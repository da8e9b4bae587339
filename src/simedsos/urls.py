"""Top-level URL map: each app owns its own prefix."""

from django.contrib import admin
from django.urls import include, path

from simedsos.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("akun/", include("simedsos.accounts.urls")),
    path("sop/", include("simedsos.sop.urls")),
    path("audit/", include("simedsos.core.urls")),
    path("konten/", include("simedsos.content.urls")),
    path("notifikasi/", include("simedsos.notifications.urls")),
    path("admin/", admin.site.urls),
]
