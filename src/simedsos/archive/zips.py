"""ZIP files written as a stream: the download starts at once and no copy is kept on disk.

`zipfile` writes to a sink that cannot seek by using data descriptors; every chunk it hands
the sink is passed on to the caller as soon as it is written.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

CHUNK = 256 * 1024
# A fixed date on every member: the same stored files always give the same ZIP.
MEMBER_DATE = (2020, 1, 1, 0, 0, 0)

Opener = Callable[[], BinaryIO]


class _Sink:
    """A write-only stream that collects what zipfile writes until it is drained."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def zip_stream(members: Iterable[tuple[str, Opener | bytes]]) -> Iterator[bytes]:
    """Yield a ZIP of (name in the archive, bytes or a function opening a binary file)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, source in members:
            info = zipfile.ZipInfo(name, date_time=MEMBER_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with archive.open(info, "w", force_zip64=True) as target:
                if isinstance(source, bytes):
                    target.write(source)
                else:
                    with source() as handle:
                        for chunk in iter(lambda h=handle: h.read(CHUNK), b""):
                            target.write(chunk)
                            if data := sink.drain():
                                yield data
            if data := sink.drain():
                yield data
    if data := sink.drain():
        yield data


def zip_write(target: BinaryIO, members: Iterable[tuple[str, Opener | bytes]]) -> None:
    for chunk in zip_stream(members):
        target.write(chunk)
