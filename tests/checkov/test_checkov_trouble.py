"""checkov trouble never costs the main verdict or its evidence (issue 14).

Whatever goes wrong on checkov's side (no environment, a crash, a signal, a time-out, output
that is not the runner's JSON, input nested too deeply) the run keeps ferpaguard's findings
and exit code and says in a note that checkov did not run and why. The fakes below are real
executables standing where checkov's Python would be.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ferpaguard.checkov import environment
from ferpaguard.checkov.environment import CheckovPython, CheckovUnavailable
from ferpaguard.checkov.scan import TIMEOUT_ENV, scan

sys.path.insert(0, str(Path(__file__).parent))
import checkov_resource_sets as sets

REPO_ROOT = Path(__file__).resolve().parents[2]

FAKES = {
    "exits-1": ("#!/bin/sh\ncat >/dev/null\necho 'something broke inside' >&2\nexit 1\n",
                r"exited with code 1: something broke inside$"),
    "garbage": ("#!/bin/sh\ncat >/dev/null\necho '<html>not json {'\n",
                r"wrote output that is not ferpaguard's runner result$"),
    "wrong-shape": ("#!/bin/sh\ncat >/dev/null\necho '{\"records\": [{\"check_id\": 7}]}'\n",
                    r"wrote output that is not ferpaguard's runner result$"),
    "killed": ("#!/bin/sh\nkill -9 $$\n", r"was killed by signal 9: no message$"),
    "sleeps": ("#!/bin/sh\nsleep 60 &\necho $! > \"$0.child\"\nwait\n",
               r"^checkov took longer than 1 s and was stopped \(set FERPAGUARD_CHECKOV_TIMEOUT to allow more\)$"),
}


def fake_python(directory: Path, name: str) -> Path:
    path = directory / name / "python"
    path.parent.mkdir(parents=True)
    path.write_text(FAKES[name][0])
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("name", sorted(FAKES))
def test_scan_turns_each_kind_of_trouble_into_one_line(name: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, "1")
    python = CheckovPython(fake_python(tmp_path, name), "a test fake")
    with pytest.raises(CheckovUnavailable, match=FAKES[name][1]) as raised:
        scan(sets.compliant(), python=python)
    assert "\n" not in str(raised.value)
    if name == "sleeps":
        child = int(Path(f"{python.python}.child").read_text())
        deadline = time.monotonic() + 10
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(child), "what checkov started outlived the time-out"


def answering(directory: Path, result: dict) -> CheckovPython:
    """A fake checkov that answers every job with `result`."""
    path = directory / "answering" / "python"
    path.parent.mkdir(parents=True)
    path.write_text(f"#!/bin/sh\ncat >/dev/null\necho '{json.dumps(result)}'\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return CheckovPython(path, "a test fake")


def test_plan_files_checkov_could_not_parse_become_a_note(tmp_path: Path) -> None:
    python = answering(tmp_path, {"checkov_version": "3.3.30", "parsing_errors": ["/x/plan-0.json"], "records": []})
    result = scan(sets.compliant(), python=python)
    assert result.findings == []
    assert result.notes == ["checkov could not parse 1 of its plan file(s): the resources in them have no checkov "
                            "verdict"]


def test_another_checkov_version_is_named_in_a_note(tmp_path: Path) -> None:
    python = answering(tmp_path, {"checkov_version": "2.0.1", "parsing_errors": [], "records": [
        {"check_id": "CKV_AWS_7", "check_name": "Ensure rotation", "resource_address": "aws_kms_key.ferpa-rds-key-dev",
         "result": "FAILED", "evaluated_keys": ["enable_key_rotation"], "severity": None}]})
    code, document, _ = ferpaguard("gate", ".", "--with-checkov", "--checkov-python", str(python.python))
    assert code == 0
    assert [n for n in document["notes"] if "checkov" in n] == [
        f"checkov 2.0.1 ran (--checkov-python), not the pinned {environment.pinned_version()}"]
    checkov = [f for f in document["findings"] if f["source"] == "checkov"]
    assert [(f["rule_id"], f["status"], f["resource_name"]) for f in checkov] == [
        ("CKV_AWS_7", "fail", "ferpa-rds-key-dev")]


def test_an_interpreter_without_checkov_says_so(tmp_path: Path) -> None:
    """ferpaguard's own interpreter is a real Python where checkov is not installed."""
    with pytest.raises(CheckovUnavailable, match=r"exited with code 3: .* cannot import checkov: "
                                                 r"ModuleNotFoundError: No module named 'checkov'$"):
        scan(sets.compliant(), python=CheckovPython(Path(sys.executable), "ferpaguard's own"))


