"""Preflight of stored drafts and revisions: the database side of `content/preflight.py`.

Builds `DraftSnapshot`s from a working draft (or a frozen revision), runs the checks for the
item's target platforms, and shapes the result for the editor's live preview and for the
submission refusal (`blocking_messages`, called by `draft_submit`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from simedsos.content.models import ContentItem, Draft, DraftMedia, DraftRevision
from simedsos.content.preflight import (
    DraftSnapshot,
    MediaInfo,
    MediaKind,
    PreflightIssue,
    post_text,
    preflight_check,
)
from simedsos.publishing.platforms.limits import Platform, TextCounting, limits_for
from simedsos.publishing.platforms.text_counting import count_text


def item_platforms(item: ContentItem) -> list[Platform]:
    """The distinct platforms of the item's target accounts, in a stable order."""
    accounts = item.target_accounts.all()  # uses a prefetch when the caller made one
    wanted = {account.platform for account in accounts}
    return [p for p in Platform if p.value in wanted]


def media_info(medium: DraftMedia, alt_text: str | None = None) -> MediaInfo:
    return MediaInfo(
        kind=MediaKind.VIDEO if medium.kind == DraftMedia.Kind.VIDEO else MediaKind.IMAGE,
        mime=medium.mime_type,
        bytes=medium.size_bytes,
        width=medium.width,
        height=medium.height,
        duration_seconds=medium.duration_seconds,
        alt_text=medium.alt_text if alt_text is None else alt_text,
    )


def snapshot_of(draft: Draft, media: Iterable[DraftMedia]) -> DraftSnapshot:
    """A snapshot of a working draft and its (non-removed, ordered) media."""
    return DraftSnapshot(
        caption=draft.caption or "",
        variants=dict(draft.variants or {}),
        hashtags=tuple(draft.hashtags or ()),
        links=tuple(draft.links or ()),
        media=tuple(media_info(m) for m in media),
    )


def draft_media(item: ContentItem) -> list[DraftMedia]:
    cache = getattr(item, "_prefetched_objects_cache", {})
    if "media" in cache:
        return [m for m in cache["media"] if not m.removed]
    return list(DraftMedia.objects.filter(item=item, removed=False).order_by("position", "id"))


def draft_snapshot(item: ContentItem) -> DraftSnapshot:
    """The working draft of `item` with its current media, as the preflight reads it."""
    draft = Draft.objects.get(item=item)
    return snapshot_of(draft, draft_media(item))


def revision_snapshot(revision: DraftRevision, media_by_id: dict[int, DraftMedia]) -> DraftSnapshot:
    """A frozen revision as the preflight reads it; alt texts as they were at submission."""
    media = []
    for entry in sorted(revision.media or [], key=lambda e: e.get("position", 0)):
        medium = media_by_id.get(entry.get("media_id"))
        if medium is not None:
            media.append(media_info(medium, alt_text=entry.get("alt_text", "")))
    return DraftSnapshot(
        caption=revision.caption or "",
        variants=dict(revision.variants or {}),
        hashtags=tuple(revision.hashtags or ()),
        links=tuple(revision.links or ()),
        media=tuple(media),
    )


def draft_preflight(item: ContentItem) -> list[PreflightIssue]:
    """Every preflight issue of the working draft for the item's target platforms."""
    return preflight_check(draft_snapshot(item), item_platforms(item))


def blocking_messages(item: ContentItem, *, snapshot: DraftSnapshot | None = None) -> list[str]:
    """What stops the draft from being submitted, one message a problem, each naming its
    platform (or the draft, for missing alt text). An empty master caption is reported by
    `draft_submit` itself, so the per-platform "empty" issues are left out then. `snapshot`
    is the working draft when the caller has already read it."""
    if snapshot is None:
        snapshot = draft_snapshot(item)
    issues = preflight_check(snapshot, item_platforms(item))
    master_empty = not snapshot.caption.strip()
    return [
        issue.message
        for issue in issues
        if issue.blocking and not (master_empty and issue.code == "caption_empty")
    ]


@dataclass(frozen=True)
class PlatformPreview:
    """One target platform's view of a draft: the text posted, its count and its issues."""

    platform: Platform
    label: str
    text: str
    count: int
    limit: int | None
    unit: str
    over: bool
    uses_variant: bool
    issues: list[PreflightIssue]

    @property
    def blocking(self) -> bool:
        return any(issue.blocking for issue in self.issues)

    @property
    def count_label(self) -> str:
        return _thousands(self.count)

    @property
    def limit_label(self) -> str:
        return _thousands(self.limit) if self.limit is not None else ""


def _thousands(n: int) -> str:
    """2200 -> "2.200", as Indonesian writes numbers (and as the preflight messages do)."""
    return f"{n:,}".replace(",", ".")


@dataclass(frozen=True)
class Preflight:
    """The preview of every target platform plus the issues of the draft as a whole."""

    general: list[PreflightIssue]
    platforms: list[PlatformPreview]

    @property
    def blocking(self) -> bool:
        return any(i.blocking for i in self.general) or any(p.blocking for p in self.platforms)


def preflight_view(snapshot: DraftSnapshot, platforms: Sequence[Platform]) -> Preflight:
    """The preview and issues, grouped per platform, for the editor, submit and review pages."""
    issues = preflight_check(snapshot, platforms)
    previews = []
    for platform in platforms:
        limits = limits_for(platform)
        text = post_text(snapshot, platform)
        limit = limits.text_limit(has_media=bool(snapshot.media))
        count = count_text(text, limits.text_counting)
        unit = _("bita") if limits.text_counting == TextCounting.UTF8_BYTES else _("karakter")
        previews.append(
            PlatformPreview(
                platform=platform,
                label=limits.label,
                text=text,
                count=count,
                limit=limit,
                unit=unit,
                over=limit is not None and count > limit,
                uses_variant=bool((snapshot.variants.get(platform) or "").strip()),
                issues=[i for i in issues if i.platform == platform],
            )
        )
    return Preflight(general=[i for i in issues if i.platform is None], platforms=previews)
