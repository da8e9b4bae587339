"""Compile the .po catalogues to .mo with polib, so no GNU gettext is needed on the host."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogue_paths() -> list[Path]:
    """The project catalogues (LOCALE_PATHS) and every app's own `<app>/locale/`."""
    found: list[Path] = []
    for locale_dir in settings.LOCALE_PATHS:
        found.extend(Path(locale_dir).glob("*/LC_MESSAGES/*.po"))
    # Django reads `<app>/locale/` of every installed app by itself; those need .mo files too.
    found.extend(Path(settings.PACKAGE_DIR).glob("*/locale/*/LC_MESSAGES/*.po"))
    return sorted(set(found))


class Command(BaseCommand):
    help = "Mengompilasi berkas terjemahan (.po → .mo) tanpa GNU gettext."
    requires_system_checks: list = []

    def handle(self, *args, **options) -> None:
        for po_path in catalogue_paths():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            self.stdout.write(f"{po_path} → {mo_path.name}")
