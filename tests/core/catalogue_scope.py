"""Which sources each app-level English catalogue covers (shared by the test and by tooling)."""

from pathlib import Path

from django.conf import settings

PACKAGE_DIR = Path(settings.PACKAGE_DIR)
PROJECT_CATALOGUE = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"


PUBLISHING_TRANSLATED_FILES = {"oauth.py", "simedsos_rotate_credentials.py", "rotation.py"}


def _app_sources(app: str) -> list[Path]:
    from tests.core.msgids import source_files

    return list(source_files(PACKAGE_DIR / app))


def scope() -> dict[str, list[Path]]:
    """App → the template and Python files whose msgids its catalogue must translate."""
    return {
        "content": _app_sources("content"),
        "sop": _app_sources("sop"),
        "memos": _app_sources("memos"),
        # The 403 page lives in the project templates but belongs with core's pages.
        "core": [*_app_sources("core"), PACKAGE_DIR / "templates" / "403.html"],
        "notifications": _app_sources("notifications"),
        "worktime": _app_sources("worktime"),
        # The platform adapters (limits' labels, their refusal messages), the OAuth connection
        # and the key-rotation command so far; the rest of the publishing pages come later.
        "publishing": [
            p
            for p in _app_sources("publishing")
            if "platforms" in p.relative_to(PACKAGE_DIR).parts
            or p.name in PUBLISHING_TRANSLATED_FILES
        ],
    }


def app_catalogue(app: str) -> Path:
    return PACKAGE_DIR / app / "locale" / "en" / "LC_MESSAGES" / "django.po"
