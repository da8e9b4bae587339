"""A whole-database wipe (`flush`, used between browser tests) still works with published SOPs,
and the immutability triggers are back afterwards."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from simedsos.sop.models import SopStep, SopVersion
from simedsos.sop.services import sop_seed_load

pytestmark = pytest.mark.django_db(transaction=True)


def test_flush_wipes_published_versions_and_keeps_the_guards():
    sop_seed_load()
    call_command("flush", interactive=False, verbosity=0)
    assert SopVersion.objects.count() == 0 and SopStep.objects.count() == 0
    sop_seed_load()
    with pytest.raises(IntegrityError), transaction.atomic():
        SopStep.objects.filter(number=1).update(time_standard_minutes=9)
