"""Reading Pulumi property values in engine wire form.

Values arrive as the engine sends them: camelCase keys, unknowns as sentinel
strings during preview, secrets wrapped in a signature object. Every rule reads
properties through these helpers so that "unknown" and "secret" are handled the
same way everywhere.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, Final

UNKNOWN_STRING: Final = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
UNKNOWN_SENTINELS: Final = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # bool
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
        UNKNOWN_STRING,
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
        "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
        "e48ece36-62e2-4504-bad9-02848725956a",  # archive
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
    }
)
SIG_KEY: Final = "4dabf18193072939515e22adb298388d"
SECRET_SIG: Final = "1b47061264138c4ac30d75fd1eb44270"
REDACTED: Final = "[secret]"
UNKNOWN_SHOWN: Final = "<unknown>"
"""How messages and evidence show a value not known during preview."""


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __bool__(self) -> bool:
        return False


UNKNOWN: Final = _Marker("UNKNOWN")
"""Returned by `get` when the value (or a container on its path) is not known yet."""
MISSING: Final = _Marker("MISSING")
"""Returned by `get` when the property is absent or null."""
SECRET_PRESENT: Final = _Marker("SECRET_PRESENT")
"""A secret whose plaintext is not available (ciphertext): present, unreadable."""
_SCALARS: Final = frozenset({str, int, float, bool, type(None), bytes, _Marker})
_PLAIN: Final = frozenset({int, float, bool, type(None)})
"""Types that are never unknown, secret or a container: the fast paths below return them at once."""


def is_unknown(value: Any) -> bool:
    """True for the UNKNOWN marker, an unknown sentinel, or a secret wrapping one (a secret output not computed yet)."""
    if value is UNKNOWN:
        return True
    kind = type(value)
    if kind is str:
        return value in UNKNOWN_SENTINELS
    if kind is dict:
        return value.get(SIG_KEY) == SECRET_SIG and is_unknown(value.get("value"))
    return isinstance(value, str) and value in UNKNOWN_SENTINELS


def _is_mapping(value: Any) -> bool:
    # Exact-type checks first: the ABC check is the hot spot when auditing 100k resources.
    return type(value) is dict or (type(value) not in _SCALARS and isinstance(value, Mapping))


def _is_sequence(value: Any) -> bool:
    return type(value) is list or (
        type(value) not in _SCALARS and isinstance(value, Sequence) and not isinstance(value, str | bytes)
    )


def is_secret(value: Any) -> bool:
    return _is_mapping(value) and value.get(SIG_KEY) == SECRET_SIG


def unwrap_secret(value: Any) -> Any:
    """The secret's inner value for evaluation, or SECRET_PRESENT if unreadable."""
    for key in ("value", "plaintext"):
        if key in value:
            inner = value[key]
            if key == "plaintext" and isinstance(inner, str):
                import json

                try:
                    return json.loads(inner)
                except ValueError:
                    return inner
            return inner
    return SECRET_PRESENT


def _step(value: Any, key: str | int) -> Any:
    if is_secret(value):
        value = unwrap_secret(value)
        if value is SECRET_PRESENT:
            return UNKNOWN  # inside ciphertext: present, but nothing under it can be read
    if type(key) is int:
        if _is_sequence(value):
            return value[key] if -len(value) <= key < len(value) else None
        return None
    if _is_mapping(value):
        return value.get(key)
    return None


@functools.lru_cache(maxsize=1024)
def _parts(path: str) -> tuple[str | int, ...]:
    return tuple(int(part) if part.lstrip("-").isdigit() else part for part in path.split("."))


def get(props: Any, path: str) -> Any:
    """Value at a dotted path (`a.b.0.c`), or UNKNOWN / MISSING.

    A secret on the path is unwrapped for reading; one whose plaintext is not
    available (ciphertext) reads as UNKNOWN. Callers that report values must
    pass them through `redact` (or `checks.shown`) first.
    """
    value = props
    for part in _parts(path):
        if type(value) is dict and type(part) is str and value.get(SIG_KEY) != SECRET_SIG:
            value = value.get(part)  # a plain object: what the general step below does, without its checks
        else:
            if is_unknown(value):
                return UNKNOWN
            value = _step(value, part)
        if value is None:
            return MISSING
    return read(value)


