"""`manual`: a person posts by hand and records the link and evidence (DESIGN §5). Nothing here
calls a platform; publishing raises ManualPublishingRequired, which the job layer turns into
"waiting for a person"."""

from __future__ import annotations

from typing import Any

import httpx
from django.utils.translation import gettext as _

from .base import (
    CANNOT_TELL,
    AccountRef,
    Checkpoint,
    ConnectionReport,
    Credentials,
    OutgoingPost,
    PlatformAdapter,
    PublishResult,
    ReconcileOutcome,
)
from .errors import ManualPublishingRequired, PlatformError
from .limits import Platform


class ManualAdapter(PlatformAdapter):
    platform = Platform.MANUAL

    def _required(self) -> ManualPublishingRequired:
        return ManualPublishingRequired(
            _(
                "Unggahan ini dilakukan oleh petugas. Unggah secara manual di platform tujuan, "
                "lalu catat tautan unggahan dan tangkapan layarnya sebagai bukti."
            ),
            platform_label=self.label,
            code="manual",
        )

    def _publish(self, post: OutgoingPost, checkpoint: Checkpoint) -> PublishResult:
        raise self._required()

    def _check_status(self, checkpoint: Checkpoint) -> PublishResult:
        raise self._required()

    def _reconcile(self, checkpoint: Checkpoint, post: OutgoingPost) -> ReconcileOutcome:
        return CANNOT_TELL  # only the person who posted knows

    def classify(self, response: httpx.Response, *, commits: bool) -> PlatformError:
        return self.generic_error(response, commits=commits)

    def permalink(self, external_id: str, **parts: Any) -> str:
        return ""  # the person records the link

    def token_expiry_warning(self, credentials: Credentials, now) -> str | None:
        return None

    def test_connection(self, account: AccountRef, credentials: Credentials) -> ConnectionReport:
        return ConnectionReport(
            ok=True,
            account_handle=account.handle,
            notes=(_("Akun manual tidak terhubung ke API; petugas mengunggah sendiri."),),
        )
