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
            kept = [[i] for i in range(1000)]  # lists, which the collector always tracks
        assert gc.get_freeze_count() >= before + len(kept)
    finally:
        gc.unfreeze()


def test_nothing_is_held_unless_the_process_will_end_through_exit_process(monkeypatch) -> None:
    monkeypatch.setattr(collector, "_kept", [])
    monkeypatch.setattr(collector, "_keeping", False)
    collector.keep_until_exit(["big"])
    assert collector._kept == []
    with pytest.raises(SystemExit) as done:
        collector.exit_process(1)
    assert done.value.code == 1


def test_held_objects_end_the_process_at_once_after_flushing(monkeypatch, capsys) -> None:
    monkeypatch.setattr(collector, "_kept", [])
    monkeypatch.setattr(collector, "_keeping", False)
    ended: list[int] = []

    def fake_exit(code: int) -> None:
        ended.append(code)
        raise SystemExit(code)

    monkeypatch.setattr(collector.os, "_exit", fake_exit)
    collector.end_process_at_exit()
    collector.keep_until_exit(["big"])
    print("written before the end")
    with pytest.raises(SystemExit):
        collector.exit_process(1)
    assert ended == [1]
    assert capsys.readouterr().out == "written before the end\n"


def test_the_console_entry_point_gives_the_commands_exit_code_and_all_its_output(tmp_path) -> None:
    import json
    import subprocess
    import sys
    from pathlib import Path

    export = Path(__file__).resolve().parent / "fixtures" / "exports" / "seed_broken.json"
    done = subprocess.run([sys.executable, "-m", "ferpaguard", "audit", str(export), "--format", "json"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["summary"]["mandatory_failures"] > 0
    assert "mandatory violation(s)" in done.stderr
    missing = subprocess.run([sys.executable, "-m", "ferpaguard", "audit", str(tmp_path / "none.json")],
                             capture_output=True, text=True, timeout=120, check=False)
    assert missing.returncode == 2
    assert missing.stderr.strip().endswith("no such file")
