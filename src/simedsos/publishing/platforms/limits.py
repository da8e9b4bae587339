"""What each platform accepts, as data: the one place the draft editor's preflight check and the
publishing adapters read platform limits from.

Every number comes from `shared/reference/platform-apis.md`; each platform cites its section.
Vendors change these often, so they are kept as plain data here (never as branches in code) and a
change of limit is a change of one value. Where the reference marks a figure **unconfirmed** or
gives two figures, the stricter one is taken so that a post that passes preflight is not refused
by the platform.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024
GB = 1024 * MB

JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
GIF = "image/gif"
BMP = "image/bmp"
TIFF = "image/tiff"
MP4 = "video/mp4"
MOV = "video/quicktime"

# The media types an upload may have at all (see content/media_checks.py); a platform accepts a
# subset of these.
UPLOADABLE_IMAGE_TYPES = frozenset({JPEG, PNG, WEBP, GIF})
UPLOADABLE_VIDEO_TYPES = frozenset({MP4, MOV})

# Short names for messages ("Instagram: gambar 2 ..."); a person reads these.
MIME_LABELS = {
    JPEG: "JPEG",
    PNG: "PNG",
    WEBP: "WebP",
    GIF: "GIF",
    BMP: "BMP",
    TIFF: "TIFF",
    MP4: "MP4",
    MOV: "MOV",
}


class Platform(models.TextChoices):
    """A target platform. A str enum whose members carry an Indonesian label and that model
    fields can use directly as `choices`."""

    FACEBOOK = "FACEBOOK", _("Facebook")
    INSTAGRAM = "INSTAGRAM", _("Instagram")
    X = "X", _("X")
    YOUTUBE = "YOUTUBE", _("YouTube")
    TIKTOK = "TIKTOK", _("TikTok")
    THREADS = "THREADS", _("Threads")
    TELEGRAM = "TELEGRAM", _("Telegram")
    BLUESKY = "BLUESKY", _("Bluesky")
    MANUAL = "MANUAL", _("Unggah manual")


# The platforms a social account can be on: every Platform but MANUAL. MANUAL is a way of
# publishing (the manual adapter, for an account without a usable API), not a place an account
# lives; an account on a real platform publishes by hand while it is not connected.
ACCOUNT_PLATFORMS: tuple[Platform, ...] = tuple(p for p in Platform if p is not Platform.MANUAL)


def account_platform_choices() -> list[tuple[str, str]]:
    """`choices` of a social account's platform (model field, forms, filters)."""
    return [(p.value, p.label) for p in ACCOUNT_PLATFORMS]


def is_account_platform(value: str) -> bool:
    return value in {p.value for p in ACCOUNT_PLATFORMS}


class TextCounting(StrEnum):
    """How a platform measures the length of a post's text (see text_counting.py)."""

    CODE_POINTS = "code_points"  # Unicode characters (code points)
    UTF16_UNITS = "utf16_units"  # UTF-16 code units: characters outside the BMP count 2
    UTF8_BYTES = "utf8_bytes"  # bytes of the UTF-8 encoding
    GRAPHEMES = "graphemes"  # user-perceived characters (extended grapheme clusters)
    X_WEIGHTED = "x_weighted"  # twitter-text v3 weighted length
    THREADS = "threads"  # characters, but an emoji counts its UTF-8 bytes


@dataclass(frozen=True, slots=True)
class PlatformLimits:
    """What one platform accepts in one post. `None` means the platform sets no limit (or the
    reference gives none); a count of 0 means the platform does not take that kind of media."""

    platform: Platform
    source: str  # the section of shared/reference/platform-apis.md the figures come from

    # Text
    text_counting: TextCounting
    text_max: int | None  # the limit for a post's text (for a media post, its caption)
    text_max_bytes: int | None = None  # a second, byte limit on the same text (Bluesky)
    text_max_without_media: int | None = None  # a different limit for a text-only post
    text_only_allowed: bool = True
    max_hashtags: int | None = None
    max_mentions: int | None = None
    links_allowed: bool = True  # False: links in the text are shown but cannot be clicked
    max_links: int | None = None

    # Images
    image_types: frozenset[str] = frozenset()
    image_max_bytes: int | None = None
    gif_max_bytes: int | None = None  # GIFs have their own size cap where it differs
    gif_alone: bool = False  # a GIF must be the only media item of the post
    image_min_ratio: float | None = None  # width / height
    image_max_ratio: float | None = None
    image_max_width_plus_height: int | None = None
    image_max_count: int = 0

    # Videos
    video_types: frozenset[str] = frozenset()
    video_max_bytes: int | None = None
    video_min_seconds: float | None = None
    video_max_seconds: float | None = None
    video_max_count: int = 0

    # The post as a whole
    media_max_total: int | None = None
    mixed_media_allowed: bool = False  # images and videos in one post

    # Alt text: whether the platform takes it, and whether we require it before publishing.
    # We require it on every image for every platform: JDIH content is public information and
    # must be accessible; where the platform has no field for it, it is kept in the archive.
    alt_text_supported: bool = False
    alt_text_required: bool = True

    @property
    def label(self) -> str:
        return str(self.platform.label)

    def text_limit(self, *, has_media: bool) -> int | None:
        """The most text a post may carry: Telegram allows more without media (4096 vs a
        1024-character caption)."""
        if not has_media and self.text_max_without_media is not None:
            return self.text_max_without_media
        return self.text_max

    @property
    def takes_images(self) -> bool:
        return self.image_max_count > 0

    @property
    def takes_videos(self) -> bool:
        return self.video_max_count > 0


