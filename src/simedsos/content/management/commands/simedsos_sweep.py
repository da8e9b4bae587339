"""Run the periodic checks once (overdue steps); schedule it, e.g. every 5 minutes."""

from django.core.management.base import BaseCommand

from simedsos.content.overdue import overdue_sweep


class Command(BaseCommand):
    help = "Memeriksa langkah yang terlambat dan mengirim pemberitahuan (sekali jalan)."

    def handle(self, *args, **options) -> None:
        flagged = overdue_sweep()
        self.stdout.write(f"{flagged} langkah terlambat diberitahukan.")
