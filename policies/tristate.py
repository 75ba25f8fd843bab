"""Three-valued answers (True, False, None when a value is not known during preview) and
how they combine, so that an unknown part never turns into a pass or a fail."""

from __future__ import annotations

from collections.abc import Iterable

Tri = bool | None


def any_of(states: Iterable[Tri]) -> Tri:
    """True if one is True; else None if one is unknown; else False."""
    found = list(states)
    if True in found:
        return True
    return None if None in found else False


def all_of(states: Iterable[Tri]) -> Tri:
    """False if one is False; else None if one is unknown; else True."""
    found = list(states)
    if False in found:
        return False
    return None if None in found else True
