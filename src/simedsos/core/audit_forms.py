"""The filter form of the audit log page."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse_lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from simedsos.accounts.forms import PersonFields, person_id_field, person_search_field
from simedsos.accounts.models import WorkUnit
from simedsos.core.selectors import AuditFilters


class QuickSelect(forms.Select):
    """A select whose options are written in one pass instead of one template each.

    A national reader chooses among 550 work units; rendered option by option through the
    form templates, that list alone took longer than the rest of the audit page.
    """

    def render(self, name, value, attrs=None, renderer=None) -> str:
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (choice, " selected" if str(choice) in chosen else "", label)
                for choice, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class AuditFilterForm(forms.Form):
    """The filters of the audit log page.

    People are found by typing, never listed: a national Pemantau sees thousands of users, and
    a list of them made the page grow with every account. `actor` is one person, set by the
    links in the event rows and kept as a hidden field so that other filters can be added.
    """

    actor_q = person_search_field(
        label=_("Pelaku: nama, nama pengguna, atau NIP"),
        help_text=_("Sebagian saja boleh, mis. “budi” atau awal NIP."),
        suggestions_id="audit-actor-suggestions",
        suggest_url=reverse_lazy("core:audit_actor_suggest"),
    )
    actor = person_id_field(
        not_found=_(
            "Pelaku yang diminta tidak ditemukan di satuan kerja yang dapat Anda lihat, "
            "jadi tidak ada peristiwa yang ditampilkan."
        )
    )
    action = forms.CharField(
        label=_("Tindakan"),
        required=False,
        max_length=100,
        help_text=_("Kode tindakan atau awalannya, mis. “sop” atau “sop.publish”."),
    )
    unit = forms.ModelChoiceField(
        label=_("Satuan kerja"),
        queryset=WorkUnit.objects.none(),
        required=False,
        empty_label=_("— semua satuan kerja —"),
        widget=QuickSelect,
    )
    date_from = forms.DateField(
        label=_("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Sampai tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    object_type = forms.CharField(label=_("Jenis objek"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Id objek"), required=False, max_length=64)

    def __init__(self, *args, unit_ids: set[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unit_ids = unit_ids
        units = WorkUnit.objects.filter(pk__in=unit_ids).order_by("code")
        unit_field = self.fields["unit"]
        unit_field.queryset = units  # validates a chosen unit: one row
        # The list is read as (id, name) pairs: no model object for each of 550 units.
        unit_field.widget.choices = [("", unit_field.empty_label), *units.values_list("pk", "name")]
        self.people = PersonFields(self, text="actor_q", chosen="actor", unit_ids=unit_ids)

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to", _("Tanggal akhir tidak boleh sebelum tanggal awal (%s).") % start
            )
        return cleaned

    def filters(self) -> AuditFilters:
        """The filters from the fields that are valid; other invalid ones are left out."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        unit = data.get("unit")
        return AuditFilters(
            object_type=data.get("object_type", ""),
            object_id=data.get("object_id", ""),
            actor_ids=self.people.result().ids,
            action=data.get("action", "").strip(),
            unit_id=unit.pk if unit else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
