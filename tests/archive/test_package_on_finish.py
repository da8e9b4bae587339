"""Finishing an item through the workflow assembles its documentation package by itself."""

import pytest
from django.utils import timezone

from simedsos.archive.models import DocumentationPackage
from simedsos.archive.services import package_verify
from simedsos.content.services import publication_mark_not_published, publication_record
from simedsos.publishing.models import Publication
from tests.content.builders import make_world, to_publish

pytestmark = pytest.mark.django_db(transaction=True)


def test_recording_the_last_publication_builds_the_package():
    world = make_world()
    item = to_publish(world)
    first, second = Publication.objects.filter(item=item).order_by("pk")
    publication_record(
        actor=world.staf,
        publication=first,
        url=_url_for(first),
        went_live_at=timezone.now(),
    )
    assert not DocumentationPackage.objects.filter(item=item).exists()  # not finished yet
    publication_mark_not_published(actor=world.staf, publication=second, reason="Akun dikunci.")
    package = DocumentationPackage.objects.get(item=item)
    assert package.status == DocumentationPackage.Status.DONE
    assert package_verify(package) == []


def _url_for(publication: Publication) -> str:
    return {
        "FACEBOOK": "https://www.facebook.com/jdih/posts/1",
        "INSTAGRAM": "https://www.instagram.com/p/ABC123/",
        "X": "https://x.com/jdih/status/1234567890",
    }[publication.account.platform]
