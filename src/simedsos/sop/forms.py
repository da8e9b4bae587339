"""Forms of the SOP editing pages: parse what was typed; the services judge it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from simedsos.accounts.roles import Role
from simedsos.sop.models import SopStep, SopVersion

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LinesField(forms.CharField):
    """A list of strings typed one per line in a textarea."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class ActorColumnsField(LinesField):
    """Flowchart columns typed as "KODE | Judul kolom", one per line."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(
                f"{c.get('role', '')} | {c.get('title', '')}" for c in value if isinstance(c, dict)
            )
        return value

    def to_python(self, value):
        columns = []
        errors = []
        for number, line in enumerate(super().to_python(value), start=1):
            role, sep, title = line.partition("|")
            role = role.strip().upper()
            if not sep:
                errors.append(
                    _("Baris %(n)s: tulis dengan format KODE | Judul kolom, mis. STAF | Staf.")
                    % {"n": number}
                )
                continue
            columns.append({"role": role, "title": title.strip()})
        if errors:
            raise forms.ValidationError(errors)
        return columns


class VersionIdentityForm(forms.Form):
    number = forms.CharField(label=_("Nomor SOP"), max_length=100, required=False)
    title = forms.CharField(label=_("Nama SOP"), max_length=400, required=False)
    organization_lines = LinesField(
        label=_("Nama instansi/unit kerja (satu baris per baris kop)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    made_on = forms.DateField(label=_("Tanggal pembuatan"), required=False, widget=DATE_WIDGET)
    revised_on = forms.DateField(label=_("Tanggal revisi"), required=False, widget=DATE_WIDGET)
    approver_name = forms.CharField(label=_("Disahkan oleh (nama)"), required=False)
    approver_position = forms.CharField(label=_("Disahkan oleh (jabatan)"), required=False)
    approver_nip = forms.CharField(label=_("NIP pejabat (18 angka)"), required=False)
    approval_place = forms.CharField(label=_("Disahkan di"), required=False)
    ratification_points = LinesField(label=_("Butir pengesahan (satu per baris)"))
    legal_basis = LinesField(label=_("Dasar hukum (satu per baris)"))
    executor_qualifications = LinesField(label=_("Kualifikasi pelaksana (satu per baris)"))
    related_sops = LinesField(label=_("Keterkaitan (satu per baris)"))
    equipment = LinesField(label=_("Peralatan/perlengkapan (satu per baris)"))
    warnings = LinesField(label=_("Peringatan (satu per baris)"))
    recording = LinesField(label=_("Pencatatan dan pendataan (satu per baris)"))
    actor_columns = ActorColumnsField(
        label=_("Kolom pelaksana (KODE | Judul kolom, satu per baris)"),
        help_text=_("Kode peran: %(codes)s.") % {"codes": ", ".join(Role.values)},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evaluation_note = forms.CharField(
        label=_("Catatan revisi / asal evaluasi"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @classmethod
    def initial_from(cls, version: SopVersion) -> dict:
        return {name: getattr(version, name) for name in cls.base_fields}


class StepForm(forms.Form):
    activity = forms.CharField(
        label=_("Kegiatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    actor_role = forms.ChoiceField(label=_("Pelaksana"), required=False)
    kind = forms.ChoiceField(label=_("Jenis"), choices=SopStep.Kind.choices)
    action = forms.ChoiceField(
        label=_("Tindakan sistem yang menyelesaikan langkah ini"),
        choices=[("", "—")] + list(SopStep.SystemAction.choices),
        required=False,
    )
    time_standard_minutes = forms.IntegerField(label=_("Waktu (menit)"), required=False)
    requirements = LinesField(
        label=_("Kelengkapan (satu per baris)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    output = forms.CharField(label=_("Output"), required=False, max_length=300)
    notes = forms.CharField(
        label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    return_to_number = forms.IntegerField(
        label=_("Jika tidak disetujui, kembali ke langkah"),
        required=False,
        help_text=_("Hanya untuk langkah keputusan."),
    )

    def __init__(self, *args, version: SopVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor_role"].choices = [("", "—")] + [
            (c.get("role"), c.get("title") or c.get("role"))
            for c in version.actor_columns
            if isinstance(c, dict)
        ]

    @classmethod
    def initial_from(cls, step: SopStep) -> dict:
        return {name: getattr(step, name) for name in cls.base_fields}


class PublishForm(forms.Form):
    effective_on = forms.DateField(label=_("Tanggal efektif"), widget=DATE_WIDGET)


class MoveForm(forms.Form):
    to_number = forms.IntegerField(label=_("Pindah ke posisi"), min_value=1)
