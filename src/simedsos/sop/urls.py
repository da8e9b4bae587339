"""URLs of the SOP pages."""

from django.urls import path

from simedsos.sop import views

app_name = "sop"
urlpatterns = [
    path("", views.version_list, name="list"),
]
