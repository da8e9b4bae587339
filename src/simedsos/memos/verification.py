"""Checking a memo by its verification code, and a file against what was issued."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _

from simedsos.memos.models import VERIFICATION_ALPHABET, Memo, RenderStatus

# Uploads to the public page are compared, never stored; the cap keeps a request cheap.
MAX_VERIFY_UPLOAD_BYTES = 20 * 1024 * 1024

# People read codes off paper: accept lower case, spaces, dashes and the look-alikes that
# the alphabet leaves out.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def normalize_code(raw: str) -> str:
    code = "".join(raw.split()).replace("-", "").upper().translate(_LOOKALIKES)
    return code if code and all(ch in VERIFICATION_ALPHABET for ch in code) else ""


def memo_by_code(raw_code: str) -> Memo | None:
    code = normalize_code(raw_code)
    if not code:
        return None
    return Memo.objects.select_related("work_unit").filter(verification_code=code).first()


def file_sha256(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class IssuedFile:
    label: str
    sha256: str


def issued_files(memo: Memo) -> list[IssuedFile]:
    """Every file issued for the memo with its checksum; empty until the PDFs exist."""
    if memo.render_status != RenderStatus.DONE:
        return []
    files = [
        IssuedFile(_("Nota dinas (PDF)"), memo.pdf_sha256),
        IssuedFile(_("Salinan arsip (PDF/A)"), memo.archive_pdf_sha256),
    ]
    if memo.disposition_sheet_sha256:
        files.append(IssuedFile(_("Lembar disposisi (PDF)"), memo.disposition_sheet_sha256))
    return [f for f in files if f.sha256]


@dataclass(frozen=True)
class VerificationResult:
    sha256: str
    matched: IssuedFile | None

    @property
    def ok(self) -> bool:
        return self.matched is not None


def verify_file(memo: Memo, handle: BinaryIO) -> VerificationResult:
    """Whether the bytes are exactly one of the files issued for this memo."""
    digest = file_sha256(handle)
    match = next((f for f in issued_files(memo) if f.sha256 == digest), None)
    return VerificationResult(sha256=digest, matched=match)
