import pytest

from simedsos.accounts.models import WorkUnit
from simedsos.sop.models import SopVersion
from simedsos.sop.services import sop_seed_load
from tests.factories import Role, make_user


@pytest.fixture
def seeded() -> SopVersion:
    """The seed SOP 1176/2022, published, as the system loads it on first start."""
    sop, _created = sop_seed_load()
    return sop.versions.get(status=SopVersion.Status.PUBLISHED)


@pytest.fixture
def unit62(seeded) -> WorkUnit:
    return WorkUnit.objects.get(code="62")


@pytest.fixture
def admin(unit62):
    return make_user(Role.ADMIN, unit62, username="admin62")
