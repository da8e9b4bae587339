"""Forms of the content pages: they parse input; the services decide and refuse."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from simedsos.accounts.forms import PersonFields, person_id_field, person_search_field
from simedsos.accounts.roles import Role
from simedsos.content.models import ContentItem, ContentType
from simedsos.content.page_selectors import unit_accounts, unit_staff, validation_messages
from simedsos.content.services import ITEM_PRIORITIES
from simedsos.publishing.platforms.limits import Platform, account_platform_choices

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"
DATETIME_INPUT_FORMATS = [LOCAL_INPUT_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
LEGAL_PRODUCT_ROWS = 3
OPENED_SALT = "simedsos.content.form-opened"
# A form left open longer than this is measured from when it was sent, not opened.
OPENED_MAX_AGE = datetime.timedelta(days=1)
MEMO_FIELDS = ("recipient", "sender", "subject", "body", "carbon_copies", "external_number")


# --- when the form was opened: signed so the step's working time cannot be forged -----------


def opened_token(kind: str, user_id: int, at: datetime.datetime | None = None) -> str:
    at = at or timezone.now()
    return signing.dumps({"k": kind, "u": user_id, "t": at.timestamp()}, salt=OPENED_SALT)


def opened_at_from(token: str | None, kind: str, user_id: int) -> datetime.datetime | None:
    """The moment the form was opened, or None when the token is missing, forged or stale."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=OPENED_SALT, max_age=OPENED_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("k") != kind or data.get("u") != user_id:
        return None
    return datetime.datetime.fromtimestamp(float(data["t"]), tz=datetime.UTC)


# --- widgets ---------------------------------------------------------------------------------


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=LOCAL_INPUT_FORMAT, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; an empty selection is an empty list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def local_now_value() -> str:
    return timezone.localtime().strftime(LOCAL_INPUT_FORMAT)


def datetime_field(label: str, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=LocalDateTimeInput(),
        input_formats=DATETIME_INPUT_FORMATS,
        help_text=help_text,
        error_messages={
            "invalid": gettext_lazy("Tulis tanggal dan jam dengan benar (hh-bb-tttt jj:mm).")
        },
    )


# --- memo fields shared by the disposition and the upload order ------------------------------


