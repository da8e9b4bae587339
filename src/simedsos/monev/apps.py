from django.apps import AppConfig


class MonevConfig(AppConfig):
    name = "simedsos.monev"
    verbose_name = "Monitoring dan evaluasi SOP"
