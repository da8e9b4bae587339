"""The platform limits are complete, consistent data taken from the reference."""

import dataclasses

import pytest

from simedsos.publishing.platforms.limits import (
    GIF,
    JPEG,
    LIMITS,
    MB,
    UPLOADABLE_IMAGE_TYPES,
    UPLOADABLE_VIDEO_TYPES,
    Platform,
    PlatformLimits,
    TextCounting,
    limits_for,
)


def test_every_platform_has_limits():
    assert set(LIMITS) == set(Platform)
    for platform, limits in LIMITS.items():
        assert limits.platform is platform
        assert limits.source, f"{platform}: cite the reference section"


def test_platform_is_a_str_enum_with_indonesian_labels():
    assert Platform.X == "X"
    assert str(Platform.INSTAGRAM) == "INSTAGRAM"
    assert Platform("BLUESKY") is Platform.BLUESKY
    assert Platform.MANUAL.label == "Unggah manual"
    assert ("TELEGRAM", "Telegram") in Platform.choices


def test_limits_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits_for(Platform.X).text_max = 10_000


def test_limits_for_accepts_stored_value():
    assert limits_for("INSTAGRAM") is LIMITS[Platform.INSTAGRAM]
    with pytest.raises(ValueError):
        limits_for("MYSPACE")


@pytest.mark.parametrize("limits", LIMITS.values(), ids=lambda lim: lim.platform)
def test_limits_are_consistent(limits: PlatformLimits):
    # A platform only names media types that an upload can have at all (plus Facebook's extra
    # formats, which we never produce but the reference lists).
    assert limits.image_types <= UPLOADABLE_IMAGE_TYPES | {"image/bmp", "image/tiff"}
    assert limits.video_types <= UPLOADABLE_VIDEO_TYPES
    assert bool(limits.image_types) == limits.takes_images
    assert bool(limits.video_types) == limits.takes_videos
    if limits.image_min_ratio is not None and limits.image_max_ratio is not None:
        assert limits.image_min_ratio < limits.image_max_ratio
    if limits.video_min_seconds is not None and limits.video_max_seconds is not None:
        assert limits.video_min_seconds < limits.video_max_seconds
    # A platform that needs media must take some.
    if not limits.text_only_allowed:
        assert limits.takes_images or limits.takes_videos
    assert limits.alt_text_required


def test_figures_from_the_reference():
    x = limits_for(Platform.X)
    assert (x.text_max, x.text_counting) == (280, TextCounting.X_WEIGHTED)
    assert (x.image_max_count, x.video_max_count, x.mixed_media_allowed) == (4, 1, False)
    assert (x.image_max_bytes, x.gif_max_bytes, x.video_max_bytes) == (5 * MB, 15 * MB, 512 * MB)
    assert (x.video_min_seconds, x.video_max_seconds) == (0.5, 140)

    ig = limits_for(Platform.INSTAGRAM)
    assert (ig.text_max, ig.max_hashtags, ig.max_mentions) == (2200, 30, 20)
    assert ig.image_types == {JPEG} and ig.image_max_bytes == 8 * MB
    assert (ig.image_min_ratio, ig.image_max_ratio) == (0.8, 1.91)
    assert ig.media_max_total == 10 and not ig.text_only_allowed
    assert (ig.video_min_seconds, ig.video_max_seconds) == (3, 900)

    bsky = limits_for(Platform.BLUESKY)
    assert (bsky.text_max, bsky.text_max_bytes, bsky.text_counting) == (
        300,
        3000,
        TextCounting.GRAPHEMES,
    )
    assert bsky.image_max_count == 4 and bsky.image_max_bytes == 1_000_000

    tg = limits_for(Platform.TELEGRAM)
    assert (tg.text_max, tg.text_max_without_media) == (1024, 4096)
    assert tg.image_max_width_plus_height == 10_000

    assert limits_for(Platform.THREADS).text_max == 500
    assert limits_for(Platform.TIKTOK).text_counting == TextCounting.UTF16_UNITS
    yt = limits_for(Platform.YOUTUBE)
    assert (yt.text_max, yt.text_counting, yt.image_max_count) == (
        5000,
        TextCounting.UTF8_BYTES,
        0,
    )
    assert GIF in limits_for(Platform.FACEBOOK).image_types
    assert limits_for(Platform.MANUAL).text_max is None


def test_text_limit_depends_on_media_only_where_the_platform_says_so():
    telegram = limits_for(Platform.TELEGRAM)
    assert telegram.text_limit(has_media=True) == 1024
    assert telegram.text_limit(has_media=False) == 4096
    x = limits_for(Platform.X)
    assert x.text_limit(has_media=True) == x.text_limit(has_media=False) == 280
