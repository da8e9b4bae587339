"""URLs of the publishing pages (included at the site root)."""

from django.urls import path

from . import media_links, views

app_name = "publishing"
urlpatterns = [
    path("akun-medsos/", views.account_list, name="account_list"),
    path("akun-medsos/baru/", views.account_create, name="account_create"),
    path("akun-medsos/oauth/kembali/", views.oauth_callback, name="oauth_callback"),
    path("akun-medsos/<int:pk>/hubungkan/", views.account_connect, name="account_connect"),
    path("akun-medsos/<int:pk>/uji/", views.account_test_view, name="account_test"),
    path("akun-medsos/<int:pk>/putus/", views.account_disconnect_view, name="account_disconnect"),
    path("publikasi/<int:pk>/coba-lagi/", views.publication_retry_view, name="publication_retry"),
    path("publikasi/<int:pk>/putuskan/", views.publication_decide_view, name="publication_decide"),
    # Public (no login): platforms fetch media from here; the token is signed and expires.
    path("m/<str:token>/", media_links.serve_media, name="media_link"),
]
