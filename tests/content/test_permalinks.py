"""Post addresses must be https and on the account's platform."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from simedsos.content.services import publication_record
from simedsos.publishing.models import Publication
from simedsos.publishing.permalinks import validate_post_url
from tests.content.builders import make_world, to_publish

GOOD = {
    "FACEBOOK": ["https://www.facebook.com/jdih/posts/1", "https://fb.com/story/2"],
    "INSTAGRAM": ["https://www.instagram.com/p/ABC/"],
    "X": ["https://x.com/jdih/status/1", "https://twitter.com/jdih/status/1"],
    "YOUTUBE": ["https://www.youtube.com/watch?v=abc", "https://youtu.be/abc"],
    "TIKTOK": ["https://www.tiktok.com/@jdih/video/1"],
    "THREADS": ["https://www.threads.net/@jdih/post/1", "https://threads.com/@jdih/post/1"],
    "TELEGRAM": ["https://t.me/jdihkalteng/15"],
    "BLUESKY": ["https://bsky.app/profile/jdih.bsky.social/post/3k"],
}


@pytest.mark.parametrize(("platform", "url"), [(p, u) for p, urls in GOOD.items() for u in urls])
def test_platform_post_urls_accepted(platform, url):
    assert validate_post_url(platform, f"  {url} ") == url


@pytest.mark.parametrize(
    ("platform", "url", "message"),
    [
        ("INSTAGRAM", "http://www.instagram.com/p/ABC/", "harus diawali https://"),
        ("INSTAGRAM", "https://www.facebook.com/p/ABC/", "bukan alamat Instagram"),
        ("X", "https://notx.com/jdih/status/1", "bukan alamat X"),
        ("FACEBOOK", "https://facebook.com.evil.test/x", "bukan alamat Facebook"),
        ("TELEGRAM", "https://t.me/", "beranda Telegram"),
        ("BLUESKY", "", "wajib diisi"),
        ("YOUTUBE", "https://you tube.com/x", "bukan alamat web yang sah"),
    ],
)
def test_wrong_post_urls_refused(platform, url, message):
    with pytest.raises(ValidationError) as err:
        validate_post_url(platform, url)
    assert message in err.value.messages[0]


@pytest.mark.django_db
def test_record_refuses_wrong_platform_and_future_time_and_keeps_pending():
    w = make_world()
    item = to_publish(w)
    pub = item.publications.get(account__platform="INSTAGRAM")
    with pytest.raises(ValidationError) as err:
        publication_record(
            actor=w.staf,
            publication=pub,
            url="https://www.facebook.com/jdih/posts/1",
            went_live_at=timezone.now() + datetime.timedelta(hours=2),
        )
    errors = err.value.message_dict
    assert "bukan alamat Instagram" in errors["url"][0]
    assert errors["went_live_at"] == ["Waktu tayang tidak boleh di masa depan."]
    pub.refresh_from_db()
    assert pub.status == Publication.Status.PENDING and pub.url == ""


@pytest.mark.django_db
def test_record_keeps_evidence_and_refuses_recording_twice():
    from django.core.files.uploadedfile import SimpleUploadedFile

    w = make_world()
    item = to_publish(w)
    pub = item.publications.get(account__platform="INSTAGRAM")
    shot = SimpleUploadedFile("bukti.png", b"\x89PNG....", content_type="image/png")
    publication_record(
        actor=w.staf,
        publication=pub,
        url="https://instagram.com/p/1/",
        went_live_at=timezone.now(),
        evidence=shot,
    )
    pub.refresh_from_db()
    assert pub.evidence.name.startswith("evidence/") and pub.recorded_by == w.staf
    with pytest.raises(ValidationError, match="sudah dicatat"):
        publication_record(
            actor=w.staf,
            publication=pub,
            url="https://instagram.com/p/2/",
            went_live_at=timezone.now(),
        )
