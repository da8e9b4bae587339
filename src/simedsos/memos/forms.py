"""Forms of the memo pages: thin parsing with Indonesian messages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from simedsos.memos.models import Memo, MemoKind, Sifat
from simedsos.memos.selectors import MemoFilters
from simedsos.memos.verification import MAX_VERIFY_UPLOAD_BYTES


class MemoFilterForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Satuan kerja"), required=False, coerce=int)
    kind = forms.ChoiceField(label=_("Jenis"), required=False)
    year = forms.TypedChoiceField(label=_("Tahun"), required=False, coerce=int)
    sifat = forms.ChoiceField(label=_("Sifat"), required=False)
    q = forms.CharField(label=_("Cari nomor atau hal"), required=False, max_length=100)

    def __init__(self, *args, units=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Semua"))]
        self.fields["unit"].choices = everything + [(u.pk, u.name) for u in units]
        self.fields["kind"].choices = everything + list(MemoKind.choices)
        self.fields["year"].choices = everything + [(y, str(y)) for y in years]
        self.fields["sifat"].choices = everything + list(Sifat.choices)

    def filters(self) -> MemoFilters:
        if not self.is_valid():
            return MemoFilters()
        data = self.cleaned_data
        return MemoFilters(
            unit_id=data.get("unit") or None,
            kind=data.get("kind") or "",
            year=data.get("year") or None,
            sifat=data.get("sifat") or "",
            query=(data.get("q") or "").strip(),
        )


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas yang akan dicocokkan"),
        error_messages={
            "required": _("Pilih berkas PDF nota dinas yang ingin dicocokkan."),
            "empty": _("Berkas yang diunggah kosong."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_VERIFY_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (%(size)s MB). Batas ukuran berkas adalah %(max)s MB."),
                params={
                    "size": f"{upload.size / 1024 / 1024:.1f}",
                    "max": MAX_VERIFY_UPLOAD_BYTES // 1024 // 1024,
                },
            )
        return upload


class MemoFieldsForm(forms.ModelForm):
    """The editable fields of a memo before it is issued (prefilled from the content item).

    The issuing service saves what this form cleaned; once issued, a memo is never edited.
    """

    carbon_copies = forms.CharField(
        label=_("Tembusan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Satu penerima tembusan per baris."),
    )

    class Meta:
        model = Memo
        fields = [
            "issued_on",
            "recipient",
            "sender",
            "carbon_copies",
            "sifat",
            "attachment_count",
            "subject",
            "body",
            "signer_name",
            "signer_position",
            "signer_nip",
            "signer_acting_kind",
            "place",
        ]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "body": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer_acting_kind"] = forms.ChoiceField(
            label=_("Plt./Plh."),
            required=False,
            choices=[("", _("Tidak (pejabat definitif)")), ("PLT", "Plt."), ("PLH", "Plh.")],
        )
        if self.instance and isinstance(self.instance.carbon_copies, list):
            self.initial.setdefault("carbon_copies", "\n".join(self.instance.carbon_copies))

    def clean_carbon_copies(self) -> list[str]:
        raw = self.cleaned_data.get("carbon_copies") or ""
        if isinstance(raw, list):
            return [str(line).strip() for line in raw if str(line).strip()]
        return [line.strip() for line in raw.splitlines() if line.strip()]

    def clean_signer_nip(self) -> str:
        nip = (self.cleaned_data.get("signer_nip") or "").strip()
        if nip and (len(nip) != 18 or not nip.isdigit()):
            raise forms.ValidationError(
                _("NIP harus terdiri atas tepat 18 angka tanpa spasi atau tanda baca.")
            )
        return nip
