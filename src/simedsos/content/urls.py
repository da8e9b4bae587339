"""URLs of the content pages."""

from django.urls import path  # noqa: F401

from simedsos.content.draft_urls import urlpatterns as draft_urlpatterns

app_name = "content"
urlpatterns: list = []
# The draft editor, submission and review pages (content/draft_urls.py).
urlpatterns += draft_urlpatterns
