"""Load the seed SOP on first start (idempotent)."""

from django.core.management.base import BaseCommand

from simedsos.sop.services import sop_seed_load


class Command(BaseCommand):
    help = "Memuat SOP bawaan bila belum ada."

    def handle(self, *args, **options) -> None:
        sop, created = sop_seed_load()
        if created:
            self.stdout.write(self.style.SUCCESS(f"SOP bawaan dimuat: {sop.title}"))
        else:
            self.stdout.write(f"SOP bawaan sudah ada: {sop.title}")
