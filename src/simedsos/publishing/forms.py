"""Forms of the social-account and publication pages (thin: services check the rules)."""

from django import forms

from .platforms.limits import account_platform_choices


class AccountCreateForm(forms.Form):
    work_unit = forms.TypedChoiceField(label="Satuan kerja", coerce=int)
    platform = forms.ChoiceField(label="Platform", choices=account_platform_choices)
    name = forms.CharField(label="Nama akun", max_length=200)
    handle = forms.CharField(
        label="Nama pengguna / id",
        max_length=200,
        help_text="Mis. @jdihkpukalteng (X, Telegram, Bluesky) atau nama Halaman.",
    )
    profile_url = forms.URLField(label="Alamat profil", required=False)
    external_id = forms.CharField(
        label="Id akun di platform",
        max_length=200,
        required=False,
        help_text="Id Halaman/akun Instagram/pengguna X/kanal YouTube/DID Bluesky, bila diketahui.",
    )
    page_id = forms.CharField(label="Id Halaman Facebook", max_length=100, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_unit"].choices = [(u.pk, u.name) for u in units]


class TelegramConnectForm(forms.Form):
    bot_token = forms.CharField(
        label="Token bot",
        widget=forms.PasswordInput(render_value=False),
        help_text="Dari @BotFather, mis. 123456:ABC-…; bot harus admin kanal dengan izin posting.",
    )
    chat_id = forms.CharField(
        label="Id kanal",
        max_length=100,
        help_text="@namakanal untuk kanal publik, atau id angka -100… untuk kanal privat.",
    )


class BlueskyConnectForm(forms.Form):
    identifier = forms.CharField(label="Handle atau email akun", max_length=200)
    app_password = forms.CharField(
        label="Sandi aplikasi",
        widget=forms.PasswordInput(render_value=False),
        help_text="Buat di Bluesky: Pengaturan → Privasi dan keamanan → Sandi aplikasi. "
        "Jangan memakai kata sandi utama akun.",
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="Keputusan",
        choices=[
            ("live", "Sudah tayang — saya sudah memeriksanya di platform"),
            ("resend", "Belum tayang — kirim ulang"),
        ],
        widget=forms.RadioSelect,
    )
    url = forms.URLField(label="Tautan unggahan", required=False, max_length=500)
    went_live_at = forms.DateTimeField(
        label="Waktu tayang",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "live" and not data.get("url"):
            self.add_error("url", "Isi tautan unggahan yang sudah tayang.")
        return data
