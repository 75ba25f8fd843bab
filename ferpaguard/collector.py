"""Keeping Python's cyclic garbage collector out of the way of large audits.

Nothing an audit builds forms reference cycles: parsed JSON, Resources, Outcomes,
Findings and evidence records are trees, freed by reference counting alone. Yet
building millions of containers triggers the collector again and again, and each
of its full passes scans every object still alive. Measured on a 100k-resource
export: parsing took 2.8 s instead of 0.9 s, and evaluation with findings.json
1.1 s more than with the collector paused (bench/README.md, "Organisation scale").
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterator
from typing import NoReturn

from ferpaguard.errors import EXIT_ERROR


@contextlib.contextmanager
def paused(*, freeze: bool = False) -> Iterator[None]:
    """The collector off while the block runs, back as it was after. With `freeze`, the objects made
    meanwhile are moved out of the collector's view first (reference counting still frees them): the
    collector's next pass would otherwise scan every one of them (0.4 s for a 100k-resource export)
    to find nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if freeze:
                gc.freeze()
            gc.enable()


_kept: list[object] = []
_keeping = False


def keep_until_exit(*objects: object) -> None:
    """Hold `objects` until the process ends, once `end_process_at_exit` has been called: freeing a large
    audit's objects one by one costs 0.4 s (100k resources) just before the process would end anyway.
    Without that call (tests, library use) nothing is held."""
    if _keeping:
        _kept.extend(objects)


def end_process_at_exit() -> None:
    """The process ends through `exit_process`: what `keep_until_exit` is given may be held till then."""
    global _keeping
    _keeping = True


def exit_process(code: int) -> NoReturn:
    """End the process with `code`. With objects held, the output streams are flushed and the process
    ends at once (os._exit), without freeing them; otherwise as `sys.exit` does."""
    if not _kept:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or EXIT_ERROR  # the output was lost: not a clean run
    os._exit(code)
