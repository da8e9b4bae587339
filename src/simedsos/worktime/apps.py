from django.apps import AppConfig


class WorktimeConfig(AppConfig):
    name = "simedsos.worktime"
    verbose_name = "Hari dan jam kerja"

    def ready(self) -> None:
        # Holiday edits (admin) must reach the cache's receivers even if no page asked yet.
        from simedsos.worktime import holidays  # noqa: F401
