"""Choice labels come from a mapping built once, and still follow the active language."""

from unittest import mock

import pytest
from django.utils import translation

from simedsos.content.models import ContentItem
from simedsos.publishing.models import SocialAccount


def test_label_follows_the_active_language_after_the_mapping_is_built():
    item = ContentItem(status=ContentItem.Status.PUBLISHED)
    with translation.override("id"):
        assert item.get_status_display() == "Terunggah"
    with translation.override("en"):
        assert item.get_status_display() == "Published"
    with translation.override("id"):
        assert item.get_status_display() == "Terunggah"


def test_unknown_value_shows_as_itself_and_platforms_have_their_labels():
    assert ContentItem(status="NOT_A_STATUS").get_status_display() == "NOT_A_STATUS"
    assert SocialAccount(platform="X").get_platform_display() == "X"
    assert SocialAccount(platform="FACEBOOK").get_platform_display() == "Facebook"


@pytest.mark.django_db
def test_a_label_translates_only_itself():
    item = ContentItem(status=ContentItem.Status.PUBLISHED)
    item.get_status_display()  # the mapping is built
    real = translation._trans.gettext  # what every lazy label calls when shown
    with mock.patch.object(translation._trans, "gettext", wraps=real) as gettext:
        for _ in range(25):
            item.get_status_display()
    # One translation per call (Django's own version translates every choice each call).
    assert gettext.call_count <= 25
