from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "simedsos.archive"
    verbose_name = "Arsip"

    def ready(self) -> None:
        from simedsos.core.audit import AUDIT_ACTION_LABELS

        AUDIT_ACTION_LABELS["archive.package_build"] = "membuat paket dokumentasi"
        AUDIT_ACTION_LABELS["archive.export"] = "mengekspor arsip satu periode"
