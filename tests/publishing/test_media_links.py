"""Signed, expiring media links under PUBLIC_BASE_URL for platforms that fetch media."""

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from simedsos.content.models import DraftMedia
from simedsos.publishing.media_links import media_id_from_token, media_link, media_token
from tests.content.builders import make_world

from .helpers import jpeg_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def media():
    world = make_world()
    from tests.content.builders import dispose

    item = dispose(world)
    data = jpeg_bytes(40, 40)
    return DraftMedia.objects.create(
        item=item,
        file=SimpleUploadedFile("infografis.jpg", data, content_type="image/jpeg"),
        original_name="infografis.jpg",
        kind="IMAGE",
        mime_type="image/jpeg",
        size_bytes=len(data),
        width=40,
        height=40,
        sha256="x",
        uploaded_by=world.staf,
    ), data


def test_no_public_base_url_means_no_link(settings, media):
    settings.PUBLIC_BASE_URL = ""
    assert media_link(media[0].pk) is None


def test_link_serves_the_file_without_login(settings, client, media):
    settings.PUBLIC_BASE_URL = "https://simedsos.kpu-kalteng.go.id"
    link = media_link(media[0].pk)
    assert link.startswith("https://simedsos.kpu-kalteng.go.id/m/")
    response = client.get(link.removeprefix("https://simedsos.kpu-kalteng.go.id"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == media[1]


def test_expired_link_is_refused_with_a_clear_message(client, media):
    token = media_token(media[0].pk, lifetime=datetime.timedelta(seconds=-1))
    response = client.get(f"/m/{token}/")
    assert response.status_code == 403
    assert "kedaluwarsa" in response.content.decode()


def test_tampered_link_is_refused(client, media):
    token = media_token(media[0].pk)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client.get(f"/m/{forged}/")
    assert response.status_code == 403
    assert "tidak sah" in response.content.decode()


def test_default_lifetime_is_two_hours(media):
    token = media_token(media[0].pk)
    assert media_id_from_token(token, now=time.time() + 7100) == media[0].pk
    with pytest.raises(Exception, match="expired"):
        media_id_from_token(token, now=time.time() + 7300)
