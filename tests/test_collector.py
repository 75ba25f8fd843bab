"""ferpaguard.collector: the cyclic collector is paused around large work and always restored."""

from __future__ import annotations

import gc

import pytest

from ferpaguard import collector


@pytest.fixture(autouse=True)
def _collector_enabled() -> None:
    gc.enable()


def test_paused_turns_the_collector_off_and_back_on() -> None:
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_paused_restores_it_after_an_error() -> None:
    with pytest.raises(RuntimeError), collector.paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_paused_leaves_a_collector_that_was_off_off() -> None:
    gc.disable()
    try:
        with collector.paused(freeze=True):
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_freeze_moves_what_the_block_made_out_of_the_collectors_view() -> None:
    before = gc.get_freeze_count()
    try:
        with collector.paused(freeze=True):
            kept = [{"n": i} for i in range(1000)]
        assert gc.get_freeze_count() >= before + len(kept)
    finally:
        gc.unfreeze()
