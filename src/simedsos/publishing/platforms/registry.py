"""Which adapter serves which platform."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import httpx

from .base import AccountRef, Credentials, PlatformAdapter
from .limits import Platform

ADAPTERS: dict[Platform, str] = {
    Platform.FACEBOOK: "facebook.FacebookAdapter",
    Platform.INSTAGRAM: "instagram.InstagramAdapter",
    Platform.X: "x.XAdapter",
    Platform.YOUTUBE: "youtube.YouTubeAdapter",
    Platform.TIKTOK: "tiktok.TikTokAdapter",
    Platform.THREADS: "threads.ThreadsAdapter",
    Platform.TELEGRAM: "telegram.TelegramAdapter",
    Platform.BLUESKY: "bluesky.BlueskyAdapter",
    Platform.MANUAL: "manual.ManualAdapter",
}


def adapter_class(platform: Platform | str) -> type[PlatformAdapter]:
    module_name, class_name = ADAPTERS[Platform(platform)].rsplit(".", 1)
    module = import_module(f"{__package__}.{module_name}")
    return getattr(module, class_name)


def adapter_for(
    platform: Platform | str,
    *,
    account: AccountRef | None = None,
    credentials: Credentials | None = None,
    http_client: httpx.Client | None = None,
    settings=None,
    **kwargs: Any,
) -> PlatformAdapter:
    """The adapter of `platform`, bound to one account and its credentials. `http_client`
    defaults to a new httpx.Client with the configured timeouts; `settings` (default
    django.conf.settings) supplies PLATFORM_API and PUBLIC_BASE_URL; `kwargs` go to the
    adapter (`config=` overrides, `sleep=`, `clock=`)."""
    return adapter_class(platform)(
        account=account,
        credentials=credentials,
        http_client=http_client,
        settings=settings,
        **kwargs,
    )
