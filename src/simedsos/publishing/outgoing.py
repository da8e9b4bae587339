"""What a publication sends: the approved revision's text for the platform and its media,
as the adapters take them (OutgoingPost), plus the evidence of exactly what went out."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from simedsos.content.preflight import DraftSnapshot, MediaInfo, MediaKind, post_text

from .media_links import media_link
from .platforms.base import OutgoingMedia, OutgoingPost
from .platforms.limits import Platform


@dataclass(frozen=True)
class Outgoing:
    post: OutgoingPost
    media_sent: list[dict]


def approved_revision(item):
    """The revision the reviewer approved (the newest approved one)."""
    from simedsos.content.models import DraftRevision, Review

    revision = (
        DraftRevision.objects.filter(item=item, review__decision=Review.Decision.APPROVE)
        .order_by("-number")
        .first()
    )
    if revision is None:
        raise ValidationError("Konten ini belum memiliki konsep yang disetujui.")
    return revision


def _variants(raw: dict) -> dict:
    variants = {}
    for key, value in (raw or {}).items():
        try:
            variants[Platform(key)] = value
        except ValueError:
            continue  # a platform no longer offered: its variant is simply not used
    return variants


def _opener(media):
    return lambda: media.file.open("rb")


def build_outgoing(item, platform: str) -> Outgoing:
    """The post for `platform` from the item's approved revision."""
    from simedsos.content.models import DraftMedia

    revision = approved_revision(item)
    entries = sorted(revision.media or [], key=lambda m: (m.get("position", 0), m["media_id"]))
    by_id = DraftMedia.objects.in_bulk([m["media_id"] for m in entries])
    outgoing_media, infos, sent = [], [], []
    for entry in entries:
        media = by_id.get(entry["media_id"])
        if media is None:
            continue
        alt = entry.get("alt_text", media.alt_text) or ""
        kind = MediaKind.VIDEO if media.kind == "VIDEO" else MediaKind.IMAGE
        infos.append(
            MediaInfo(
                kind=kind,
                mime=media.mime_type,
                bytes=media.size_bytes,
                width=media.width,
                height=media.height,
                duration_seconds=media.duration_seconds,
                alt_text=alt,
            )
        )
        outgoing_media.append(
            OutgoingMedia(
                mime=media.mime_type,
                size=media.size_bytes,
                opener=_opener(media),
                width=media.width,
                height=media.height,
                duration_seconds=media.duration_seconds,
                alt_text=alt,
                public_url=media_link(media.pk),
                filename=media.original_name,
            )
        )
        sent.append(
            {
                "name": media.original_name,
                "sha256": media.sha256,
                "mime": media.mime_type,
                "size": media.size_bytes,
                "alt_text": alt,
            }
        )
    snapshot = DraftSnapshot(
        caption=revision.caption,
        variants=_variants(revision.variants),
        hashtags=tuple(revision.hashtags or ()),
        links=tuple(revision.links or ()),
        media=tuple(infos),
    )
    text = post_text(snapshot, Platform(platform))
    return Outgoing(
        post=OutgoingPost(text=text, media=tuple(outgoing_media), title=item.title[:100]),
        media_sent=sent,
    )
