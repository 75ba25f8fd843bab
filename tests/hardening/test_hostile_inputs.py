"""Inputs ferpaguard did not write, from CI on files nobody reviewed: every case ends quickly with
exit 2 and one line that names the file (and line) or the variable, leaves nothing half-written,
and never reaches an `internal error:` line. Inputs are generated here; nothing large is committed.

Resource cases run as real processes under an address-space limit (RLIMIT_AS), so an input that
made ferpaguard grow without bound fails the test by running out of memory instead of swapping.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hardening import tally
from tests.hardening.cli_runner import REPO_ROOT, Done, assert_kept_promise, run_in_process

EXPORTS = REPO_ROOT / "tests" / "fixtures" / "exports"
BROKEN = EXPORTS / "seed_broken.json"
GUARD_SECONDS = 60  # generous: the cases below end in well under five seconds on the project machine
AUDIT_MEMORY = 1536 << 20
GATE_MEMORY = 4 << 30  # the gate's child imports pulumi and grpc, which reserve much address space

ALIAS_BOMB = """name: bomb
runtime: python
config:
  bomb:a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
  bomb:b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  bomb:c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  bomb:d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  bomb:e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  bomb:f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
  bomb:g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
  bomb:h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
  bomb:i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def run_limited(*args: str, memory: int, cwd: Path = REPO_ROOT, stdin: int | None = None,
                env: dict[str, str] | None = None) -> tuple[Done, float]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NO_COLOR": "1", "HOME": os.environ.get("HOME", "/tmp"),
            "PYTHONPATH": str(REPO_ROOT)}
    began = time.monotonic()
    with tally.timed("hostile inputs (bounded processes)"):
        done = subprocess.run([sys.executable, "-m", "ferpaguard", *args], cwd=cwd, capture_output=True,
                              timeout=GUARD_SECONDS, env=base | (env or {}), preexec_fn=limit, stdin=stdin,
                              check=False)
    seconds = time.monotonic() - began
    tally.count("hostile inputs (bounded processes)")
    return Done(done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")), seconds


def assert_one_line(done: Done, *expected: str) -> str:
    assert done.code == 2, done
    assert_kept_promise(done)
    line = done.error_lines[0]
    for text in expected:
        assert text in line, line
    return line


def project(directory: Path, pulumi_yaml: str | bytes, program: str = "import pulumi\n",
            stack_config: str | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    data = pulumi_yaml.encode() if isinstance(pulumi_yaml, str) else pulumi_yaml
    (directory / "Pulumi.yaml").write_bytes(data)
    (directory / "__main__.py").write_text(program)
    if stack_config is not None:
        (directory / "Pulumi.dev.yaml").write_text(stack_config)
    return directory


# Resource bounds


def test_yaml_alias_bomb_in_pulumi_yaml_is_refused_within_memory(tmp_path: Path) -> None:
    program = project(tmp_path / "bomb", ALIAS_BOMB)
    done, _ = run_limited("gate", str(program), memory=GATE_MEMORY)
    assert_one_line(done, "Pulumi.yaml", "alias")


def test_yaml_alias_bomb_in_stack_config_is_refused_within_memory(tmp_path: Path) -> None:
    bomb_config = ALIAS_BOMB.replace("name: bomb\nruntime: python\n", "")
    program = project(tmp_path / "bomb", "name: bomb\nruntime: python\n", stack_config=bomb_config)
    done, _ = run_limited("gate", str(program), memory=GATE_MEMORY)
    assert_one_line(done, "Pulumi.dev.yaml", "alias")


def test_a_recursive_yaml_alias_is_refused(tmp_path: Path) -> None:
    program = project(tmp_path / "loop", "name: loop\nruntime: python\nconfig:\n  loop:x: &x [1, *x]\n")
    assert_one_line(run_in_process("gate", str(program)), "Pulumi.yaml", "recursive alias")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_export_is_refused_before_reading(device: str) -> None:
    done, _ = run_limited("audit", device, memory=AUDIT_MEMORY)
    assert_one_line(done, device, "not a regular file")


def test_a_device_as_policy_config_is_refused_before_reading() -> None:
    done, _ = run_limited("audit", str(BROKEN), "--policy-config", "/dev/zero", memory=AUDIT_MEMORY)
    assert_one_line(done, "/dev/zero", "not a regular file")


def test_a_fifo_as_export_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "export.json"
    os.mkfifo(fifo)
    done, _ = run_limited("audit", str(fifo), memory=AUDIT_MEMORY)
    assert_one_line(done, str(fifo), "a pipe")


def test_endless_standard_input_stops_at_the_limit() -> None:
    with open("/dev/zero", "rb") as zeros:
        done, _ = run_limited("audit", "-", memory=AUDIT_MEMORY, stdin=zeros.fileno(),
                              env={"FERPAGUARD_MAX_EXPORT_BYTES": "64M"})
    assert_one_line(done, "<stdin>", "64 MiB", "FERPAGUARD_MAX_EXPORT_BYTES")


def test_standard_input_within_the_limit_is_still_audited() -> None:
    with BROKEN.open("rb") as export:
        done, _ = run_limited("audit", "-", "--quiet", memory=AUDIT_MEMORY, stdin=export.fileno())
    assert done.code == 1, done


def test_an_export_over_the_default_limit_is_refused_by_its_size(tmp_path: Path) -> None:
    sparse = tmp_path / "huge.json"
    with sparse.open("wb") as handle:
        handle.truncate((1 << 30) + 1)  # sparse: no disk used, nothing read
    done, _ = run_limited("audit", str(sparse), memory=AUDIT_MEMORY)
    assert_one_line(done, str(sparse), "1 GiB limit", "FERPAGUARD_MAX_EXPORT_BYTES")


def test_the_limit_can_be_raised_and_a_bad_value_is_named(tmp_path: Path) -> None:
    done, _ = run_limited("audit", str(BROKEN), "--quiet", memory=AUDIT_MEMORY,
                          env={"FERPAGUARD_MAX_EXPORT_BYTES": "1K"})
    assert_one_line(done, "1 KiB limit")
    done, _ = run_limited("audit", str(BROKEN), "--quiet", memory=AUDIT_MEMORY,
                          env={"FERPAGUARD_MAX_EXPORT_BYTES": "lots"})
    assert_one_line(done, "FERPAGUARD_MAX_EXPORT_BYTES='lots'")


def test_the_bounded_cases_end_in_seconds(tmp_path: Path) -> None:
    """One guard over the worst of the cases above, run again: each ended far below the guard."""
    program = project(tmp_path / "bomb", ALIAS_BOMB)
    worst = max(
        run_limited("gate", str(program), memory=GATE_MEMORY)[1],
        run_limited("audit", "/dev/zero", memory=AUDIT_MEMORY)[1],
        run_limited("audit", str(BROKEN), "--policy-config", "/dev/zero", memory=AUDIT_MEMORY)[1],
    )
    assert worst < GUARD_SECONDS / 2, worst


def test_config_over_the_environment_limit_is_said_as_such(tmp_path: Path) -> None:
    program = project(tmp_path / "big", "name: big\nruntime: python\n",
                      stack_config="config:\n  big:blob: " + "x" * 200_000 + "\n")
    line = assert_one_line(run_in_process("gate", str(program)), "128 KiB", "PULUMI_CONFIG", "big:blob")
    assert "x" * 100 not in line


# Error lines


def test_utf16_pulumi_yaml_names_the_file(tmp_path: Path) -> None:
    program = project(tmp_path / "utf16", "name: utf16\nruntime: python\n".encode("utf-16"))
    assert_one_line(run_in_process("gate", str(program)), str(program / "Pulumi.yaml"), "UTF-16")


def test_non_utf8_stack_config_names_the_file(tmp_path: Path) -> None:
    program = project(tmp_path / "latin1", "name: latin1\nruntime: python\n")
    (program / "Pulumi.dev.yaml").write_bytes("config:\n  latin1:name: café\n".encode("latin-1"))
    assert_one_line(run_in_process("gate", str(program)), "Pulumi.dev.yaml", "not UTF-8")


def test_yaml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    program = project(tmp_path / "syntax", "name: syntax\nruntime: python\nconfig:\n  a: [unclosed\n")
    assert_one_line(run_in_process("gate", str(program)), "Pulumi.yaml", "line ")


@pytest.mark.parametrize(
    ("files", "location"),
    [
        ({"__main__.py": "import pulumi\n\nvalue = (1,\ndef broken(:\n    pass\n"}, "__main__.py:4"),
        ({"__main__.py": "import pulumi\nimport helper\n", "helper.py": "x = = 1\n"}, "helper.py:1"),
    ],
    ids=["main", "imported-module"],
)
def test_a_syntax_error_in_the_program_names_its_file_and_line(tmp_path: Path, files: dict[str, str],
                                                               location: str) -> None:
    program = project(tmp_path / "syntax", "name: syntax\nruntime: python\n", program=files["__main__.py"])
    for name, text in files.items():
        (program / name).write_text(text)
    line = assert_one_line(run_in_process("gate", str(program)), location, "SyntaxError")
    assert "frozen" not in line and "importlib" not in line, line


def test_an_empty_export_path_is_named_as_such() -> None:
    line = assert_one_line(run_in_process("audit", ""), "empty path")
    assert "is a directory" not in line


@pytest.mark.parametrize(
    ("value", "expected"),
    [("99999999999999999999", "after 9999-12-31"), ("253402300800", "after 9999-12-31"),
     ("yesterday", "not a whole number"), ("1.5", "not a whole number"), ("-1", "not a whole number")],
)
def test_an_unusable_source_date_epoch_is_named(value: str, expected: str, monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    out = tmp_path / "out"
    assert_one_line(run_in_process("audit", str(BROKEN), "--output-dir", str(out)), "SOURCE_DATE_EPOCH", expected)
    assert not out.exists()


# Findings counted once


def test_the_same_export_twice_is_audited_once_and_said(tmp_path: Path) -> None:
    copy = tmp_path / "copy.json"
    copy.write_bytes(BROKEN.read_bytes())
    once = json.loads(run_in_process("audit", str(BROKEN), "--format", "json").stdout)
    twice_done = run_in_process("audit", str(BROKEN), str(BROKEN), str(copy), "--format", "json")
    assert twice_done.code == 1, twice_done
    twice = json.loads(twice_done.stdout)
    assert len(twice["findings"]) == len(once["findings"]) > 0
    assert twice["summary"]["by_status"] == once["summary"]["by_status"]
    assert sum("audited once" in note for note in twice["notes"]) == 2


# Nothing half-written


def write_key(path: Path, text: bytes) -> Path:
    path.write_bytes(text)
    return path


@pytest.mark.parametrize(
    "key_text",
    [b"not a key\n", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", b""],
    ids=["garbage", "corrupt-pem", "empty"],
)
def test_an_unusable_signing_key_writes_nothing(tmp_path: Path, key_text: bytes) -> None:
    key = write_key(tmp_path / "key.pem", key_text)
    out = tmp_path / "out"
    done = run_in_process("audit", str(BROKEN), "--output-dir", str(out), "--format", "json", "--format", "csv",
                          "--bundle", "--signing-key", str(key))
    assert_one_line(done, "--signing-key", str(key))
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [key]


def test_a_writer_failing_midway_leaves_no_partial_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ferpaguard import evidence

    def broken_writer(view: object, directory: Path) -> list[Path]:
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(evidence.WRITERS, "csv", broken_writer)
    out = tmp_path / "out"
    done = run_in_process("audit", str(BROKEN), "--output-dir", str(out), "--format", "json", "--format", "csv",
                          "--bundle")
    assert_one_line(done, str(out), "No space left on device")
    assert list(tmp_path.iterdir()) == []  # neither the target nor the staging directory


def test_a_failure_keeps_an_existing_output_directory_as_it_was(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert run_in_process("audit", str(BROKEN), "--output-dir", str(out), "--bundle", "-q").code == 1
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    from ferpaguard.evidence import bundle

    def failing_signer(*args: object, **kwargs: object) -> list[Path]:
        raise bundle.BundleError("signing device unplugged")

    monkeypatch.setattr("ferpaguard.evidence.write_bundle", failing_signer)
    assert_one_line(run_in_process("audit", str(BROKEN), "--output-dir", str(out), "--bundle", "--format", "csv"),
                    "signing device unplugged")
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_bundle_refuses_foreign_files_before_touching_the_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    assert_one_line(run_in_process("audit", str(BROKEN), "--output-dir", str(out), "--bundle"), "notes.txt")
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_output_dir_that_is_a_file_is_refused_before_evaluating(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("a file\n")
    assert_one_line(run_in_process("audit", str(BROKEN), "--output-dir", str(target)), str(target), "is a file")
    assert target.read_text() == "a file\n"


# Waivers


@pytest.mark.parametrize("field", ["reason", "approver", "resource"])
def test_a_waiver_of_whitespace_is_refused(tmp_path: Path, field: str) -> None:
    waiver = {"resource": "student-db", "reason": "migration window", "approver": "ciso@example.edu",
              "expires": "2099-12-31"}
    waiver[field] = " \t\n "
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"rds-storage-encrypted-cmk": {"waivers": [waiver]}}))
    line = assert_one_line(run_in_process("audit", str(BROKEN), "--policy-config", str(config)),
                           str(config), "waivers", field, "real text")
    assert "\t" not in line
