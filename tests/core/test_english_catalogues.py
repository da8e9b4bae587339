"""English as the second locale: every translatable string of the built apps has an English
translation, the catalogues are well formed, and the main pages render in English.

The strings are found with Django's own `templatize` and Python's `ast` (tests/core/msgids.py),
so this runs where GNU gettext is not installed.
"""

from __future__ import annotations

import re

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from simedsos.core.management.commands.compilemessages_py import catalogue_paths
from tests.core.catalogue_scope import PROJECT_CATALOGUE, app_catalogue, scope
from tests.core.msgids import messages_in, python_messages, template_messages

pytestmark = pytest.mark.django_db

APPS = list(scope())
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdfr]")


def _catalogue(path) -> dict[str, polib.POEntry]:
    return {entry.msgid: entry for entry in polib.pofile(str(path)) if not entry.obsolete}


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _placeholders(text: str) -> list[str]:
    return sorted(match.group(0).replace(" ", "") for match in PLACEHOLDER.finditer(text))


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogues():
    # .mo files are build output (gitignored); make sure this checkout has them.
    call_command("compilemessages_py", verbosity=0)


@pytest.fixture(autouse=True)
def _back_to_indonesian():
    # LocaleMiddleware leaves the last request's language active in this thread.
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- finding the strings ----------------------------------------------------------------------


def test_template_extraction_reads_translate_and_blocktranslate():
    source = (
        '{% load i18n %}<h1>{% translate "Judul halaman" %}</h1>'
        '<p title="{% translate \'Petunjuk singkat\' %}">{{ x|default:_("(kosong)") }}</p>'
        "{% blocktranslate trimmed with who=user.name %}\n  Oleh {{ who }}\n{% endblocktranslate %}"
        "{% blocktranslate count n=rows|length %}{{ n }} baris{% plural %}{{ n }} baris"
        "{% endblocktranslate %} 100% bukan untuk diterjemahkan"
    )
    assert list(template_messages(source)) == [
        ("Judul halaman", None),
        ("Petunjuk singkat", None),
        ("(kosong)", None),
        ("Oleh %(who)s", None),
        ("%(n)s baris", "%(n)s baris"),
    ]


def test_python_extraction_reads_every_gettext_form():
    source = (
        "from django.utils.translation import gettext as _, gettext_lazy, ngettext\n"
        "A = gettext_lazy('Label malas')\n"
        "def f(n, label):\n"
        "    _(label)  # not a literal: nothing to extract\n"
        "    x = _('Satu ' 'kalimat %(n)s') % {'n': n}\n"
        "    return ngettext('%(n)s berkas', '%(n)s berkas', n), N_('Ditunda')\n"
    )
    assert sorted(python_messages(source)) == sorted(
        [
            ("Label malas", None),
            ("Satu kalimat %(n)s", None),
            ("%(n)s berkas", "%(n)s berkas"),
            ("Ditunda", None),
        ]
    )


# --- the catalogues ---------------------------------------------------------------------------


@pytest.mark.parametrize("app", APPS)
def test_every_string_of_the_app_has_an_english_translation(app):
    own = _catalogue(app_catalogue(app))
    project = _catalogue(PROJECT_CATALOGUE)
    found = messages_in(scope()[app])
    if app != "worktime":  # worktime has no user-facing text yet
        assert found
    missing = []
    for msgid, (plural, files) in found.items():
        entry = own.get(msgid) or project.get(msgid)
        names = sorted(str(f.name) for f in files)
        if entry is None or not all(t.strip() for t in _translations(entry)):
            missing.append((msgid, names))
        elif plural is not None and entry.msgid_plural != plural:
            missing.append((f"{msgid} (plural form)", names))
    assert missing == []


@pytest.mark.parametrize("app", APPS)
def test_catalogue_is_well_formed(app):
    po = polib.pofile(str(app_catalogue(app)))
    assert po.metadata["Language"] == "en"
    assert po.fuzzy_entries() == []
    assert po.untranslated_entries() == []
    for entry in po:
        for text in _translations(entry):
            # Same named placeholders (and as many positional ones) as the Indonesian text,
            # or the formatting raises KeyError / TypeError on an English page.
            assert _placeholders(text) == _placeholders(entry.msgid), entry.msgid
            assert text.startswith(" ") == entry.msgid.startswith(" "), entry.msgid
            assert text.endswith(" ") == entry.msgid.endswith(" "), entry.msgid


