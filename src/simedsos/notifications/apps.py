from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "simedsos.notifications"
    verbose_name = "Pemberitahuan"
