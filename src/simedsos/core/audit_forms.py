"""The filter form of the audit log page."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse_lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from simedsos.accounts.models import User, WorkUnit
from simedsos.core.selectors import (
    ActorMatches,
    AuditFilters,
    audit_actor_search,
    users_of_units,
)


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

    actor_q = forms.CharField(
        label=_("Pelaku: nama, nama pengguna, atau NIP"),
        label_suffix="",  # the label already has its colon
        required=False,
        max_length=100,
        help_text=_("Sebagian saja boleh, mis. “budi” atau awal NIP."),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "list": "audit-actor-suggestions",
                # Suggestions (at most ten people) arrive as the reader types.
                "hx-get": reverse_lazy("core:audit_actor_suggest"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#audit-actor-suggestions",
                "hx-swap": "innerHTML",
            }
        ),
    )
    actor = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _(
                "Pelaku yang diminta tidak ditemukan di satuan kerja yang dapat Anda lihat, "
                "jadi tidak ada peristiwa yang ditampilkan."
            )
        },
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
        if self.data.get("actor"):
            # Resolving an id costs one query for that id; nothing here lists the users. Someone
            # outside the visible units is not found, so neither their name nor events show.
            # Built only when an id is given: a national reader's 550 unit ids cost time to bind.
            self.fields["actor"].queryset = users_of_units(unit_ids).only(
                "pk", "full_name", "username"
            )
        # Set by filters(): the people found by the typed text, or the one person chosen.
        self.actor_matches: ActorMatches | None = None
        self.actor_person: User | None = None

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to", _("Tanggal akhir tidak boleh sebelum tanggal awal (%s).") % start
            )
        return cleaned

    def _actor_ids(self, data: dict) -> frozenset[int] | None:
        """The people to show events of: None for anyone, empty when nobody qualifies.

        A person filter that cannot be applied shows no events rather than everyone's: the
        reader asked about someone and must not mistake all events for theirs. Typed text
        replaces a person chosen by link: the form carries that person along as a hidden
        field, so both arrive only when the reader has typed someone new.
        """
        if "actor" in self.errors or "actor_q" in self.errors:
            return frozenset()
        if text := data.get("actor_q", ""):
            self.actor_matches = audit_actor_search(text, unit_ids=self.unit_ids)
            return self.actor_matches.ids
        if actor := data.get("actor"):
            self.actor_person = actor
            return frozenset({actor.pk})
        return None

    def filters(self) -> AuditFilters:
        """The filters from the fields that are valid; other invalid ones are left out."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        unit = data.get("unit")
        return AuditFilters(
            object_type=data.get("object_type", ""),
            object_id=data.get("object_id", ""),
            actor_ids=self._actor_ids(data),
            action=data.get("action", "").strip(),
            unit_id=unit.pk if unit else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
