from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "simedsos.accounts"
    verbose_name = "Akun dan satuan kerja"