class MemoFieldsMixin:
    """Nota dinas fields, named memo_*, prefilled and sent to the service only when changed."""

    memo_error_fields = {f"memo_{n}" for n in (*MEMO_FIELDS, "issued_on")}

    def add_memo_fields(self, defaults: dict[str, Any]) -> None:
        self.memo_defaults = defaults
        self.fields["memo_recipient"] = forms.CharField(
            label=_("Yth. (penerima)"), required=False, max_length=300
        )
        self.fields["memo_sender"] = forms.CharField(
            label=_("Dari"), required=False, max_length=300
        )
        self.fields["memo_subject"] = forms.CharField(
            label=_("Hal"),
            required=False,
            max_length=300,
            help_text=_("Kosongkan agar dibuat otomatis dari isian di atas."),
        )
        self.fields["memo_body"] = forms.CharField(
            label=_("Isi nota dinas"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 6}),
            help_text=_("Kosongkan agar dibuat otomatis dari isian di atas."),
        )
        self.fields["memo_carbon_copies"] = forms.CharField(
            label=_("Tembusan"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("Satu penerima tembusan per baris."),
        )
        self.fields["memo_external_number"] = forms.CharField(
            label=_("Nomor nota dinas dari luar sistem (mis. SRIKANDI)"),
            required=False,
            max_length=120,
            help_text=_("Kosongkan agar nomor diambil dari register satuan kerja."),
        )
        self.fields["memo_issued_on"] = forms.DateField(
            label=_("Tanggal nota dinas"),
            required=False,
            widget=DateInput(),
            error_messages={"invalid": _("Tulis tanggal dengan benar.")},
        )
        for name in MEMO_FIELDS:
            value = defaults.get(name, "")
            if isinstance(value, list):
                value = "\n".join(value)
            self.fields[f"memo_{name}"].initial = value or ""
        self.fields["memo_issued_on"].initial = timezone.localdate()

    def memo_fields(self, defaults: dict[str, Any] | None = None) -> dict[str, Any]:
        """The memo fields the user changed (blank subject/body mean: write it for me)."""
        defaults = self.memo_defaults if defaults is None else defaults
        data = self.cleaned_data
        changed: dict[str, Any] = {}
        for name in ("recipient", "sender", "subject", "body"):
            value = (data.get(f"memo_{name}") or "").strip()
            if value and value != str(defaults.get(name) or "").strip():
                changed[name] = value
        copies = [c.strip() for c in (data.get("memo_carbon_copies") or "").splitlines()]
        copies = [c for c in copies if c]
        if copies != list(defaults.get("carbon_copies") or []):
            changed["carbon_copies"] = copies
        external = (data.get("memo_external_number") or "").strip()
        if external:
            changed["external_number"] = external
        issued_on = data.get("memo_issued_on")
        if issued_on and issued_on != timezone.localdate():
            changed["issued_on"] = issued_on
        return changed

    @property
    def memo_has_errors(self) -> bool:
        return any(name in self.errors for name in self.memo_error_fields)

    field_map: dict[str, str] = {}

    def apply_service_error(self, exc: ValidationError) -> None:
        """Show a service refusal on the fields it names (the rest above the form)."""
        for key, messages in validation_messages(exc).items():
            name = self.field_map.get(key, key)
            if key in MEMO_FIELDS or key == "issued_on":
                name = f"memo_{key}"
            if name not in self.fields:
                name = None
            for message in messages:
                self.add_error(name, message)


# --- step 1 ----------------------------------------------------------------------------------


class DisposeForm(MemoFieldsMixin, forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Judul konten"),
        max_length=300,
        error_messages={"required": gettext_lazy("Judul konten wajib diisi.")},
    )
    instruction = forms.CharField(
        label=gettext_lazy("Petunjuk"),
        error_messages={"required": gettext_lazy("Petunjuk pembuatan konten wajib diisi.")},
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Apa yang harus dibuat, pesan utamanya, dan bahan yang dipakai."),
    )
    content_type = forms.ChoiceField(
        label=gettext_lazy("Jenis konten"),
        choices=ContentType.choices,
        error_messages={"required": gettext_lazy("Pilih jenis konten.")},
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Sifat"),
        choices=[(p.value, p.label) for p in ITEM_PRIORITIES],
        initial=ITEM_PRIORITIES[0].value,
        widget=forms.RadioSelect,
    )
    deadline = datetime_field(gettext_lazy("Tenggat (boleh kosong)"))
    target_accounts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Akun tujuan"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Pilih sekurang-kurangnya satu akun tujuan.")},
    )
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Staf pelaksana"),
        queryset=None,
        empty_label=gettext_lazy("— pilih staf —"),
        error_messages={"required": gettext_lazy("Pilih staf pelaksana.")},
    )
    attachments = MultipleFileField(
        label=gettext_lazy("Bahan (lampiran, boleh lebih dari satu berkas)"), required=False
    )
    opened = forms.CharField(widget=forms.HiddenInput, required=False)

    field_map = {"legal_products": "__all__"}

    def __init__(self, *args: Any, unit_id: int, memo_defaults: dict[str, Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        accounts = unit_accounts(unit_id)
        self.fields["target_accounts"].queryset = accounts
        self.fields["assignee"].queryset = unit_staff([unit_id])
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name()
        if not self.is_bound:
            # Most content goes to every account of the unit: start with all ticked.
            self.fields["target_accounts"].initial = [a.pk for a in accounts]
        for n in range(1, LEGAL_PRODUCT_ROWS + 1):
            self.fields[f"lp_title_{n}"] = forms.CharField(
                label=_("Judul"), required=False, max_length=500
            )
            self.fields[f"lp_number_{n}"] = forms.CharField(
                label=_("Nomor"), required=False, max_length=200
            )
            self.fields[f"lp_url_{n}"] = forms.CharField(
                label=_("Tautan"), required=False, max_length=500
            )
        self.add_memo_fields(memo_defaults)

    def legal_rows(self) -> list[tuple]:
        return [
            (n, self[f"lp_title_{n}"], self[f"lp_number_{n}"], self[f"lp_url_{n}"])
            for n in range(1, LEGAL_PRODUCT_ROWS + 1)
        ]

    @property
    def legal_open(self) -> bool:
        """Show the legal-product rows when something was typed there or refused."""
        if not self.is_bound:
            return False
        names = [f"lp_{part}_{n}" for part in ("title", "number", "url") for n in (1, 2, 3)]
        return any(self.data.get(name) for name in names) or bool(self.non_field_errors())

    def legal_products(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        return [
            {
                "title": data.get(f"lp_title_{n}", ""),
                "number": data.get(f"lp_number_{n}", ""),
                "url": data.get(f"lp_url_{n}", ""),
            }
            for n in range(1, LEGAL_PRODUCT_ROWS + 1)
        ]


# --- step 5 ----------------------------------------------------------------------------------


class UploadOrderForm(MemoFieldsMixin, forms.Form):
    publish_at = datetime_field(
        gettext_lazy("Jadwal unggah (boleh kosong)"),
        help_text=gettext_lazy("Kosongkan agar konten segera diunggah."),
    )
    opened = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, memo_defaults: dict[str, Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.add_memo_fields(memo_defaults)


# --- step 6 ----------------------------------------------------------------------------------


class PublicationRowForm(forms.Form):
    """One target account: its post's address and time, or why it was not posted."""

    url = forms.CharField(label=gettext_lazy("Tautan unggahan"), required=False, max_length=500)
    went_live_at = datetime_field(gettext_lazy("Waktu tayang"))
    evidence = forms.FileField(
        label=gettext_lazy("Bukti (tangkapan layar, boleh kosong)"), required=False
    )
    reason = forms.CharField(
        label=gettext_lazy("Atau: alasan tidak diunggah"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, publication: Any, **kwargs: Any):
        kwargs.setdefault("prefix", f"pub{publication.pk}")
        super().__init__(*args, **kwargs)
        self.publication = publication
        platform = Platform(publication.account.platform).label
        self.fields["url"].widget.attrs.update(
            {
                "inputmode": "url",
                "placeholder": _("https://… (alamat unggahan di %(platform)s)")
                % {"platform": platform},
            }
        )
        if not self.is_bound:
            self.fields["went_live_at"].initial = local_now_value()

    @property
    def intent(self) -> str:
        """ "record", "skip" (not published) or "" (row left empty)."""
        data = getattr(self, "cleaned_data", {})
        if (data.get("url") or "").strip():
            return "record"
        if (data.get("reason") or "").strip():
            return "skip"
        return ""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("url") or "").strip() and (data.get("reason") or "").strip():
            raise ValidationError(
                _("Isi tautan unggahan ATAU alasan tidak diunggah, tidak keduanya.")
            )
        return data


def status_choices() -> list[tuple[str, str]]:
    return [("", _("Semua status")), *ContentItem.Status.choices]


class ItemFilterForm(forms.Form):
    """The content list's filters (GET). Unknown values are ignored, not refused, except a
    person: a staff filter that cannot be applied shows no items (and says why), never all."""

    q = forms.CharField(label=gettext_lazy("Cari judul"), required=False, max_length=200)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=status_choices)
    step = forms.TypedChoiceField(
        label=gettext_lazy("Langkah"), required=False, coerce=int, empty_value=None
    )
    content_type = forms.ChoiceField(
        label=gettext_lazy("Jenis konten"),
        required=False,
        choices=[("", gettext_lazy("Semua jenis")), *ContentType.choices],
    )
    # Staff are found by typing, never listed: a national reader sees thousands of them.
    person_q = person_search_field(
        label=gettext_lazy("Staf: nama, nama pengguna, atau NIP"),
        help_text=gettext_lazy("Sebagian saja boleh, mis. “budi” atau awal NIP."),
        suggestions_id="staff-suggestions",
        suggest_url=reverse_lazy("content:staff_suggest"),
    )
    # One staff member chosen by a link (a row's Staf column, a match of the search).
    person = person_id_field(
        not_found=gettext_lazy(
            "Staf yang diminta tidak ditemukan di satuan kerja yang dapat Anda lihat, "
            "jadi tidak ada konten yang ditampilkan."
        )
    )
    platform = forms.ChoiceField(
        label=gettext_lazy("Platform"),
        required=False,
        choices=[("", gettext_lazy("Semua platform")), *account_platform_choices()],
    )
    date_from = forms.DateField(
        label=gettext_lazy("Dibuka sejak"), required=False, widget=DateInput()
    )
    date_to = forms.DateField(label=gettext_lazy("Sampai"), required=False, widget=DateInput())

    def __init__(self, *args: Any, steps: list, unit_ids: Iterable[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [("", _("Semua langkah")), *steps]
        # Items are assigned to staff of their own unit, so the people to look among are
        # those who hold (or held, or act in) the STAF role in the units the reader sees.
        self.people = PersonFields(
            self, text="person_q", chosen="person", unit_ids=unit_ids, role=Role.STAF
        )

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            # Keep the valid parts: a bad date must not hide the list.
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        else:
            data = self.cleaned_data
        return {
            "q": data.get("q") or None,
            "status": data.get("status") or None,
            "step_number": data.get("step"),
            "content_type": data.get("content_type") or None,
            "assignee_ids": self.people.result().ids,
            "platform": data.get("platform") or None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