def test_a_string_has_one_english_translation_everywhere():
    # Django merges every catalogue into one; two translations of one msgid would make the
    # English depend on the order of INSTALLED_APPS.
    seen: dict[tuple[str, str], tuple[list[str], str]] = {}
    for path in [PROJECT_CATALOGUE, *(app_catalogue(app) for app in APPS)]:
        for entry in _catalogue(path).values():
            key = (entry.msgid, entry.msgid_plural)
            texts = _translations(entry)
            if key in seen:
                assert seen[key][0] == texts, (key, seen[key][1], path)
            else:
                seen[key] = (texts, str(path))


def test_compile_step_finds_the_app_catalogues():
    paths = set(catalogue_paths())
    assert PROJECT_CATALOGUE in paths
    for app in APPS:
        assert app_catalogue(app) in paths
        assert app_catalogue(app).with_suffix(".mo").is_file()


def test_django_reads_the_app_catalogues():
    with translation.override("en"):
        assert translation.gettext("Simpan konsep") == "Save draft"  # content
        assert translation.gettext("Lihat dokumen") == "View document"  # sop
        assert translation.gettext("Daftar nota dinas") == "Memo list"  # memos
        assert translation.gettext("Akses ditolak") == "Access denied"  # core (403)
        assert translation.gettext("Tandai dibaca") == "Mark as read"  # notifications
        assert translation.gettext("Unggah manual") == "Manual upload"  # publishing
    with translation.override("id"):
        assert translation.gettext("Simpan konsep") == "Simpan konsep"


# --- pages in English ---------------------------------------------------------------------------


@pytest.fixture
def world():
    from tests.content.builders import make_world

    return make_world()


def _english(client, user):
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="en"' in body
    return body


def _assert_english(body: str, english: list[str], indonesian: list[str]) -> None:
    assert [s for s in english if s not in body] == []
    assert [s for s in indonesian if s in body] == []


def test_my_tasks_in_english(client, world):
    from tests.content.builders import dispose

    dispose(world)
    body = _page(_english(client, world.staf), reverse("content:inbox"))
    _assert_english(
        body,
        ["1 step is waiting for you", "Work on it", "Arrived", "Infografis UU Pemilu"],
        ["langkah menunggu Anda", "Kerjakan", "Tiba"],
    )


def test_content_list_in_english(client, world):
    from tests.content.builders import dispose

    dispose(world)
    body = _page(_english(client, world.kabag), reverse("content:list"))
    _assert_english(
        body,
        [
            "Search titles",
            "All statuses",
            "Drafting",
            "Infographic",
            "Create a disposition",
            "Staff: name, username or NIP",
        ],
        ["Cari judul", "Semua status", "Penyusunan konsep", "Buat disposisi"],
    )
    body = _page(client, reverse("content:list") + "?person_q=zzz")
    _assert_english(
        body,
        ["No staff member in the work units you can see has a name, username or NIP matching"],
        ["Tidak ada staf di satuan kerja"],
    )


def test_item_page_in_english(client, world):
    from tests.content.builders import dispose

    item = dispose(world)
    body = _page(_english(client, world.kabag), reverse("content:item", args=[item.pk]))
    _assert_english(
        body,
        ["SOP step timeline", "Current step", "Infographic", "Urgent", "Change history"],
        ["Lini waktu langkah SOP", "Langkah sekarang", "Riwayat perubahan"],
    )
    # Data stays as entered: the SOP's own step names and the title are not translated.
    assert "Infografis UU Pemilu" in body


