"""`ferpaguard evidence verify` as a user runs it after a gate with --bundle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def ferpaguard(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ferpaguard", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=300, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})


def test_bundle_verifies_then_fails_after_a_one_byte_change(tmp_path: Path) -> None:
    out = tmp_path / "evidence"
    done = ferpaguard("audit", "tests/fixtures/exports/reference_deployed.json", "--output-dir", str(out),
                      "--format", "json", "--format", "html", "--bundle", "--quiet")
    assert done.returncode == 0, done.stderr
    assert ferpaguard("evidence", "verify", str(out)).returncode == 0
    public = out / "manifest.pub.pem"
    assert ferpaguard("evidence", "verify", str(out), "--public-key", str(public)).returncode == 0
    report = out / "report.html"
    data = bytearray(report.read_bytes())
    data[100] ^= 0x01
    report.write_bytes(bytes(data))
    broken = ferpaguard("evidence", "verify", str(out))
    assert broken.returncode == 1
    assert "report.html" in broken.stdout


def test_directory_that_is_not_a_bundle_exits_2(tmp_path: Path) -> None:
    done = ferpaguard("evidence", "verify", str(tmp_path))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1


def test_unusable_signing_key_is_an_input_error(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_text("not a key")
    done = ferpaguard("audit", "tests/fixtures/exports/reference_deployed.json", "--output-dir", str(tmp_path / "o"),
                      "--bundle", "--signing-key", str(key), "--quiet")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def _bundle(out: Path) -> None:
    done = ferpaguard("audit", "tests/fixtures/exports/reference_deployed.json", "--output-dir", str(out),
                      "--format", "json", "--format", "oscal", "--bundle", "--quiet")
    assert done.returncode == 0, done.stderr


def test_a_symlinked_directory_fails_verification(tmp_path: Path) -> None:
    out = tmp_path / "evidence"
    _bundle(out)
    elsewhere = tmp_path / "elsewhere"
    (out / "oscal").rename(elsewhere)
    (out / "oscal").symlink_to(elsewhere, target_is_directory=True)
    done = ferpaguard("evidence", "verify", str(out))
    assert done.returncode == 1
    assert "symlink: oscal" in done.stdout


def test_a_malformed_manifest_fails_verification_without_a_traceback(tmp_path: Path) -> None:
    import json

    out = tmp_path / "evidence"
    _bundle(out)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["files"] = 5
    (out / "manifest.json").write_text(json.dumps(manifest))
    done = ferpaguard("evidence", "verify", str(out))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_verification_without_a_key_says_it_proves_integrity_only(tmp_path: Path) -> None:
    out = tmp_path / "evidence"
    _bundle(out)
    done = ferpaguard("evidence", "verify", str(out))
    assert done.returncode == 0
    assert "integrity only" in done.stdout


def test_bundle_refuses_to_sign_files_this_run_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "evidence"
    out.mkdir()
    (out / "notes-from-last-week.txt").write_text("not evidence of this run")
    done = ferpaguard("audit", "tests/fixtures/exports/reference_deployed.json", "--output-dir", str(out),
                      "--bundle", "--quiet")
    assert done.returncode == 2
    assert "notes-from-last-week.txt" in done.stderr
    assert not (out / "manifest.json").exists()
