from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "simedsos.core"
    verbose_name = "Inti"
