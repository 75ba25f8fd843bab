"""What makes two exports of the same run byte-identical: clamped timestamps,
content-derived UUIDs and canonical JSON."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

NAMESPACE = uuid.UUID("5b0d6c1e-3f55-5d8e-9a52-6e6b2f1c0a77")
"""Fixed uuid5 namespace for every identifier ferpaguard derives from content."""


LATEST_EPOCH = 253402300799
"""9999-12-31T23:59:59Z: the last second the evidence formats' timestamps can write."""


class SourceDateEpochError(ValueError):
    """SOURCE_DATE_EPOCH is set but is not a usable timestamp; the message says what to set."""


def source_date_epoch() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a UTC moment; None when unset or empty. Any other value that is not
    whole seconds since 1970 up to LATEST_EPOCH raises: a reproducible build must not silently
    become an unreproducible one."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    shown = raw if len(raw) <= 24 else raw[:21] + "..."
    if not raw.isascii() or not raw.isdigit():
        raise SourceDateEpochError(
            f"SOURCE_DATE_EPOCH={shown!r} is not a whole number of seconds since 1970-01-01 UTC (e.g. 1767225600)"
        )
    if len(raw) > 12 or int(raw) > LATEST_EPOCH:
        raise SourceDateEpochError(f"SOURCE_DATE_EPOCH={shown!r} is after 9999-12-31 (at most {LATEST_EPOCH})")
    return dt.datetime.fromtimestamp(int(raw), tz=dt.UTC)


def clamp(moment: dt.datetime) -> dt.datetime:
    """The moment in UTC, never later than SOURCE_DATE_EPOCH when that is set."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    aware = aware.astimezone(dt.UTC)
    epoch = source_date_epoch()
    return min(aware, epoch) if epoch is not None else aware


def iso(moment: dt.datetime) -> str:
    """RFC 3339 UTC with a `Z` suffix and whole seconds."""
    return clamp(moment).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


_NAMESPACE_SHA1 = hashlib.sha1(NAMESPACE.bytes)
_VARIANT = "89ab89ab89ab89ab"
"""The RFC 4122 variant digit for each hex digit: its two low bits kept, the high bits set to 10."""


def stable_uuid(*parts: str) -> str:
    """A v5 UUID from the given parts; the same parts always give the same UUID.

    Exactly `str(uuid.uuid5(NAMESPACE, name))` (a test holds them equal), without building a UUID
    object and with the namespace hashed once: OSCAL asks for one per observation, hundreds of
    thousands in a large audit."""
    digest = _NAMESPACE_SHA1.copy()
    digest.update("\x1f".join(parts).encode("utf-8"))
    text = digest.hexdigest()
    variant = _VARIANT[int(text[16], 16)]
    return f"{text[:8]}-{text[8:12]}-5{text[13:16]}-{variant}{text[17:20]}-{text[20:32]}"


def canonical_bytes(data: Any, *, indent: bool = True) -> bytes:
    """Sorted keys, two-space indent (none with `indent=False`), UTF-8, a final newline. orjson is ten
    times faster on large audits; the standard library takes what orjson refuses (integers beyond 64
    bits, non-string keys)."""
    option = orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE | (orjson.OPT_INDENT_2 if indent else 0)
    try:
        return orjson.dumps(data, option=option)
    except TypeError:
        separators = None if indent else (",", ":")
        text = json.dumps(data, sort_keys=True, indent=2 if indent else None, separators=separators,
                          ensure_ascii=False, allow_nan=False, default=str)
        return text.encode("utf-8") + b"\n"


def canonical_json(data: Any) -> str:
    """`canonical_bytes` as text."""
    return canonical_bytes(data).decode("utf-8")


class _BackgroundWrites:
    """Files handed over are written on one second thread, in order; `finish` waits for them all."""

    def __init__(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evidence-write")
        self._pending: list[Any] = []

    def submit(self, path: Path, data: bytes) -> None:
        self._pending.append(self._pool.submit(path.write_bytes, data))

    def finish(self) -> None:
        """Every write done; the first that failed raises here."""
        try:
            for pending in self._pending:
                pending.result()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)


_background: _BackgroundWrites | None = None


@contextlib.contextmanager
def writes_in_background() -> Iterator[None]:
    """Within the block, `write_canonical` and `write_text` hand their bytes to a second thread and
    return: writing hundreds of MB releases the GIL, so the next format renders meanwhile. When the
    block ends every file is on disk, or the first write that failed has raised."""
    global _background
    if _background is not None:
        yield
        return
    _background = writes = _BackgroundWrites()
    try:
        yield
    finally:
        _background = None
        writes.finish()


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if _background is not None:
        _background.submit(path, data)
    else:
        path.write_bytes(data)
    return path


def write_canonical(path: Path, data: Any, *, indent: bool = True) -> Path:
    """`data` as canonical JSON in `path`, without a detour through text (findings.json is 100+ MB at scale)."""
    return write_bytes(path, canonical_bytes(data, indent=indent))


def write_text(path: Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))
