"""The database itself refuses changes to published/retired versions (migration sop 0002)."""

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from simedsos.sop.models import SopStep, SopVersion
from simedsos.sop.services import sop_version_copy, sop_version_publish

pytestmark = pytest.mark.django_db


def refused(action) -> str:
    """Run `action` and return the database's refusal message; fail if it was accepted."""
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic():
        action()
    assert isinstance(excinfo.value, IntegrityError), type(excinfo.value)
    return str(excinfo.value)


def test_steps_of_a_published_version_cannot_be_changed(seeded):
    step = seeded.steps.get(number=2)
    message = refused(lambda: SopStep.objects.filter(pk=step.pk).update(time_standard_minutes=30))
    assert "tidak dapat diubah" in message
    refused(lambda: SopStep.objects.filter(pk=step.pk).delete())
    refused(
        lambda: SopStep.objects.create(
            version=seeded,
            number=7,
            activity="Sisipan",
            actor_role="STAF",
            action="PUBLISH",
            time_standard_minutes=1,
        )
    )
    step.refresh_from_db()
    assert step.time_standard_minutes == 60
    assert seeded.steps.count() == 6


def test_a_step_cannot_be_moved_into_or_out_of_a_published_version(seeded, admin):
    draft = sop_version_copy(actor=admin, version=seeded)
    draft_step = draft.steps.get(number=1)
    refused(lambda: SopStep.objects.filter(pk=draft_step.pk).update(version=seeded, number=9))
    published_step = seeded.steps.get(number=1)
    refused(lambda: SopStep.objects.filter(pk=published_step.pk).update(version=draft, number=9))


def test_published_version_content_cannot_be_changed(seeded):
    refused(lambda: SopVersion.objects.filter(pk=seeded.pk).update(number="9999 Tahun 2030"))
    refused(lambda: SopVersion.objects.filter(pk=seeded.pk).update(equipment=["Mesin ketik"]))
    refused(lambda: SopVersion.objects.filter(pk=seeded.pk).update(status="DRAFT"))
    # Retiring while changing content at the same time is refused too.
    refused(
        lambda: SopVersion.objects.filter(pk=seeded.pk).update(
            status="RETIRED", retired_at=timezone.now(), title="Diam-diam diganti"
        )
    )
    seeded.refresh_from_db()
    assert seeded.number == "1176 Tahun 2022" and seeded.status == "PUBLISHED"


def test_published_version_can_only_be_retired(seeded):
    SopVersion.objects.filter(pk=seeded.pk).update(status="RETIRED", retired_at=timezone.now())
    seeded.refresh_from_db()
    assert seeded.status == "RETIRED"
    # A retired version stays retired and unchanged.
    refused(lambda: SopVersion.objects.filter(pk=seeded.pk).update(status="PUBLISHED"))
    refused(lambda: SopVersion.objects.filter(pk=seeded.pk).update(retired_at=None))
    refused(lambda: SopStep.objects.filter(version=seeded).update(output="x"))


def test_non_draft_versions_cannot_be_deleted(seeded, admin):
    refused(lambda: SopVersion.objects.filter(pk=seeded.pk).delete())
    draft = sop_version_copy(actor=admin, version=seeded)
    sop_version_publish(actor=admin, version=draft, effective_on=timezone.localdate())
    refused(lambda: SopVersion.objects.filter(pk=seeded.pk).delete())  # now RETIRED
    refused(lambda: SopVersion.objects.filter(pk=draft.pk).delete())  # now PUBLISHED
    assert SopVersion.objects.count() == 2


def test_drafts_stay_freely_editable(seeded, admin):
    draft = sop_version_copy(actor=admin, version=seeded)
    SopVersion.objects.filter(pk=draft.pk).update(number="1/2026")
    SopStep.objects.filter(version=draft, number=2).update(time_standard_minutes=30)
    assert draft.steps.get(number=2).time_standard_minutes == 30
    SopVersion.objects.filter(pk=draft.pk).delete()
    assert not SopStep.objects.filter(version_id=draft.pk).exists()
