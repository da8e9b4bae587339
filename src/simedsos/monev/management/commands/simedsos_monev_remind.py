"""Remind Admins and Kepala Bagian of semester SOP reviews that are due and not signed."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from simedsos.monev.services import monev_reminders_due


class Command(BaseCommand):
    help = "Kirim pengingat monitoring dan evaluasi SOP semesteran yang belum ditandatangani."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Tanggal acuan (YYYY-MM-DD); bawaan hari ini.")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError("Tanggal harus berformat YYYY-MM-DD.") from exc
        sent = monev_reminders_due(today=day)
        self.stdout.write(f"{sent} pengingat monev dikirim.")
