from django.apps import AppConfig


class SopConfig(AppConfig):
    name = "simedsos.sop"
    verbose_name = "SOP"
