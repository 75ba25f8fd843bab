"""`ferpaguard audit` end to end on hand-written `pulumi stack export` files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
EXPORTS = REPO_ROOT / "tests" / "fixtures" / "exports"
BAD = EXPORTS / "bad"
MARKER = "FERPA-LEAK-MARKER"
ALL_FORMATS = ["json", "sarif", "junit", "markdown", "html", "csv", "oscal"]


def ferpaguard(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "ferpaguard", *args], cwd=REPO_ROOT, capture_output=True,
                          timeout=300, input=stdin, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "COLUMNS": "200"})


def mandatory(document: dict) -> set[tuple[str, str]]:
    return {(f["rule_id"], f["resource_type"]) for f in document["findings"]
            if f["status"] == "fail" and f["enforcement"] == "mandatory"}


def test_reference_export_passes() -> None:
    done = ferpaguard("audit", str(EXPORTS / "reference_deployed.json"), "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert mandatory(document) == set()
    assert document["summary"]["resources"] > 30


def test_seed_broken_export_fails_in_all_four_headline_families() -> None:
    done = ferpaguard("audit", str(EXPORTS / "seed_broken.json"), "--format", "json")
    assert done.returncode == 1
    failures = mandatory(json.loads(done.stdout))
    families = {rule.split("-")[1] for rule, _ in failures}
    assert {"ENC", "TLS", "NET", "LINK"} <= families
    failing_types = {t for _, t in failures}
    assert {"aws:rds/cluster:Cluster", "aws:apigateway/vpcLink:VpcLink",
            "aws:elasticache/replicationGroup:ReplicationGroup"} <= failing_types


def test_no_secret_plaintext_in_any_output(tmp_path: Path) -> None:
    assert MARKER in (EXPORTS / "seed_broken.json").read_text(), "the fixture must carry the marker secret"
    args = ["audit", str(EXPORTS / "seed_broken.json"), "--output-dir", str(tmp_path), "--bundle", "--show-passed"]
    for fmt in ALL_FORMATS:
        args += ["--format", fmt]
    done = ferpaguard(*args)
    assert done.returncode == 1
    assert MARKER.encode() not in done.stdout + done.stderr
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) >= 9
    for path in written:
        assert MARKER.encode() not in path.read_bytes(), path.name
    stdout_json = ferpaguard("audit", str(EXPORTS / "seed_broken.json"), "--format", "json", "--show-passed")
    assert MARKER.encode() not in stdout_json.stdout + stdout_json.stderr


def test_stdin_and_several_stacks_in_one_report() -> None:
    data = (EXPORTS / "seed_broken.json").read_bytes()
    done = ferpaguard("audit", "-", str(EXPORTS / "reference_deployed.json"), "--format", "json", stdin=data)
    assert done.returncode == 1
    document = json.loads(done.stdout)
    stacks = document["summary"]["stacks"]
    assert len(stacks) == 2
    assert sorted(s["mandatory_failures"] > 0 for s in stacks.values()) == [False, True]
    assert all(f["stack"] for f in document["findings"])


@pytest.mark.parametrize("path", sorted(BAD.iterdir()), ids=lambda p: p.name)
def test_bad_input_exits_2_with_one_line_naming_the_file(path: Path) -> None:
    done = ferpaguard("audit", str(path))
    assert done.returncode == 2
    err = done.stderr.decode()
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and path.name in err


def test_stack_option_without_pulumi_cli_is_a_clear_error() -> None:
    done = ferpaguard("audit", "--stack", "acme/records/prod")
    assert done.returncode == 2
    assert "Pulumi CLI is not installed" in done.stderr.decode()


def test_audit_without_inputs_is_a_usage_error() -> None:
    done = ferpaguard("audit")
    assert done.returncode == 2
    assert done.stderr.decode().startswith("ferpaguard: error:")