def test_a_timeout_that_is_not_a_number_is_refused(monkeypatch: pytest.MonkeyPatch,
                                                   checkov_python: CheckovPython) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, "soon")
    with pytest.raises(CheckovUnavailable, match="FERPAGUARD_CHECKOV_TIMEOUT='soon' is not a number of seconds"):
        scan(sets.compliant(), python=checkov_python)


def nested(depth: int) -> object:
    value: object = "leaf"
    for _ in range(depth):
        value = {"level": value}
    return value


@pytest.mark.parametrize(("depth", "reason"), [
    (300, r"checkov hit Python's recursion limit \(the plan is nested too deeply\)$"),
    (1500, r"^the resources are nested too deeply to convert for checkov$"),
])
def test_input_nested_too_deeply_for_checkov(depth: int, reason: str, checkov_python: CheckovPython) -> None:
    resources = [sets.resource("aws:kms/key:Key", "k", {"enableKeyRotation": True, "tags": nested(depth)})]
    with pytest.raises(CheckovUnavailable, match=reason):
        scan(resources, python=checkov_python)


def ferpaguard(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict, str]:
    done = subprocess.run([sys.executable, "-m", "ferpaguard", *args, "--format", "json"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=600, check=False, env={**os.environ, **(env or {})})
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(done.stdout), done.stderr


def verdict(document: dict) -> list[tuple[str, str, str]]:
    return sorted((f["rule_id"], f["urn"], f["status"]) for f in document["findings"] if f["source"] != "checkov")


@pytest.fixture(scope="module")
def without_checkov() -> tuple[int, dict]:
    code, document, _ = ferpaguard("gate", "tests/programs/vpclink_to_alb")
    return code, document


@pytest.mark.parametrize("name", sorted(FAKES))
def test_the_gate_keeps_its_verdict_and_says_checkov_did_not_run(name: str, tmp_path: Path,
                                                                 without_checkov: tuple[int, dict]) -> None:
    python = fake_python(tmp_path, name)
    code, document, _ = ferpaguard("gate", "tests/programs/vpclink_to_alb", "--with-checkov", "--checkov-python",
                                   str(python), env={TIMEOUT_ENV: "1"})
    assert code == without_checkov[0] == 1
    assert verdict(document) == verdict(without_checkov[1])
    assert [f for f in document["findings"] if f["source"] == "checkov"] == []
    notes = [n for n in document["notes"] if n.startswith("checkov did not run on ")]
    assert len(notes) == 1 and notes[0].endswith("the findings and exit code for it are ferpaguard's alone")
    assert "checkov" in document["summary"]["timings"]


def test_an_environment_that_cannot_be_created_is_a_note(tmp_path: Path, without_checkov: tuple[int, dict]) -> None:
    """No checkov anywhere and pip cannot reach an index: the first use fails, the run does not."""
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = {"PATH": str(empty_bin), "XDG_CACHE_HOME": str(tmp_path / "cache"), environment.ENV_VAR: "",
           "PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_NO_CACHE_DIR": "1", "PIP_RETRIES": "0",
           "PIP_TIMEOUT": "2", "PIP_FIND_LINKS": "", "PIP_EXTRA_INDEX_URL": ""}
    code, document, stderr = ferpaguard("gate", "tests/programs/vpclink_to_alb", "--with-checkov", env=env)
    assert code == without_checkov[0]
    assert verdict(document) == verdict(without_checkov[1])
    target = tmp_path / "cache" / "ferpaguard" / f"checkov-{environment.pinned_version()}"
    assert f"creating checkov's environment (once) in {target} ..." in stderr
    notes = [n for n in document["notes"] if n.startswith("checkov did not run: ")]
    assert len(notes) == 1
    assert notes[0].startswith(f"checkov did not run: cannot create checkov's environment in {target}: "
                               "`-m pip install` failed: ERROR: ")
    assert not target.exists()


def test_an_audit_of_a_deeply_nested_export_keeps_its_verdict(tmp_path: Path) -> None:
    export = json.loads((REPO_ROOT / "tests/fixtures/exports/seed_broken.json").read_text())
    key = next(r for r in export["deployment"]["resources"] if r["type"] == "aws:kms/key:Key")
    key["inputs"]["tags"] = key["outputs"]["tags"] = {"deep": nested(320)}
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(export))
    plain_code, plain, _ = ferpaguard("audit", str(path))
    code, document, _ = ferpaguard("audit", str(path), "--with-checkov")
    assert code == plain_code == 1
    assert verdict(document) == verdict(plain)
    assert any(n.startswith("checkov did not run on ") and "nested too deeply" in n for n in document["notes"])
