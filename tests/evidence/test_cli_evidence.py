"""Evidence written by real gate runs: official schemas, and reproducibility with SOURCE_DATE_EPOCH."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.evidence.schemas import errors, findings_validator, oscal_validator, sarif_validator

REPO_ROOT = Path(__file__).resolve().parents[2]
ALL = ["json", "sarif", "junit", "markdown", "html", "csv", "oscal"]


def gate(program: str, out: Path, *extra: str, env: dict[str, str] | None = None) -> int:
    args = [sys.executable, "-m", "ferpaguard", "gate", program, "--output-dir", str(out), "--quiet", *extra]
    for fmt in ALL:
        args += ["--format", fmt]
    done = subprocess.run(args, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
                          env={"PATH": os.environ["PATH"], **(env or {})})
    assert "Traceback" not in done.stderr
    return done.returncode


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    found = {}
    for name, program, code in (("reference", ".", 0), ("broken", "tests/programs/vpclink_to_alb", 1)):
        out = tmp_path_factory.mktemp(name)
        assert gate(program, out) == code
        found[name] = out
    return found


@pytest.mark.parametrize("name", ["reference", "broken"])
def test_sarif_and_oscal_validate_against_the_official_schemas(outputs: dict[str, Path], name: str) -> None:
    out = outputs[name]
    assert errors(sarif_validator(), json.loads((out / "findings.sarif").read_text())) == []
    assert errors(oscal_validator("oscal_assessment-results_schema.json"),
                  json.loads((out / "oscal" / "assessment-results.json").read_text())) == []
    assert errors(oscal_validator("oscal_component_schema.json"),
                  json.loads((out / "oscal" / "component-definition.json").read_text())) == []
    assert errors(findings_validator(), json.loads((out / "findings.json").read_text())) == []


def test_broken_program_sarif_points_at_its_pulumi_yaml(outputs: dict[str, Path]) -> None:
    sarif = json.loads((outputs["broken"] / "findings.sarif").read_text())
    results = sarif["runs"][0]["results"]
    link = [r for r in results if r["ruleId"] == "FERPA-LINK-02"]
    assert link
    uri = link[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "tests/programs/vpclink_to_alb/Pulumi.yaml"


def test_two_runs_with_source_date_epoch_are_byte_identical(tmp_path: Path) -> None:
    key = tmp_path / "signing.pem"
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    runs = []
    for index in range(2):
        out = tmp_path / f"run{index}"
        assert gate("tests/programs/vpclink_to_alb", out, "--bundle", "--signing-key", str(key),
                    env={"SOURCE_DATE_EPOCH": "1767225600"}) == 1
        runs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert runs[0].keys() == runs[1].keys()
    assert len(runs[0]) >= 11
    different = [name for name in runs[0] if runs[0][name] != runs[1][name]]
    assert different == []


def test_gate_evidence_is_identical_across_processes_with_different_hash_seeds(tmp_path: Path) -> None:
    """Set and dict orders change with PYTHONHASHSEED; nothing in the evidence may depend on them."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}"
        assert gate(".", out, "--with-checkov", env={"SOURCE_DATE_EPOCH": "1767225600", "PYTHONHASHSEED": seed}) == 0
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert outputs[0].keys() == outputs[1].keys()
    assert [name for name in outputs[0] if outputs[0][name] != outputs[1][name]] == []
