"""Forms of the draft editor, the submission page and the review page: parsing only."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simedsos.content.models import DraftRevision
from simedsos.publishing.platforms.limits import Platform

OPENED_AT_SALT = "simedsos.content.opened_at"
OPENED_AT_MAX_AGE = datetime.timedelta(days=1)
HASHTAG_SPLIT = re.compile(r"[\s,;]+")


def sign_opened_at(moment: datetime.datetime | None = None) -> str:
    """When a page was opened, signed so the browser cannot move it."""
    return signing.dumps((moment or timezone.now()).isoformat(), salt=OPENED_AT_SALT)


def unsign_opened_at(value: str | None) -> datetime.datetime | None:
    """The moment signed by `sign_opened_at`, or None when missing, forged or too old."""
    if not value:
        return None
    try:
        raw = signing.loads(value, salt=OPENED_AT_SALT, max_age=OPENED_AT_MAX_AGE)
        return datetime.datetime.fromisoformat(raw)
    except (signing.BadSignature, ValueError, TypeError):
        return None


def variant_field_name(platform: Platform | str) -> str:
    return f"variant_{Platform(platform).value}"


class DraftForm(forms.Form):
    """The text of the draft; one variant field per target platform of the item."""

    caption = forms.CharField(
        label=_("Keterangan utama"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Dipakai untuk semua platform yang tidak diberi keterangan khusus."),
    )
    hashtags = forms.CharField(
        label=_("Tagar"),
        required=False,
        help_text=_("Pisahkan dengan spasi atau koma, mis. #JDIH #KPU."),
    )
    links = forms.CharField(
        label=_("Tautan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Satu tautan per baris, awali dengan https://."),
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, platforms: Sequence[Platform] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.platforms = list(platforms)
        for platform in self.platforms:
            self.fields[variant_field_name(platform)] = forms.CharField(
                label=_("Keterangan khusus %(p)s") % {"p": platform.label},
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Kosongkan untuk memakai keterangan utama."),
            )

    @classmethod
    def initial_from(cls, draft) -> dict:
        initial = {
            "caption": draft.caption,
            "hashtags": " ".join(f"#{t}" for t in draft.hashtags or []),
            "links": "\n".join(draft.links or []),
            "base_version": draft.version,
        }
        for key, text in (draft.variants or {}).items():
            initial[f"variant_{key}"] = text
        return initial

    def variant_fields(self):
        return [self[variant_field_name(p)] for p in self.platforms]

    def variants(self) -> dict[str, str]:
        return {p.value: self.cleaned_data.get(variant_field_name(p)) or "" for p in self.platforms}

    def hashtag_list(self) -> list[str]:
        return [t for t in HASHTAG_SPLIT.split(self.cleaned_data.get("hashtags") or "") if t]

    def link_list(self) -> list[str]:
        return [
            line.strip()
            for line in (self.cleaned_data.get("links") or "").splitlines()
            if line.strip()
        ]


class MediaUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Unggah gambar atau video"),
        help_text=_("JPEG, PNG, WebP, GIF, MP4 atau MOV. Berkas diperiksa dari isinya."),
        error_messages={"required": _("Pilih berkas gambar atau video yang akan diunggah.")},
    )


class MediaUpdateForm(forms.Form):
    alt_text = forms.CharField(
        label=_("Teks alternatif"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    position = forms.IntegerField(required=False, min_value=0)


class SubmitForm(forms.Form):
    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)


def comment_field_choices(revision: DraftRevision, media_names: dict[int, str]) -> list:
    choices = [("", _("Konsep secara umum")), ("caption", _("Keterangan utama"))]
    for key in revision.variants or {}:
        try:
            label = Platform(key).label
        except ValueError:
            continue
        choices.append((f"variant:{key}", _("Keterangan khusus %(p)s") % {"p": label}))
    choices += [("hashtags", _("Tagar")), ("links", _("Tautan"))]
    for entry in revision.media or []:
        media_id = entry.get("media_id")
        name = media_names.get(media_id) or entry.get("original_name") or media_id
        choices.append((f"media:{media_id}", _("Media: %(name)s") % {"name": name}))
    return choices


class ReviewCommentForm(forms.Form):
    field = forms.ChoiceField(label=_("Bagian"), required=False)
    text = forms.CharField(
        label=_("Catatan koreksi"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Catatan koreksi wajib diisi.")},
    )

    def __init__(self, *args, field_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = list(field_choices)


class ReviewDecisionForm(forms.Form):
    APPROVE = "approve"
    RETURN = "return"

    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Setujui")), (RETURN, _("Kembalikan untuk diperbaiki"))]
    )
    comment = forms.CharField(
        label=_("Catatan untuk penyusun"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib diisi bila konsep dikembalikan."),
    )
    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Catatan perbaikan wajib diisi saat mengembalikan konsep."))
        return data
