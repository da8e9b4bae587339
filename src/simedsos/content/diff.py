"""Side-by-side difference between two draft revisions, field by field.

Captions are compared word by word (whitespace kept, so line breaks survive); hashtags and
links item by item; media by identity, with their alt text compared word by word. The output
is HTML in which every piece of user text is escaped: removed parts in `<del>`, added parts in
`<ins>`, safe to put in a template as is.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from simedsos.publishing.platforms.limits import Platform

WORDS = re.compile(r"(\s+)")


@dataclass(frozen=True)
class DiffRow:
    """One field of the draft in both revisions. `key` matches the review comment's `field`
    names: "caption", "variant:<PLATFORM>", "hashtags", "links", "media:<id>"."""

    key: str
    label: str
    old: SafeString
    new: SafeString
    changed: bool


def _tokens(text: str) -> list[str]:
    return [t for t in WORDS.split(text or "") if t]


def _mark(tag: str, text: str) -> str:
    # Whitespace-only changes still show: mark them, keeping the break visible.
    return f'<{tag} class="diff-{tag}">{escape(text)}</{tag}>'


def word_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Both texts as escaped HTML, with removed words in <del> (old) and added in <ins> (new)."""
    a, b = _tokens(old), _tokens(new)
    left: list[str] = []
    right: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            left.append(escape(old_part))
            right.append(escape(new_part))
            continue
        if old_part:
            left.append(_mark("del", old_part))
        if new_part:
            right.append(_mark("ins", new_part))
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 - escaped above


def list_diff(
    old: Sequence[str], new: Sequence[str], separator: str = "<br>"
) -> tuple[SafeString, SafeString]:
    """Two lists compared item by item, each item escaped."""
    left: list[str] = []
    right: list[str] = []
    matcher = difflib.SequenceMatcher(a=list(old), b=list(new), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            left += [str(escape(x)) for x in old[i1:i2]]
            right += [str(escape(x)) for x in new[j1:j2]]
            continue
        left += [_mark("del", x) for x in old[i1:i2]]
        right += [_mark("ins", x) for x in new[j1:j2]]
    return mark_safe(separator.join(left)), mark_safe(separator.join(right))  # noqa: S308


def _get(revision: Any, name: str, default: Any) -> Any:
    if revision is None:
        return default
    if isinstance(revision, dict):
        return revision.get(name, default)
    return getattr(revision, name, default) or default


def _platform_label(key: str) -> str:
    try:
        return str(Platform(key).label)
    except ValueError:
        return key


def _hashtags(values: Sequence[str]) -> list[str]:
    return [f"#{str(v).lstrip('#')}" for v in values]


def _media_text(entry: dict[str, Any] | None) -> str:
    return (entry or {}).get("alt_text", "") or ""


def revision_diff(old: Any, new: Any) -> list[DiffRow]:
    """Every field of two revisions (DraftRevision objects or dicts), old left, new right.

    `old` may be None (a first revision): everything then reads as added.
    """
    rows: list[DiffRow] = []

    def add(key: str, label: str, pair: tuple[SafeString, SafeString], changed: bool) -> None:
        rows.append(DiffRow(key=key, label=label, old=pair[0], new=pair[1], changed=changed))

    old_caption, new_caption = _get(old, "caption", ""), _get(new, "caption", "")
    add(
        "caption",
        _("Keterangan utama"),
        word_diff(old_caption, new_caption),
        old_caption != new_caption,
    )

    old_variants, new_variants = _get(old, "variants", {}), _get(new, "variants", {})
    keys = [p.value for p in Platform if p.value in old_variants or p.value in new_variants]
    for key in keys:
        a, b = old_variants.get(key, "") or "", new_variants.get(key, "") or ""
        add(
            f"variant:{key}",
            _("Keterangan khusus %(p)s") % {"p": _platform_label(key)},
            word_diff(a, b),
            a != b,
        )

    old_tags, new_tags = _hashtags(_get(old, "hashtags", [])), _hashtags(_get(new, "hashtags", []))
    add("hashtags", _("Tagar"), list_diff(old_tags, new_tags, " "), old_tags != new_tags)

    old_links, new_links = list(_get(old, "links", [])), list(_get(new, "links", []))
    add("links", _("Tautan"), list_diff(old_links, new_links), old_links != new_links)

    old_media = {m["media_id"]: m for m in _get(old, "media", [])}
    new_media_list = sorted(_get(new, "media", []), key=lambda m: m.get("position", 0))
    order = [m["media_id"] for m in new_media_list]
    order += [
        m["media_id"]
        for m in sorted(old_media.values(), key=lambda m: m.get("position", 0))
        if m["media_id"] not in order
    ]
    new_media = {m["media_id"]: m for m in new_media_list}
    new_positions = {mid: i for i, mid in enumerate(m["media_id"] for m in new_media_list)}
    old_positions = {
        m["media_id"]: i
        for i, m in enumerate(sorted(old_media.values(), key=lambda m: m.get("position", 0)))
    }
    for media_id in order:
        before, after = old_media.get(media_id), new_media.get(media_id)
        name = (after or before or {}).get("original_name", "") or _("media")
        label = _("Media: %(name)s") % {"name": name}
        if before is None:
            text = escape(_media_text(after)) or escape(_("(tanpa teks alternatif)"))
            left = mark_safe(f'<span class="diff-none">{escape(_("(belum ada)"))}</span>')  # noqa: S308
            right = mark_safe(  # noqa: S308
                f'<ins class="diff-ins">{escape(_("Ditambahkan"))}: {text}</ins>'
            )
            add(f"media:{media_id}", label, (left, right), True)
            continue
        if after is None:
            text = escape(_media_text(before)) or escape(_("(tanpa teks alternatif)"))
            left = mark_safe(f'<del class="diff-del">{text}</del>')  # noqa: S308
            right = mark_safe(f'<span class="diff-none">{escape(_("(dihapus)"))}</span>')  # noqa: S308
            add(f"media:{media_id}", label, (left, right), True)
            continue
        left, right = word_diff(_media_text(before), _media_text(after))
        moved = old_positions.get(media_id) != new_positions.get(media_id)
        if moved:
            note = escape(
                _("urutan %(a)d → %(b)d")
                % {"a": old_positions[media_id] + 1, "b": new_positions[media_id] + 1}
            )
            right = mark_safe(f'{right} <ins class="diff-ins diff-note">({note})</ins>')  # noqa: S308
        add(
            f"media:{media_id}",
            label,
            (left, right),
            moved or _media_text(before) != _media_text(after),
        )
    return rows
