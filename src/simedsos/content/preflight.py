"""Preflight: what in a draft would stop it from being published on each target platform.

Pure functions over plain data (no database): the draft editor shows the issues live, submitting
refuses a draft with a blocking issue, and the publishing adapters check the same rules with
the same limits (`publishing/platforms/limits.py`).
"""

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _

from simedsos.publishing.platforms.limits import (
    GIF,
    JPEG,
    MIME_LABELS,
    Platform,
    PlatformLimits,
    TextCounting,
    limits_for,
)
from simedsos.publishing.platforms.text_counting import count_text, find_urls, utf8_length


class MediaKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What we know about one media file of a draft (see content/media_checks.py)."""

    kind: MediaKind
    mime: str
    bytes: int
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    alt_text: str = ""

    @property
    def ratio(self) -> float | None:
        """Width divided by height, or None if the size is unknown."""
        if not self.width or not self.height:
            return None
        return self.width / self.height


@dataclass(frozen=True, slots=True)
class DraftSnapshot:
    """The parts of a draft revision that the preflight check reads."""

    caption: str = ""
    # Per-platform caption that replaces the master caption; a blank one means "use the master".
    variants: Mapping[Platform, str] = field(default_factory=dict)
    hashtags: Sequence[str] = ()
    links: Sequence[str] = ()
    media: Sequence[MediaInfo] = ()


@dataclass(frozen=True, slots=True)
class PreflightIssue:
    """One problem. `platform` is None for a problem of the draft itself (e.g. missing alt
    text); `field` names what to fix: "caption", "hashtags", "mentions", "links", "media" or
    "media.N" (the N-th media item, counted from 1)."""

    platform: Platform | None
    field: str
    code: str
    message: str
    blocking: bool = True


# A hashtag or mention starts after a space, the start, or punctuation — not inside a word, an
# e-mail address or a link.
HASHTAG = re.compile(r"(?<![\w&/#])#(\w+)")
MENTION = re.compile(r"(?<![\w@/.])@(\w[\w.]*\w|\w)")


def normalize_hashtag(tag: str) -> str:
    """ "#Pemilu2029", "pemilu2029 " → "#Pemilu2029"; blank → ""."""
    tag = tag.strip().lstrip("#").strip()
    return f"#{tag}" if tag else ""


def caption_for(draft: DraftSnapshot, platform: Platform) -> str:
    """The caption written for `platform`: its variant, or the master caption."""
    # Keys may be Platform members or their stored values ("X"); both find the same entry.
    variant = draft.variants.get(Platform(platform), "") or ""
    return variant.strip() or (draft.caption or "").strip()


def post_text(draft: DraftSnapshot, platform: Platform) -> str:
    """The text that will be posted on `platform`: the caption, then the draft's links and then
    its hashtags that the caption does not already contain. Adapters post exactly this."""
    caption = caption_for(draft, platform)
    if not caption:
        return ""
    lowered = caption.casefold()
    links = [link.strip() for link in draft.links if link.strip()]
    links = [link for link in links if link.casefold() not in lowered]
    tags = []
    present = {m.casefold() for m in HASHTAG.findall(caption)}
    for raw in draft.hashtags:
        tag = normalize_hashtag(raw)
        if tag and tag[1:].casefold() not in present:
            present.add(tag[1:].casefold())
            tags.append(tag)
    parts = [caption]
    if links:
        parts.append("\n".join(links))
    if tags:
        parts.append(" ".join(tags))
    return "\n\n".join(parts)


def hashtags_in(text: str) -> list[str]:
    """Distinct hashtags in a text (case-insensitive), in order of appearance."""
    seen: dict[str, str] = {}
    for tag in HASHTAG.findall(text):
        seen.setdefault(tag.casefold(), tag)
    return list(seen.values())


def mentions_in(text: str) -> list[str]:
    """Distinct @-mentions in a text (case-insensitive), in order of appearance."""
    seen: dict[str, str] = {}
    for name in MENTION.findall(text):
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def preflight_check(draft: DraftSnapshot, platforms: Iterable[Platform]) -> list[PreflightIssue]:
    """Every problem of `draft` for the given target platforms, draft-wide ones first.
    A draft may be submitted only when no issue is blocking (see `has_blocking`)."""
    targets = list(dict.fromkeys(Platform(p) for p in platforms))
    issues = _check_alt_text(draft, [limits_for(p) for p in targets])
    for platform in targets:
        issues.extend(_check_platform(draft, limits_for(platform)))
    return issues


def has_blocking(issues: Iterable[PreflightIssue]) -> bool:
    return any(issue.blocking for issue in issues)


# --- number formatting in Indonesian (comma decimals, dot thousands) ---------------------------


def _int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _dec(x: float, places: int = 2, trim: bool = True) -> str:
    text = f"{x:.{places}f}"
    if trim:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _sizes(n_bytes: int, cap: int) -> tuple[str, str]:
    """A size and its cap in the cap's own unit: GB/MB when the cap is a whole number of them,
    exact bytes otherwise (Bluesky's 1,000,000). The size is rounded up, so a file one byte over
    8 MB never reads "8 MB"."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2)):
        if cap % factor == 0:
            value = math.ceil(n_bytes * 100 / factor) / 100
            return f"{_dec(value, 2)} {unit}", f"{_int(cap // factor)} {unit}"
    in_bytes = _("%(n)s bita")
    return in_bytes % {"n": _int(n_bytes)}, in_bytes % {"n": _int(cap)}


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        hours, rest = divmod(round(seconds), 3600)
        return _("%(h)d jam %(m)d menit") % {"h": hours, "m": rest // 60}
    if seconds >= 60:
        minutes, rest = divmod(round(seconds), 60)
        return _("%(m)d menit %(s)d detik") % {"m": minutes, "s": rest}
    return _("%(s)s detik") % {"s": _dec(seconds, 1)}


def _types(mimes: Iterable[str]) -> str:
    return ", ".join(sorted(MIME_LABELS.get(m, m) for m in mimes))


# --- the rules ---------------------------------------------------------------------------------


def _check_alt_text(draft: DraftSnapshot, targets: list[PlatformLimits]) -> list[PreflightIssue]:
    if not any(limits.alt_text_required for limits in targets):
        return []
    issues = []
    image_number = 0
    for position, item in enumerate(draft.media, start=1):
        if item.kind != MediaKind.IMAGE:
            continue
        image_number += 1
        if not (item.alt_text or "").strip():
            issues.append(
                PreflightIssue(
                    platform=None,
                    field=f"media.{position}",
                    code="alt_text_missing",
                    message=_(
                        "Gambar %(n)d belum memiliki teks alternatif (alt text). Tulis "
                        "keterangan singkat isi gambar untuk pembaca tunanetra."
                    )
                    % {"n": image_number},
                )
            )
    return issues


def _check_platform(draft: DraftSnapshot, limits: PlatformLimits) -> list[PreflightIssue]:
    issues: list[PreflightIssue] = []
    issues += _check_text(draft, limits)
    issues += _check_media_set(draft, limits)
    image_number = video_number = 0
    for position, item in enumerate(draft.media, start=1):
        if item.kind == MediaKind.IMAGE:
            image_number += 1
            issues += _check_image(item, image_number, position, limits)
        else:
            video_number += 1
            issues += _check_video(item, video_number, position, limits)
    return issues


def _issue(limits: PlatformLimits, field: str, code: str, message: str, blocking=True):
    return PreflightIssue(
        platform=limits.platform,
        field=field,
        code=code,
        message=f"{limits.label}: {message}",
        blocking=blocking,
    )


def _check_text(draft: DraftSnapshot, limits: PlatformLimits) -> list[PreflightIssue]:
    text = post_text(draft, limits.platform)
    if not text:
        return [
            _issue(
                limits,
                "caption",
                "caption_empty",
                _("keterangan kosong. Tulis keterangan utama atau keterangan khusus %(p)s.")
                % {"p": limits.label},
            )
        ]
    issues = []
    unit = _("bita") if limits.text_counting == TextCounting.UTF8_BYTES else _("karakter")
    has_media = bool(draft.media)
    maximum = limits.text_limit(has_media=has_media)
    note = _("hitungan %(p)s") % {"p": limits.label}
    if has_media and limits.text_max_without_media is not None:
        note = _("hitungan %(p)s untuk keterangan media") % {"p": limits.label}
    if maximum is not None:
        length = count_text(text, limits.text_counting)
        if length > maximum:
            issues.append(
                _issue(
                    limits,
                    "caption",
                    "caption_too_long",
                    _(
                        "keterangan %(n)s dari %(max)s %(unit)s (%(note)s). "
                        "Pendekkan %(over)s %(unit)s."
                    )
                    % {
                        "n": _int(length),
                        "max": _int(maximum),
                        "unit": unit,
                        "note": note,
                        "over": _int(length - maximum),
                    },
                )
            )
    if limits.text_max_bytes is not None:
        size = utf8_length(text)
        if size > limits.text_max_bytes:
            issues.append(
                _issue(
                    limits,
                    "caption",
                    "caption_too_many_bytes",
                    _(
                        "keterangan %(n)s dari %(max)s bita (UTF-8). Pendekkan %(over)s bita; "
                        "emoji dan huruf non-Latin memakai lebih dari satu bita."
                    )
                    % {
                        "n": _int(size),
                        "max": _int(limits.text_max_bytes),
                        "over": _int(size - limits.text_max_bytes),
                    },
                )
            )
    if limits.max_hashtags is not None:
        count = len(hashtags_in(text))
        if count > limits.max_hashtags:
            issues.append(
                _issue(
                    limits,
                    "hashtags",
                    "too_many_hashtags",
                    _("%(n)d tagar dari batas %(max)d. Hapus %(over)d tagar.")
                    % {"n": count, "max": limits.max_hashtags, "over": count - limits.max_hashtags},
                )
            )
    if limits.max_mentions is not None:
        count = len(mentions_in(text))
        if count > limits.max_mentions:
            issues.append(
                _issue(
                    limits,
                    "mentions",
                    "too_many_mentions",
                    _("%(n)d sebutan (@akun) dari batas %(max)d. Hapus %(over)d sebutan.")
                    % {"n": count, "max": limits.max_mentions, "over": count - limits.max_mentions},
                )
            )
    urls = find_urls(text)
    if urls and not limits.links_allowed:
        issues.append(
            _issue(
                limits,
                "links",
                "links_not_clickable",
                _(
                    "tautan di keterangan tidak dapat diklik di %(p)s. Sebutkan tautan di bio "
                    "akun atau di gambar."
                )
                % {"p": limits.label},
                blocking=False,
            )
        )
    if limits.max_links is not None and len(urls) > limits.max_links:
        issues.append(
            _issue(
                limits,
                "links",
                "too_many_links",
                _("%(n)d tautan dari batas %(max)d. Hapus %(over)d tautan.")
                % {"n": len(urls), "max": limits.max_links, "over": len(urls) - limits.max_links},
            )
        )
    return issues


def _check_media_set(draft: DraftSnapshot, limits: PlatformLimits) -> list[PreflightIssue]:
    images = [m for m in draft.media if m.kind == MediaKind.IMAGE]
    videos = [m for m in draft.media if m.kind == MediaKind.VIDEO]
    issues = []
    if not draft.media and not limits.text_only_allowed:
        needs = []
        if limits.takes_images:
            needs.append(_("gambar"))
        if limits.takes_videos:
            needs.append(_("video"))
        issues.append(
            _issue(
                limits,
                "media",
                "media_required",
                _("unggahan wajib disertai media. Tambahkan %(what)s.")
                % {"what": _(" atau ").join(needs)},
            )
        )
        return issues
    if images and not limits.takes_images:
        issues.append(
            _issue(
                limits,
                "media",
                "images_not_supported",
                _("tidak menerima gambar. Hapus gambar atau jangan pilih %(p)s.")
                % {"p": limits.label},
            )
        )
    elif len(images) > limits.image_max_count:
        issues.append(
            _issue(
                limits,
                "media",
                "too_many_images",
                _("%(n)d gambar dari batas %(max)d. Hapus %(over)d gambar.")
                % {
                    "n": len(images),
                    "max": limits.image_max_count,
                    "over": len(images) - limits.image_max_count,
                },
            )
        )
    if videos and not limits.takes_videos:
        issues.append(
            _issue(
                limits,
                "media",
                "videos_not_supported",
                _("tidak menerima video. Hapus video atau jangan pilih %(p)s.")
                % {"p": limits.label},
            )
        )
    elif len(videos) > limits.video_max_count:
        issues.append(
            _issue(
                limits,
                "media",
                "too_many_videos",
                _("%(n)d video dari batas %(max)d. Hapus %(over)d video.")
                % {
                    "n": len(videos),
                    "max": limits.video_max_count,
                    "over": len(videos) - limits.video_max_count,
                },
            )
        )
    if images and videos and not limits.mixed_media_allowed:
        issues.append(
            _issue(
                limits,
                "media",
                "mixed_media",
                _(
                    "gambar dan video tidak dapat digabung dalam satu unggahan. Pakai gambar "
                    "saja atau video saja."
                ),
            )
        )
    total = len(draft.media)
    if issues:
        return issues  # the media a platform cannot take at all comes first; counts are moot
    if limits.media_max_total is not None and total > limits.media_max_total:
        issues.append(
            _issue(
                limits,
                "media",
                "too_many_media",
                _("%(n)d media dari batas %(max)d per unggahan. Hapus %(over)d media.")
                % {
                    "n": total,
                    "max": limits.media_max_total,
                    "over": total - limits.media_max_total,
                },
            )
        )
    if limits.gif_alone and total > 1 and any(m.mime == GIF for m in images):
        issues.append(
            _issue(
                limits,
                "media",
                "gif_not_alone",
                _("GIF harus menjadi satu-satunya media. Hapus media lain atau GIF-nya."),
            )
        )
    return issues


def _check_image(
    item: MediaInfo, number: int, position: int, limits: PlatformLimits
) -> list[PreflightIssue]:
    if not limits.takes_images:
        return []  # reported once for the whole post
    field_name = f"media.{position}"
    issues = []
    if item.mime not in limits.image_types:
        issues.append(
            _issue(
                limits,
                field_name,
                "image_type_unsupported",
                _(
                    "gambar %(n)d berformat %(type)s; yang diterima: %(ok)s. Simpan ulang sebagai "
                    "%(first)s."
                )
                % {
                    "n": number,
                    "type": MIME_LABELS.get(item.mime, item.mime),
                    "ok": _types(limits.image_types),
                    "first": MIME_LABELS[JPEG]
                    if JPEG in limits.image_types
                    else _types(sorted(limits.image_types)[:1]),
                },
            )
        )
    cap = limits.gif_max_bytes if item.mime == GIF and limits.gif_max_bytes else None
    cap = cap or limits.image_max_bytes
    if cap is not None and item.bytes > cap:
        issues.append(
            _issue(
                limits,
                field_name,
                "image_too_large",
                _(
                    "gambar %(n)d berukuran %(size)s, melebihi batas %(max)s. Kompres atau "
                    "perkecil gambar."
                )
                % dict(zip(("size", "max"), _sizes(item.bytes, cap), strict=True), n=number),
            )
        )
    ratio = item.ratio
    low, high = limits.image_min_ratio, limits.image_max_ratio
    # Compare at the precision shown, so 4:5 (0,8) itself is inside the 0,8–1,91 range.
    if ratio is not None and (
        (low is not None and round(ratio, 4) < round(low, 4))
        or (high is not None and round(ratio, 4) > round(high, 4))
    ):
        issues.append(
            _issue(
                limits,
                field_name,
                "image_ratio",
                _("gambar %(n)d rasio %(ratio)s:1 di luar batas %(low)s–%(high)s. Potong gambar.")
                % {
                    "n": number,
                    "ratio": _dec(ratio, 2, trim=False),
                    "low": _dec(low, 2) if low is not None else "0",
                    "high": _dec(high, 2) if high is not None else "∞",
                },
            )
        )
    dimension_cap = limits.image_max_width_plus_height
    if dimension_cap is not None and item.width and item.height:
        if item.width + item.height > dimension_cap:
            issues.append(
                _issue(
                    limits,
                    field_name,
                    "image_dimensions",
                    _(
                        "gambar %(n)d berukuran %(w)s × %(h)s piksel; lebar + tinggi paling "
                        "banyak %(max)s. Perkecil gambar."
                    )
                    % {
                        "n": number,
                        "w": _int(item.width),
                        "h": _int(item.height),
                        "max": _int(dimension_cap),
                    },
                )
            )
    return issues


def _check_video(
    item: MediaInfo, number: int, position: int, limits: PlatformLimits
) -> list[PreflightIssue]:
    if not limits.takes_videos:
        return []  # reported once for the whole post
    field_name = f"media.{position}"
    issues = []
    if item.mime not in limits.video_types:
        issues.append(
            _issue(
                limits,
                field_name,
                "video_type_unsupported",
                _("video %(n)d berformat %(type)s; yang diterima: %(ok)s. Ekspor ulang video.")
                % {
                    "n": number,
                    "type": MIME_LABELS.get(item.mime, item.mime),
                    "ok": _types(limits.video_types),
                },
            )
        )
    if limits.video_max_bytes is not None and item.bytes > limits.video_max_bytes:
        issues.append(
            _issue(
                limits,
                field_name,
                "video_too_large",
                _("video %(n)d berukuran %(size)s, melebihi batas %(max)s. Kompres video.")
                % dict(
                    zip(("size", "max"), _sizes(item.bytes, limits.video_max_bytes), strict=True),
                    n=number,
                ),
            )
        )
    seconds = item.duration_seconds
    if seconds is not None:
        if limits.video_min_seconds is not None and seconds < limits.video_min_seconds:
            issues.append(
                _issue(
                    limits,
                    field_name,
                    "video_too_short",
                    _(
                        "video %(n)d berdurasi %(d)s, kurang dari batas %(min)s. Pakai video "
                        "yang lebih panjang."
                    )
                    % {
                        "n": number,
                        "d": _duration(seconds),
                        "min": _duration(limits.video_min_seconds),
                    },
                )
            )
        if limits.video_max_seconds is not None and seconds > limits.video_max_seconds:
            issues.append(
                _issue(
                    limits,
                    field_name,
                    "video_too_long",
                    _("video %(n)d berdurasi %(d)s, melebihi batas %(max)s. Potong video.")
                    % {
                        "n": number,
                        "d": _duration(seconds),
                        "max": _duration(limits.video_max_seconds),
                    },
                )
            )
    return issues
