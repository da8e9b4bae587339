"""Top-level URL map: each app owns its own prefix."""

from django.contrib import admin
from django.urls import include, path

from simedsos.core import views as core_views
from simedsos.memos import views as memo_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("akun/", include("simedsos.accounts.urls")),
    path("sop/", include("simedsos.sop.urls")),
    path("audit/", include("simedsos.core.urls")),
    path("konten/", include("simedsos.content.urls")),
    path("memos/", include("simedsos.memos.urls")),
    path("laporan/", include("simedsos.reports.urls")),
    path("monev/", include("simedsos.monev.urls")),
    # akun-medsos/, publikasi/ and the signed media links m/<token>/
    path("", include("simedsos.publishing.urls")),
    path("arsip/", include("simedsos.archive.urls")),
    # Short public URLs for the QR code on printed memos: no login.
    path("v/", memo_views.verify_lookup, name="memo_verify_lookup"),
    path("v/<str:code>/", memo_views.verify, name="memo_verify"),
    path("notifikasi/", include("simedsos.notifications.urls")),
    path("admin/", admin.site.urls),
]
