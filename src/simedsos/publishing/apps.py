from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "simedsos.publishing"
    verbose_name = "Publikasi"
