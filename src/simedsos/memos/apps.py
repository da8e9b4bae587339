from django.apps import AppConfig


class MemosConfig(AppConfig):
    name = "simedsos.memos"
    verbose_name = "Nota Dinas"
