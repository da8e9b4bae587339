"""The filter form of the audit log page."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from simedsos.accounts.models import User, WorkUnit
from simedsos.core.selectors import AuditFilters


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.username


class AuditFilterForm(forms.Form):
    actor = UserChoiceField(
        label=_("Pelaku"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— semua pelaku —"),
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
        self.fields["unit"].queryset = WorkUnit.objects.filter(pk__in=unit_ids).order_by("code")
        self.fields["actor"].queryset = (
            User.objects.filter(
                Q(memberships__work_unit_id__in=unit_ids)
                | Q(acting_assignments__work_unit_id__in=unit_ids)
            )
            .distinct()
            .order_by("full_name", "username")
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to", _("Tanggal akhir tidak boleh sebelum tanggal awal (%s).") % start
            )
        return cleaned

    def filters(self) -> AuditFilters:
        """The filters from the fields that are valid; invalid ones are left out."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        actor, unit = data.get("actor"), data.get("unit")
        return AuditFilters(
            object_type=data.get("object_type", ""),
            object_id=data.get("object_id", ""),
            actor_id=actor.pk if actor else None,
            action=data.get("action", "").strip(),
            unit_id=unit.pk if unit else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
