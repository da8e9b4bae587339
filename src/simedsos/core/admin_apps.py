"""The admin app, with our site as the default one.

Kept apart from `admin_site.py` because settings load this module before any model exists.
"""

from django.contrib.admin.apps import AdminConfig


class SimedsosAdminConfig(AdminConfig):
    """Used in INSTALLED_APPS in place of "django.contrib.admin"."""

    default_site = "simedsos.core.admin_site.SimedsosAdminSite"
