from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "simedsos.core"
    verbose_name = "Inti"

    def ready(self) -> None:
        # Registers the sign-in receiver even before the first request loads the middleware.
        from simedsos.core import session_refresh  # noqa: F401
