"""Gating two programs in one process cannot mix their resources (the CLI level
companion of tests/gate/test_program_source.py::test_two_programs_in_one_process_do_not_mix)
or their processes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.hardening.cli_runner import REPO_ROOT, assert_kept_promise, run_in_process

PROGRAMS = REPO_ROOT / "tests" / "programs"


def gate_urns(program: str) -> set[str]:
    done = run_in_process("gate", str(PROGRAMS / program), "--format", "json", "--show-passed")
    assert_kept_promise(done)
    assert done.code in (0, 1)
    return {finding["urn"] for finding in json.loads(done.stdout)["findings"] if finding["urn"]}


def test_two_gates_in_one_process_keep_their_resources_apart() -> None:
    first = gate_urns("vpclink_to_alb")
    second = gate_urns("unencrypted_redis")
    again = gate_urns("vpclink_to_alb")
    assert first and second
    assert first == again
    assert not first & second
    assert all("::seed-unencrypted-redis::" in urn for urn in second), sorted(second)[:3]


def test_concurrent_runs_keep_their_processes_apart(tmp_path: Path) -> None:
    """Cancelling one run ends its process group only: a run started beside it finishes normally."""
    from ferpaguard.sources.program import start_program

    slow = tmp_path / "slow"
    slow.mkdir()
    (slow / "Pulumi.yaml").write_text("name: slow\nruntime: python\n")
    (slow / "__main__.py").write_text("import time\ntime.sleep(60)\n")
    stopped = start_program(slow)
    kept = start_program(PROGRAMS / "vpclink_to_alb")
    stopped.cancel()
    run = kept.wait(120)
    assert run.project == "seed-vpclink-to-alb" and len(run.resources) > 3
