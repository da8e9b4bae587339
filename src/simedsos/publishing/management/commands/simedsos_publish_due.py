"""`simedsos simedsos_publish_due`: enqueue publication jobs that are due or whose worker died."""

from django.core.management.base import BaseCommand

from simedsos.publishing.jobs import publications_due_sweep


class Command(BaseCommand):
    help = "Antrekan ulang unggahan yang sudah jatuh tempo atau yang pekerjanya berhenti."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--grace", type=float, default=30.0, help="detik kelonggaran sebelum dianggap macet"
        )

    def handle(self, *args, grace: float = 30.0, **options) -> None:
        import datetime

        count = publications_due_sweep(grace=datetime.timedelta(seconds=grace))
        self.stdout.write(f"{count} unggahan diantrekan ulang.")
