from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "simedsos.content"
    verbose_name = "Konten"