def test_draft_editor_in_english(client, world):
    from tests.content.builders import dispose

    item = dispose(world)
    body = _page(_english(client, world.staf), reverse("content:draft_edit", args=[item.pk]))
    _assert_english(
        body,
        ["Disposition instructions", "Start working"],
        ["Petunjuk disposisi", "Mulai mengerjakan"],
    )
    client.post(reverse("content:draft_edit", args=[item.pk]), {"start": "1"})
    body = _page(client, reverse("content:draft_edit", args=[item.pk]))
    _assert_english(
        body,
        ["Main caption", "Save draft", "Submit to reviewer", "Preview per platform"],
        ["Keterangan utama", "Simpan konsep", "Pratinjau per platform"],
    )


def test_review_page_in_english(client, world):
    from tests.content.builders import to_review

    item = to_review(world)
    body = _page(_english(client, world.kasubbag), reverse("content:review", args=[item.pk]))
    _assert_english(
        body,
        ["Start reviewing", "Contents of revision 1", "Approve", "Return for correction"],
        ["Mulai memeriksa", "Setujui", "Kembalikan untuk diperbaiki"],
    )


def test_sop_list_in_english(client, world):
    body = _page(_english(client, world.admin), reverse("sop:list"))
    _assert_english(
        body, ["View document", "In force", "Create a revision"], ["Lihat dokumen", "Berlaku"]
    )


def test_memo_list_in_english(client, world):
    from tests.content.builders import dispose

    dispose(world)
    body = _page(_english(client, world.kabag), reverse("memos:list"))
    _assert_english(
        body,
        ["Filter memos", "Disposition memo", "Reset"],
        ["Saring nota dinas", "Nota Dinas Disposisi", "Atur ulang"],
    )


def test_audit_log_in_english(client, world):
    from tests.content.builders import dispose

    dispose(world)
    body = _page(_english(client, world.admin), reverse("core:audit_log"))
    _assert_english(
        body,
        ["Filter the audit log", "Audit events, newest first", "IP address", "Actor: name, user"],
        ["Saring log audit", "Alamat IP", "Pelaku: nama"],
    )
    found = _page(client, reverse("core:audit_log") + f"?actor_q={world.staf.username}")
    _assert_english(found, ["Actors matching"], ["Pelaku yang cocok"])
    nobody = _page(client, reverse("core:audit_log") + "?actor_q=zzzz")
    _assert_english(nobody, ["No user in the work units you can see"], ["Tidak ada pengguna"])
    chosen = _page(client, reverse("core:audit_log") + f"?actor={world.staf.pk}")
    _assert_english(chosen, ["Showing events by", "Remove the actor filter"], ["Menampilkan"])
    stranger = _page(client, reverse("core:audit_log") + "?actor=abc")
    _assert_english(stranger, ["The requested actor was not found"], ["tidak ditemukan"])


def test_service_messages_follow_the_language():
    from simedsos.content.templatetags.content_pages import durasi

    with translation.override("en"):
        assert durasi(3900) == "1 h 5 min"
    assert durasi(3900) == "1 jam 5 menit"


def test_memo_text_stays_indonesian_for_an_english_reader(world):
    """The nota dinas is an official document: its generated text is Indonesian even when
    the official issuing it reads the pages in English."""
    from simedsos.memos.models import Memo
    from tests.content.builders import dispose

    with translation.override("en"):
        item = dispose(world)
    memo = Memo.objects.get(content_item=item)
    assert "(Infografis)" in memo.body and "Infographic" not in memo.body
    assert memo.body.startswith("Bersama ini disampaikan disposisi")


def test_records_keep_indonesian_capacity_labels_for_an_english_reader(world):
    """Stored capacities (disposition, step runs, audit log) are records shared by everyone:
    they do not switch to English because the acting official reads English pages."""
    from simedsos.content.models import Disposition, StepRun
    from simedsos.core.models import AuditEvent
    from tests.content.builders import dispose

    with translation.override("en"):
        item = dispose(world)
    disposition = Disposition.objects.get(item=item)
    first_run = StepRun.objects.filter(item=item, finished_at__isnull=False).get()
    event = AuditEvent.objects.filter(action="content.dispose").get()
    for label in (disposition.capacity, first_run.capacity, event.capacity):
        assert label.startswith("Kepala Bagian"), label