LIMITS: dict[Platform, PlatformLimits] = {
    Platform.FACEBOOK: PlatformLimits(
        platform=Platform.FACEBOOK,
        # §1 Facebook Page: "Media constraints" (photos JPEG/BMP/PNG/GIF/TIFF, under 4 MB;
        # text 63,206 characters, secondary) and endpoint 3 (multi-photo up to 10 images, no
        # mixing with video). No video size or length limit is given for /videos.
        source="platform-apis.md §1 Facebook Page — Endpoints 3–4, Media constraints",
        text_counting=TextCounting.CODE_POINTS,
        text_max=63_206,
        image_types=frozenset({JPEG, BMP, PNG, GIF, TIFF}),
        image_max_bytes=4 * MB,
        image_max_count=10,
        video_types=frozenset({MP4, MOV}),
        video_max_count=1,
        media_max_total=10,
        mixed_media_allowed=False,
        alt_text_supported=False,
    ),
    Platform.INSTAGRAM: PlatformLimits(
        platform=Platform.INSTAGRAM,
        # §2 Instagram: "Limits" (caption 2200 characters, 30 hashtags, 20 @-mentions; JPEG
        # only, 8 MB, ratio 4:5 to 1.91:1; carousel 10 items, 20 unconfirmed; reels 3 s–15 min,
        # MOV/MP4, 300 MB vs 1 GB unconfirmed → 300 MB) and endpoint 1 (alt_text on images,
        # carousel items may be images or videos; every post needs media).
        source="platform-apis.md §2 Instagram — Endpoints 1, Limits",
        text_counting=TextCounting.CODE_POINTS,
        text_max=2200,
        text_only_allowed=False,
        max_hashtags=30,
        max_mentions=20,
        # Links in Instagram captions are not clickable.
        links_allowed=False,
        image_types=frozenset({JPEG}),
        image_max_bytes=8 * MB,
        image_min_ratio=4 / 5,
        image_max_ratio=1.91,
        image_max_count=10,
        video_types=frozenset({MP4, MOV}),
        video_max_bytes=300 * MB,
        video_min_seconds=3,
        video_max_seconds=15 * 60,
        video_max_count=10,
        media_max_total=10,
        mixed_media_allowed=True,
        alt_text_supported=True,
    ),
    Platform.X: PlatformLimits(
        platform=Platform.X,
        # §3 X: "Text counting" (280 weighted, twitter-text v3) and "Media constraints" (up to
        # 4 images, or 1 GIF, or 1 video, no mixing; image 5 MB, GIF 15 MB, video 512 MB and
        # 0.5–140 s); endpoint 1 (alt text via /2/media/metadata/create). The reference names
        # no image formats; X's media upload takes JPEG, PNG, WebP and GIF.
        source="platform-apis.md §3 X — Text counting, Media constraints",
        text_counting=TextCounting.X_WEIGHTED,
        text_max=280,
        image_types=frozenset({JPEG, PNG, WEBP, GIF}),
        image_max_bytes=5 * MB,
        gif_max_bytes=15 * MB,
        gif_alone=True,
        image_max_count=4,
        video_types=frozenset({MP4, MOV}),
        video_max_bytes=512 * MB,
        video_min_seconds=0.5,
        video_max_seconds=140,
        video_max_count=1,
        media_max_total=4,
        mixed_media_allowed=False,
        alt_text_supported=True,
    ),
    Platform.YOUTUBE: PlatformLimits(
        platform=Platform.YOUTUBE,
        # §4 YouTube: "Constraints" (file ≤ 256 GB and ≤ 12 h, video/*; description ≤ 5000
        # bytes). The caption becomes the description; the title (≤ 100 characters) is made by
        # the adapter. A YouTube post is one video.
        source="platform-apis.md §4 YouTube — Constraints",
        text_counting=TextCounting.UTF8_BYTES,
        text_max=5000,
        text_only_allowed=False,
        video_types=frozenset({MP4, MOV}),
        video_max_bytes=256 * GB,
        video_max_seconds=12 * 60 * 60,
        video_max_count=1,
        media_max_total=1,
    ),
    Platform.TIKTOK: PlatformLimits(
        platform=Platform.TIKTOK,
        # §5 TikTok: "Constraints" (caption ≤ 2200 UTF-16 runes for video, video ≤ 4 GB,
        # duration ≤ the creator's max_video_post_duration_sec, read at publish time) and
        # "Photo posts" (up to 35 images, ≤ 20 MB each, JPEG/WebP; description ≤ 4000 — the
        # stricter 2200 is used for both). A post is either a video or photos; it needs media.
        source="platform-apis.md §5 TikTok — Photo posts, Constraints",
        text_counting=TextCounting.UTF16_UNITS,
        text_max=2200,
        text_only_allowed=False,
        # Links in TikTok captions are not clickable.
        links_allowed=False,
        image_types=frozenset({JPEG, WEBP}),
        image_max_bytes=20 * MB,
        image_max_count=35,
        video_types=frozenset({MP4, MOV}),
        video_max_bytes=4 * GB,
        video_max_count=1,
        media_max_total=35,
        mixed_media_allowed=False,
    ),
    Platform.THREADS: PlatformLimits(
        platform=Platform.THREADS,
        # §6 Threads: "Limits" (text ≤ 500 characters with emoji counted by UTF-8 bytes;
        # carousel 2–20 items; image ≤ 8 MB; video ≤ 1 GB / 5 min; ≤ 5 links, unconfirmed) and
        # endpoint 1 (TEXT posts, carousel items image or video). The reference names no image
        # formats; Threads takes JPEG and PNG.
        source="platform-apis.md §6 Threads — Steps, Limits",
        text_counting=TextCounting.THREADS,
        text_max=500,
        max_links=5,
        image_types=frozenset({JPEG, PNG}),
        image_max_bytes=8 * MB,
        image_max_count=20,
        video_types=frozenset({MP4, MOV}),
        video_max_bytes=1 * GB,
        video_max_seconds=5 * 60,
        video_max_count=20,
        media_max_total=20,
        mixed_media_allowed=True,
    ),
    Platform.TELEGRAM: PlatformLimits(
        platform=Platform.TELEGRAM,
        # §7 Telegram: sendMessage text 1–4096, sendPhoto caption 0–1024 (after entity
        # parsing); photo ≤ 10 MB, width + height ≤ 10000, ratio ≤ 20; other uploads ≤ 50 MB;
        # sendMediaGroup 2–10 photos/videos. Telegram measures text in UTF-16 code units (its
        # entity offsets are UTF-16), which never undercounts "characters".
        source="platform-apis.md §7 Telegram — Methods",
        text_counting=TextCounting.UTF16_UNITS,
        text_max=1024,
        text_max_without_media=4096,
        image_types=frozenset({JPEG, PNG, WEBP}),
        image_max_bytes=10 * MB,
        image_min_ratio=1 / 20,
        image_max_ratio=20,
        image_max_width_plus_height=10_000,
        image_max_count=10,
        video_types=frozenset({MP4, MOV}),
        video_max_bytes=50 * MB,
        video_max_count=10,
        media_max_total=10,
        mixed_media_allowed=True,
    ),
    Platform.BLUESKY: PlatformLimits(
        platform=Platform.BLUESKY,
        # §8 Bluesky: "Limits" (text ≤ 300 graphemes and ≤ 3000 bytes) and step 2 (images
        # embed max 4 images, `alt` per image; image blob ≤ 1,000,000 bytes). The reference
        # gives no video embed, so a Bluesky post takes images only.
        source="platform-apis.md §8 Bluesky — Steps, Limits",
        text_counting=TextCounting.GRAPHEMES,
        text_max=300,
        text_max_bytes=3000,
        image_types=frozenset({JPEG, PNG, WEBP}),
        image_max_bytes=1_000_000,
        image_max_count=4,
        media_max_total=4,
        alt_text_supported=True,
    ),
    Platform.MANUAL: PlatformLimits(
        platform=Platform.MANUAL,
        # Posted by hand by a person (any platform without a usable API): nothing here is
        # refused by an API, so no limits beyond what can be uploaded at all.
        source="DESIGN.md §5 Publishing — manual",
        text_counting=TextCounting.CODE_POINTS,
        text_max=None,
        image_types=UPLOADABLE_IMAGE_TYPES,
        image_max_count=100,
        video_types=UPLOADABLE_VIDEO_TYPES,
        video_max_count=100,
        mixed_media_allowed=True,
        alt_text_supported=True,
    ),
}


def limits_for(platform: Platform | str) -> PlatformLimits:
    """The limits of one platform (accepts a Platform or its stored value)."""
    return LIMITS[Platform(platform)]
