"""Nothing a gated program starts outlives the gate: stop signals (SIGKILL too, on Linux), background
processes, --timeout."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

GUARD_SECONDS = 10.0
"""Generous bounds against hangs, not benchmarks."""

# The program records its own pid and a 60 s sleeper's, then waits (or finishes, leaving them behind).
PROGRAM = """\
import os, subprocess, sys, threading, time
import pulumi_aws as aws

aws.s3.Bucket("data")
sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
pids = [os.getpid(), sleeper.pid]
if {fork}:
    forked = os.fork()
    if forked == 0:
        time.sleep(60)
        os._exit(0)
    pids.append(forked)
threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
with open({marker!r} + ".tmp", "w") as out:
    out.write(" ".join(map(str, pids)))
os.replace({marker!r} + ".tmp", {marker!r})
if {wait}:
    time.sleep(60)
"""


def write_program(directory: Path, *, wait: bool, fork: bool = False) -> Path:
    marker = directory / "pids"
    (directory / "Pulumi.yaml").write_text("name: sleepy\nruntime: python\n")
    (directory / "__main__.py").write_text(PROGRAM.format(marker=str(marker), wait=wait, fork=fork))
    return marker


def start_gate(directory: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ferpaguard", "gate", str(directory), "-q", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def running(pid: int) -> bool:
    """True while `pid` exists and is not a zombie (a dead process not yet reaped by its new parent)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def wait_for(marker: Path) -> list[int]:
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert time.monotonic() < deadline, "the program never started"
        time.sleep(0.05)
    return [int(pid) for pid in marker.read_text().split()]


def assert_all_ended(pids: list[int]) -> None:
    deadline = time.monotonic() + GUARD_SECONDS
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in pids if running(pid)] == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_stopping_the_gate_ends_every_process_of_its_run(tmp_path: Path, signum: int) -> None:
    marker = write_program(tmp_path, wait=True, fork=True)
    gate = start_gate(tmp_path)
    try:
        pids = wait_for(marker)
        assert all(running(pid) for pid in pids)
        gate.send_signal(signum)
        gate.wait(GUARD_SECONDS)
    finally:
        gate.kill()
        gate.communicate()
    assert gate.returncode != 0
    assert_all_ended(pids)


def test_processes_left_behind_do_not_hold_the_gate(tmp_path: Path) -> None:
    marker = write_program(tmp_path, wait=False, fork=True)
    begin = time.monotonic()
    gate = start_gate(tmp_path)
    try:
        gate.wait(60)
    finally:
        gate.kill()
        _, stderr = gate.communicate()
    assert time.monotonic() - begin < GUARD_SECONDS
    assert gate.returncode in (0, 1), stderr
    assert_all_ended(wait_for(marker))


def test_timeout_stops_a_runaway_program_with_one_line(tmp_path: Path) -> None:
    marker = write_program(tmp_path, wait=True)
    gate = start_gate(tmp_path, "--timeout", "3")
    try:
        _, stderr = gate.communicate(timeout=60)
    finally:
        gate.kill()
    assert gate.returncode == 2
    assert stderr.strip().splitlines() == [
        "ferpaguard: error: __main__.py: the program did not finish within 3 s (--timeout); stopped it"
    ]
    assert_all_ended(wait_for(marker))


def test_the_default_timeout_is_documented() -> None:
    done = subprocess.run([sys.executable, "-m", "ferpaguard", "gate", "--help"], capture_output=True, text=True,
                          timeout=60, check=True)
    assert "--timeout" in done.stdout and "default: 300" in done.stdout


def test_a_cancelled_run_ends_its_group(tmp_path: Path) -> None:
    from ferpaguard.sources.program import start_program

    marker = write_program(tmp_path, wait=True)
    pending = start_program(tmp_path)
    pids = wait_for(marker)
    pending.cancel()
    pending.cancel()
    assert_all_ended(pids)
    assert os.getpid() not in pids
