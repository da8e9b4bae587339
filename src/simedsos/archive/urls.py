"""URLs of the archive pages."""

from django.urls import path

from simedsos.archive import views

app_name = "archive"
urlpatterns = [
    path("", views.archive_search, name="search"),
    path("ekspor/", views.archive_export, name="export"),
    path("pelaksana/", views.person_suggest, name="person_suggest"),
    path("<int:item_id>/", views.package_detail, name="package"),
    path("<int:item_id>/unduh/", views.package_download, name="download"),
]
