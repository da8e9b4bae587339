"""Forms of the archive pages: thin parsing with Indonesian messages."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simedsos.accounts.forms import PersonFields, person_id_field, person_search_field
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
    """The archive's filters (GET).

    A person is found by typing, never listed: a national reader sees thousands of people, and
    a list of everyone who took part made the page grow with them. `person` is one person
    chosen by a link, kept as a hidden field while other filters change.
    """

    q = forms.CharField(
        label=_("Cari judul, keterangan atau produk hukum"), required=False, max_length=200
    )
    date_from = forms.DateField(label=_("Selesai sejak"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("Selesai sampai"), required=False, widget=DATE_WIDGET)
    content_type = forms.ChoiceField(label=_("Jenis konten"), required=False)
    platform = forms.ChoiceField(label=_("Platform"), required=False)
    person_q = person_search_field(
        label=_("Pelaksana: nama, nama pengguna, atau NIP"),
        help_text=_("Sebagian saja boleh, mis. “budi” atau awal NIP."),
        suggestions_id="archive-person-suggestions",
        suggest_url=reverse_lazy("archive:person_suggest"),
    )
    person = person_id_field(
        not_found=_(
            "Pelaksana yang diminta tidak ditemukan di satuan kerja yang dapat Anda lihat, "
            "jadi tidak ada konten yang ditampilkan."
        )
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    unit = forms.TypedChoiceField(label=_("Satuan kerja"), required=False, coerce=int)

    def __init__(self, *args, units=(), unit_ids: Iterable[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Semua"))]
        self.fields["content_type"].choices = everything + list(ContentType.choices)
        self.fields["platform"].choices = everything + account_platform_choices()
        self.fields["status"].choices = everything + [
            (value, label)
            for value, label in ContentItem.Status.choices
            if value in FINISHED_STATUSES
        ]
        self.fields["unit"].choices = everything + [(u.pk, u.name) for u in units]
        if len(units) < 2:
            del self.fields["unit"]
        # Anyone who took part in an item held (or holds, or acts in) a role in its unit, so
        # the people to look among are those of the visible units, in any role, past ones too.
        self.people = PersonFields(self, text="person_q", chosen="person", unit_ids=unit_ids)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Tanggal akhir harus sama dengan atau setelah awal."))
        return data

    def filters(self) -> ArchiveFilters:
        """The filters from the fields that are valid; an invalid one is left out, except a
        person: a person filter that cannot be applied shows no items, never everyone's."""
        if not self.is_bound:
            return ArchiveFilters()
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return ArchiveFilters(
            q=(data.get("q") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            content_type=data.get("content_type") or "",
            platform=data.get("platform") or "",
            person_ids=self.people.result().ids,
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
