"""Load the seed SOP on first start (idempotent)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Memuat SOP bawaan bila belum ada."

    def handle(self, *args, **options) -> None:
        pass