def read(value: Any) -> Any:
    """One value ready for comparison: secrets unwrapped, unknowns as UNKNOWN.

    Ciphertext cannot be compared with anything, so it reads as UNKNOWN
    (presence is `is_ciphertext_at`'s question).
    """
    kind = type(value)
    if kind is str:
        return UNKNOWN if value in UNKNOWN_SENTINELS else value
    if kind in _PLAIN:
        return value
    if is_unknown(value):
        return UNKNOWN
    if is_secret(value):
        inner = unwrap_secret(value)
        return UNKNOWN if inner is SECRET_PRESENT or is_unknown(inner) else inner
    return value


def is_ciphertext_at(props: Any, path: str) -> bool:
    """True when the value at `path` sits in a secret whose plaintext is not available: set, but unreadable."""
    value = props
    for part in _parts(path):
        if type(value) is dict and type(part) is str and value.get(SIG_KEY) != SECRET_SIG:
            value = value.get(part)
        else:
            if is_secret(value) and unwrap_secret(value) is SECRET_PRESENT:
                return True
            value = _step(value, part)
        if value is None or value is UNKNOWN:
            return False
    return is_secret(value) and unwrap_secret(value) is SECRET_PRESENT


def is_secret_at(props: Any, path: str) -> bool:
    """True when the value at `path` (or a container on the way) is secret-wrapped."""
    value = props
    for part in _parts(path):
        if type(value) is dict and type(part) is str:
            if value.get(SIG_KEY) == SECRET_SIG:
                return True
            value = value.get(part)
        else:
            if is_secret(value):
                return True
            value = _step(value, part)
        if value is None:
            return False
    return is_secret(value)


def truth(value: Any) -> bool | None:
    """Tri-state boolean: True, False (absent counts as False), None when unknown or unreadable.

    Strings "true"/"false" are accepted as the engine sometimes sends them.
    """
    if is_unknown(value) or value is SECRET_PRESENT:
        return None
    if value is MISSING or value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1", "yes"):
            return True
        return False
    if isinstance(value, int | float):
        return value != 0
    return False


def as_number(value: Any) -> float | None:
    """A number from an int, float or numeric string; None when not numeric."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def as_list(value: Any) -> list[Any]:
    """A list for iteration: a scalar or mapping becomes a one-element list."""
    if value is MISSING or value is None or is_unknown(value):
        return []
    if _is_sequence(value):
        return list(value)
    return [value]


def contains_unknown(value: Any, _depth: int = 0) -> bool:
    """True when anything inside is unknown or unreadable (ciphertext)."""
    kind = type(value)
    if kind is str:
        return value in UNKNOWN_SENTINELS
    if kind in _PLAIN:
        return False
    if _depth <= 64 and (kind is list or (kind is dict and value.get(SIG_KEY) != SECRET_SIG)):
        for item in value.values() if kind is dict else value:
            if contains_unknown(item, _depth + 1):
                return True
        return False
    if is_unknown(value):
        return True
    if _depth > 64:
        return False
    if is_secret(value):
        inner = unwrap_secret(value)
        return inner is SECRET_PRESENT or contains_unknown(inner, _depth + 1)
    if isinstance(value, Mapping):
        return any(contains_unknown(v, _depth + 1) for v in value.values())
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return any(contains_unknown(v, _depth + 1) for v in value)
    return False


def redact(value: Any, _depth: int = 0) -> Any:
    """A copy safe to print: secrets replaced by REDACTED, unknowns by "<unknown>"."""
    if _depth <= 32:
        kind = type(value)
        if kind is str:
            return UNKNOWN_SHOWN if value in UNKNOWN_SENTINELS else value
        if kind in _PLAIN:
            return value
        if kind is dict and value.get(SIG_KEY) != SECRET_SIG:
            return {str(k): redact(v, _depth + 1) for k, v in value.items()}
        if kind is list:
            return [redact(v, _depth + 1) for v in value]
    if is_secret(value) or value is SECRET_PRESENT:
        return REDACTED
    if is_unknown(value):
        return UNKNOWN_SHOWN
    if value is MISSING:
        return None
    if _depth > 32:
        return "..."
    if isinstance(value, Mapping):
        return {str(k): redact(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [redact(v, _depth + 1) for v in value]
    return value
