"""URLs of the content pages."""

from django.urls import path  # noqa: F401

app_name = "content"
urlpatterns: list = []
