from django.apps import AppConfig


class WorktimeConfig(AppConfig):
    name = "simedsos.worktime"
    verbose_name = "Hari dan jam kerja"
