"""One list of platforms: social accounts take theirs from `limits.Platform`, less MANUAL (a way
of publishing, not a platform an account lives on); every account platform has an adapter,
limits and post addresses."""

import pytest
from django.core.exceptions import ValidationError

from simedsos.archive.forms import ArchiveSearchForm
from simedsos.content.forms import ItemFilterForm
from simedsos.publishing.forms import AccountCreateForm
from simedsos.publishing.models import SocialAccount
from simedsos.publishing.permalinks import PLATFORM_HOSTS
from simedsos.publishing.platforms.limits import (
    ACCOUNT_PLATFORMS,
    LIMITS,
    Platform,
    account_platform_choices,
)
from simedsos.publishing.platforms.registry import adapter_class
from simedsos.publishing.services import account_create
from tests.content.builders import make_world

EXPECTED = ["FACEBOOK", "INSTAGRAM", "X", "YOUTUBE", "TIKTOK", "THREADS", "TELEGRAM", "BLUESKY"]


def values(choices) -> list[str]:
    return [value for value, _label in choices if value]


def test_account_platforms_are_the_platforms_without_manual():
    assert [p.value for p in ACCOUNT_PLATFORMS] == EXPECTED
    assert [p for p in Platform if p not in ACCOUNT_PLATFORMS] == [Platform.MANUAL]
    field = SocialAccount._meta.get_field("platform")
    assert values(field.choices) == EXPECTED
    assert dict(field.choices)["X"] == Platform.X.label  # the same label everywhere
    assert values(AccountCreateForm().fields["platform"].choices) == EXPECTED
    assert values(ItemFilterForm(steps=[], unit_ids=set()).fields["platform"].choices) == EXPECTED
    assert values(ArchiveSearchForm().fields["platform"].choices) == EXPECTED


@pytest.mark.parametrize("platform", ACCOUNT_PLATFORMS, ids=str)
def test_every_account_platform_can_publish_and_be_recorded(platform):
    assert adapter_class(platform).platform is platform
    assert platform in LIMITS and PLATFORM_HOSTS[platform]


@pytest.mark.django_db
def test_an_account_cannot_be_made_on_manual():
    world = make_world()
    with pytest.raises(ValidationError) as caught:
        account_create(
            actor=world.admin, work_unit=world.unit, platform="MANUAL", name="Situs", handle="web"
        )
    assert caught.value.message_dict == {"platform": ["Pilih platform yang tersedia."]}
    assert not SocialAccount.objects.filter(platform="MANUAL").exists()
    assert [c for c in account_platform_choices() if c[0] == "MANUAL"] == []
