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
from collections.abc import Iterator


@contextlib.contextmanager
def paused(*, freeze: bool = False) -> Iterator[None]:
    """The collector off while the block runs, back as it was after. With `freeze`, the objects made
    meanwhile are moved out of the collector's view first: they live on, and its next pass would
    scan them all (0.4 s for a 100k-resource export) to find nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if freeze:
                gc.freeze()
            gc.enable()
