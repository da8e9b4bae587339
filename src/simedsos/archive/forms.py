"""Forms of the archive pages: thin parsing with Indonesian messages."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simedsos.archive.selectors import SEMESTER_1, SEMESTER_2, YEAR, ArchiveFilters, period_bounds
from simedsos.archive.services import FINISHED_STATUSES
from simedsos.content.models import ContentItem, ContentType
from simedsos.publishing.platforms.limits import account_platform_choices

MONTHS = [
    _("Januari"),
    _("Februari"),
    _("Maret"),
    _("April"),
    _("Mei"),
    _("Juni"),
    _("Juli"),
    _("Agustus"),
    _("September"),
    _("Oktober"),
    _("November"),
    _("Desember"),
]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ArchiveSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Cari judul, keterangan atau produk hukum"), required=False, max_length=200
    )
    date_from = forms.DateField(label=_("Selesai sejak"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("Selesai sampai"), required=False, widget=DATE_WIDGET)
    content_type = forms.ChoiceField(label=_("Jenis konten"), required=False)
    platform = forms.ChoiceField(label=_("Platform"), required=False)
    person = forms.TypedChoiceField(label=_("Pelaksana"), required=False, coerce=int)
    status = forms.ChoiceField(label=_("Status"), required=False)
    unit = forms.TypedChoiceField(label=_("Satuan kerja"), required=False, coerce=int)

    def __init__(self, *args, units=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Semua"))]
        self.fields["content_type"].choices = everything + list(ContentType.choices)
        self.fields["platform"].choices = everything + account_platform_choices()
        self.fields["person"].choices = everything + [(p.pk, p.get_full_name()) for p in people]
        self.fields["status"].choices = everything + [
            (value, label)
            for value, label in ContentItem.Status.choices
            if value in FINISHED_STATUSES
        ]
        self.fields["unit"].choices = everything + [(u.pk, u.name) for u in units]
        if len(units) < 2:
            del self.fields["unit"]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Tanggal akhir harus sama dengan atau setelah awal."))
        return data

    def filters(self) -> ArchiveFilters:
        if not self.is_bound or not self.is_valid():
            return ArchiveFilters()
        data = self.cleaned_data
        return ArchiveFilters(
            q=(data.get("q") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            content_type=data.get("content_type") or "",
            platform=data.get("platform") or "",
            person_id=data.get("person") or None,
            status=data.get("status") or "",
            unit_id=data.get("unit") or None,
        )


class ArchiveExportForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Satuan kerja"), coerce=int)
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    period = forms.ChoiceField(label=_("Periode"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
        self.fields["unit"].error_messages["invalid_choice"] = _(
            "Pilih satuan kerja yang arsipnya boleh Anda lihat."
        )
        self.fields["year"].initial = timezone.localdate().year
        self.fields["year"].error_messages["required"] = _("Isi tahun periode.")
        self.fields["period"].choices = [
            (YEAR, _("Setahun penuh")),
            (SEMESTER_1, _("Semester I (Januari–Juni)")),
            (SEMESTER_2, _("Semester II (Juli–Desember)")),
        ] + [(str(n), name) for n, name in enumerate(MONTHS, 1)]

    def bounds(self) -> tuple[datetime.date, datetime.date]:
        return period_bounds(self.cleaned_data["year"], self.cleaned_data["period"])
