"""The report's filter: which unit and which period."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from simedsos.reports.selectors import MAX_PERIOD_DAYS, Period


class ReportForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Satuan kerja"), coerce=int)
    start = forms.DateField(label=_("Dari tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Sampai tanggal"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in units}
        self.fields["unit"].choices = [(u.pk, f"{u.code} — {u.name}") for u in units]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(
                    _("Tanggal akhir tidak boleh sebelum tanggal awal."), code="order"
                )
            if (end - start).days > MAX_PERIOD_DAYS:
                raise forms.ValidationError(
                    _("Periode laporan paling panjang dua tahun."), code="too_long"
                )
        return data

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])

    @property
    def unit_obj(self):
        return self.units[self.cleaned_data["unit"]]
