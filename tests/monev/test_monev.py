"""Monitoring pre-filled from the measured figures, sign-off, evaluation, revision, reminders."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from simedsos.accounts.authz import AuthorizationError
from simedsos.core.models import AuditEvent
from simedsos.monev import services
from simedsos.monev.models import EVALUATION_QUESTIONS, Evaluation, FormStatus, Monitoring
from simedsos.notifications.models import Notification
from simedsos.reports.selectors import Period, semester_label
from simedsos.sop.models import SopVersion
from tests.factories import Role, make_acting, make_user
from tests.reports.dataset import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return build()


def prefill(data, actor=None, **kw):
    w = data.world
    return services.monitoring_prefill(
        actor=actor or w.kabag, sop_version=w.version, unit=w.unit, year=2026, half=1, **kw
    )


def _text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def test_prefill_for_a_semester_with_known_breaches(data):
    m = prefill(data)
    rows = {r.number: r for r in m.rows.all()}
    assert sorted(rows) == [1, 2, 3, 4, 5, 6]
    # Step 2: 5 runs, 3 over the 60-minute standard (60%), median 70 min = 10 min over.
    r2 = rows[2]
    assert r2.procedure == "Menghimpun bahan dan membuat konsep konten"
    assert r2.berjalan_baik is False  # 40% within < 80%
    assert "Langkah 2" in r2.catatan
    assert "dijalankan 5 kali" in r2.catatan
    assert "3 kali (60,0%) melebihi waktu baku 60 menit" in r2.catatan
    assert "Median waktu kerja 1 jam 10 menit (10 menit di atas waktu baku)" in r2.catatan
    assert "persentil ke-90 1 jam 54 menit" in r2.catatan
    assert "median kelebihannya 30 menit" in r2.catatan
    assert "waktu baku 60 menit" in r2.tindakan
    # Step 4: 2 of 5 over 5 minutes; median 4 minutes is within.
    r4 = rows[4]
    assert r4.berjalan_baik is False  # 60% within
    assert "2 kali (40,0%) melebihi waktu baku 5 menit" in r4.catatan
    assert "di atas waktu baku" not in r4.catatan
    # Step 6: 3 of 4 over 1 minute, median 2,5 minutes = 1,5 over.
    assert "(1,5 menit di atas waktu baku)" in rows[6].catatan
    # Steps 1, 3, 5: all within.
    for n in (1, 3, 5):
        assert rows[n].berjalan_baik is True
        assert "seluruhnya dalam waktu baku" in rows[n].catatan
        assert rows[n].tindakan == "Pertahankan pelaksanaan sesuai SOP."
    # The figures are kept with the form as they were measured.
    assert m.figures["2"]["breaches"] == 3
    assert m.figures["2"]["working_median"] == pytest.approx(4200)
    assert AuditEvent.objects.filter(action="monev.monitoring.prefill").count() == 1


def test_prefill_of_a_semester_without_runs_leaves_the_assessment_open(data):
    w = data.world
    m = services.monitoring_prefill(
        actor=w.kabag, sop_version=w.version, unit=w.unit, year=2025, half=2
    )
    assert {r.berjalan_baik for r in m.rows.all()} == {None}
    assert "tidak ada pelaksanaan" in m.rows.first().catatan


def test_prefill_refused_for_others_and_bad_input(data):
    w = data.world
    for who in (w.staf, w.kasubbag, w.pemantau, w.other[Role.KABAG]):
        with pytest.raises(AuthorizationError):
            prefill(data, actor=who)
    with pytest.raises(ValidationError, match="belum dimulai"):
        services.monitoring_prefill(
            actor=w.kabag, sop_version=w.version, unit=w.unit, year=2099, half=1
        )
    foreign = SopVersion.objects.get(sop__work_unit=w.other_unit, status="PUBLISHED")
    with pytest.raises(ValidationError, match="bukan milik"):
        services.monitoring_prefill(
            actor=w.kabag, sop_version=foreign, unit=w.unit, year=2026, half=1
        )
    assert not Monitoring.objects.exists()


def test_sign_off_needs_every_row_assessed_then_freezes(data):
    w = data.world
    w.admin.full_name = "Budi Santoso, S.H."
    w.admin.save()
    m = prefill(data)
    rows = {r.number: r for r in m.rows.all()}
    # Clearing the action of a "not well" row blocks signing, and nothing is lost.
    services.monitoring_save(
        actor=w.admin,
        monitoring=m,
        rows={rows[2].pk: {"berjalan_baik": False, "tindakan": ""}, rows[1].pk: {"catatan": "ok"}},
    )
    with pytest.raises(ValidationError) as refused:
        services.monitoring_sign(actor=w.admin, monitoring=m)
    assert "Prosedur 2: isi tindakan yang harus diambil." in refused.value.messages
    rows[1].refresh_from_db()
    assert rows[1].catatan == "ok"
    services.monitoring_save(
        actor=w.admin,
        monitoring=m,
        rows={rows[2].pk: {"tindakan": "Pembinaan staf; tinjau waktu baku."}},
    )
    signed = services.monitoring_sign(actor=w.admin, monitoring=m)
    assert signed.status == FormStatus.SIGNED and signed.assessor == w.admin
    assert signed.assessor_capacity.startswith("Admin")
    paraf = {r.paraf for r in signed.rows.all()}
    assert len(paraf) == 1 and re.fullmatch(r"BS \d\d/\d\d/\d{4} \d\d:\d\d", paraf.pop())
    with pytest.raises(ValidationError, match="sudah ditandatangani"):
        services.monitoring_save(actor=w.admin, monitoring=m, rows={})
    with pytest.raises(ValidationError, match="sudah ditandatangani"):
        prefill(data)


def test_monitoring_page_pdf_and_sign_through_the_page(client, data):
    w = data.world
    m = prefill(data)
    client.force_login(w.kabag)
    page = client.get(reverse("monev:monitoring", args=[m.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for heading in (
        "Prosedur",
        "Penilaian terhadap Penerapan",
        "Berjalan dengan baik",
        "Tidak berjalan dengan baik",
        "Catatan Hasil Penilaian",
        "Tindakan yang Harus Diambil",
        "Paraf Penilai",
    ):
        assert heading in html
    form = {}
    for row in m.rows.all():
        form[f"r{row.pk}-penilaian"] = "baik" if row.berjalan_baik is not False else "tidak"
        form[f"r{row.pk}-catatan"] = row.catatan
        form[f"r{row.pk}-tindakan"] = row.tindakan
    response = client.post(
        reverse("monev:monitoring", args=[m.pk]), {**form, "aksi": "tandatangani"}
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.is_signed and m.assessor == w.kabag
    pdf = client.get(reverse("monev:monitoring_pdf", args=[m.pk]))
    text = _text(pdf.content)
    assert "MONITORING PELAKSANAAN SOP AP" in text
    for heading in ("Penilaian Terhadap Penerapan", "Catatan Hasil Penilaian", "Paraf Penilai"):
        assert heading in text
    assert "3 kali (60,0%) melebihi waktu baku 60 menit" in text
    assert w.kabag.full_name in text
    # A Pemantau reads, cannot change.
    client.force_login(w.pemantau)
    assert client.get(reverse("monev:monitoring", args=[m.pk])).status_code == 200
    # A signed form is not changed by a second post (explained, not an error page).
    client.force_login(w.kabag)
    response = client.post(reverse("monev:monitoring", args=[m.pk]), form, follow=True)
    assert "sudah ditandatangani" in response.content.decode()
    client.force_login(w.other[Role.KABAG])
    assert client.get(reverse("monev:monitoring", args=[m.pk])).status_code == 403


def _answers(no_at=(), note=""):
    return [
        {"answer": i + 1 not in no_at, "note": note if i + 1 in no_at else ""}
        for i in range(len(EVALUATION_QUESTIONS))
    ]


def test_evaluation_save_sign_and_revision_link(data):
    w = data.world
    with pytest.raises(ValidationError, match="7 pertanyaan"):
        services.evaluation_save(
            actor=w.kabag, sop_version=w.version, unit=w.unit, year=2026, half=1, answers=[]
        )
    evaluation = services.evaluation_save(
        actor=w.kabag,
        sop_version=w.version,
        unit=w.unit,
        year=2026,
        half=1,
        answers=_answers(no_at=(3,)),
    )
    with pytest.raises(ValidationError) as refused:
        services.evaluation_sign(actor=w.kabag, evaluation=evaluation)
    assert "Pertanyaan 3: jawaban Tidak perlu catatan." in refused.value.messages
    with pytest.raises(ValidationError, match="Tandatangani evaluasi"):
        services.sop_revision_from_evaluation(actor=w.admin, evaluation=evaluation)
    evaluation = services.evaluation_save(
        actor=w.kabag,
        sop_version=w.version,
        unit=w.unit,
        year=2026,
        half=1,
        answers=_answers(no_at=(3,), note="Langkah 2 terlalu singkat waktunya."),
        conclusion="Perlu revisi waktu baku langkah 2.",
    )
    evaluation = services.evaluation_sign(actor=w.kabag, evaluation=evaluation)
    assert evaluation.is_signed and evaluation.yes_share == pytest.approx(6 / 7)
    # Only an Admin may start an SOP revision.
    with pytest.raises(AuthorizationError):
        services.sop_revision_from_evaluation(actor=w.kabag, evaluation=evaluation)
    draft = services.sop_revision_from_evaluation(actor=w.admin, evaluation=evaluation)
    assert draft.status == SopVersion.Status.DRAFT and draft.based_on == w.version
    evaluation.refresh_from_db()
    assert evaluation.revision == draft
    assert f"evaluasi nomor {evaluation.pk}" in draft.evaluation_note
    assert "Langkah 2 terlalu singkat" in draft.evaluation_note
    from simedsos.monev.selectors import evaluation_for_revision

    assert evaluation_for_revision(version=draft) == evaluation
    with pytest.raises(ValidationError, match="sudah dimulai"):
        services.sop_revision_from_evaluation(actor=w.admin, evaluation=evaluation)


def test_evaluation_pages_and_pdf(client, data):
    w = data.world
    client.force_login(w.kabag)
    url = reverse("monev:evaluation_new") + f"?versi={w.version.pk}&tahun=2026&semester=1"
    assert client.get(url).status_code == 200
    post = {f"q{i}": "ya" for i in range(1, 8)} | {f"n{i}": "" for i in range(1, 8)}
    post.update(q7="tidak", n7="Belum bersinergi dengan SOP arsip.", conclusion="Cukup baik.")
    response = client.post(url, post)
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    # Staff may not change it.
    client.force_login(w.pemantau)
    refused = client.post(reverse("monev:evaluation", args=[evaluation.pk]), post)
    assert refused.status_code == 403
    client.force_login(w.kabag)
    response = client.post(
        reverse("monev:evaluation", args=[evaluation.pk]), {**post, "aksi": "tandatangani"}
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.is_signed
    text = _text(client.get(reverse("monev:evaluation_pdf", args=[evaluation.pk])).content)
    assert "EVALUASI PENERAPAN SOP AP" in text
    for question in EVALUATION_QUESTIONS:
        # Long questions wrap inside their cell; the opening words stay together.
        assert " ".join(question.split()[:3]) in text
    assert "Belum bersinergi dengan SOP arsip." in text
    assert "85,7%" in text
    client.force_login(w.admin)
    response = client.post(reverse("monev:evaluation_revision", args=[evaluation.pk]))
    evaluation.refresh_from_db()
    assert response.status_code == 302 and evaluation.revision is not None
    page = client.get(reverse("monev:evaluation", args=[evaluation.pk])).content.decode()
    assert f'data-revision="{evaluation.revision.pk}"' in page


def test_overview_lists_versions_with_their_forms(client, data, django_assert_max_num_queries):
    w = data.world
    prefill(data)
    client.force_login(w.kabag)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("monev:list"), {"tahun": 2026, "semester": 1})
    html = response.content.decode()
    assert f'data-version="{w.version.pk}"' in html
    assert "Konsep" in html  # the monitoring draft
    assert reverse("reports:sop_pdf", args=[w.version.pk]) in html


def _semesters():
    """The semester of today (when the builders publish the SOP) and the next one."""
    today = timezone.localdate()
    this = (today.year, 1 if today.month <= 6 else 2)
    following = (this[0], 2) if this[1] == 1 else (this[0] + 1, 1)
    return this, following


class TestReminders:
    def test_due_after_the_semester_notifies_admin_and_kabag_once(self, data):
        w = data.world
        this, following = _semesters()
        first_day = Period.semester(*following).start
        plh = make_user(Role.STAF, w.unit)
        make_acting(
            plh, w.unit, Role.KABAG, first_day, first_day + datetime.timedelta(days=30), "PLH"
        )
        key = f"monev:{w.unit.pk}:{this[0]}-{this[1]}"
        sent = services.monev_reminders_due(today=first_day + datetime.timedelta(days=9))
        notices = Notification.objects.filter(dedup_key=key)
        assert {n.recipient for n in notices} == {w.admin, w.kabag, plh}
        assert semester_label(*this) in notices.first().message
        assert "sudah berakhir" in notices.first().message
        assert sent >= 3
        # Run again: nothing new (dedup per unit and semester).
        again = services.monev_reminders_due(today=first_day + datetime.timedelta(days=10))
        assert Notification.objects.filter(dedup_key=key).count() == 3
        assert again == 0

    def test_not_due_when_signed_or_mid_semester(self, data):
        w = data.world
        this, following = _semesters()
        m = services.monitoring_prefill(
            actor=w.kabag, sop_version=w.version, unit=w.unit, year=this[0], half=this[1]
        )
        for row in m.rows.all():
            row.berjalan_baik = True
            row.save()
        services.monitoring_sign(actor=w.kabag, monitoring=m)
        # The next semester under way, this one signed: nothing for this unit.
        nxt = Period.semester(*following)
        services.monev_reminders_due(today=nxt.start + datetime.timedelta(days=40))
        assert not Notification.objects.filter(dedup_key__startswith=f"monev:{w.unit.pk}:")
        # Within the last 14 days of the next semester it is due.
        services.monev_reminders_due(today=nxt.end - datetime.timedelta(days=5))
        note = Notification.objects.get(
            dedup_key=f"monev:{w.unit.pk}:{following[0]}-{following[1]}", recipient=w.kabag
        )
        assert "segera berakhir" in note.message
        # Staff and Kasubbag are not reminded.
        assert not Notification.objects.filter(recipient__in=[w.staf, w.kasubbag]).exists()

    def test_no_reminder_before_the_sop_was_in_force(self, data):
        this, _following = _semesters()
        previous = (this[0], 1) if this[1] == 2 else (this[0] - 1, 2)
        # Today is mid-semester: only the previous one is checked, and no SOP was in force.
        services.monev_reminders_due(
            today=Period.semester(*this).start + datetime.timedelta(days=30)
        )
        assert not Notification.objects.filter(
            dedup_key__endswith=f":{previous[0]}-{previous[1]}"
        ).exists()

    def test_command(self, data, capsys):
        call_command("simedsos_monev_remind", "--today", "2030-07-10")
        assert "pengingat monev dikirim" in capsys.readouterr().out
        from django.core.management import CommandError

        with pytest.raises(CommandError, match="YYYY-MM-DD"):
            call_command("simedsos_monev_remind", "--today", "kemarin")
