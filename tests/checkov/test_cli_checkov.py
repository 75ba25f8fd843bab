"""`--with-checkov` end to end: checkov's verdicts beside the pack's, with no unexplained disagreement."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[int, dict]:
    done = subprocess.run([sys.executable, "-m", "ferpaguard", *args, "--with-checkov", "--format", "json"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("gate", "."), 0),
        (("gate", "tests/programs/vpclink_to_alb"), 1),
        (("gate", "tests/programs/unencrypted_redis"), 1),
        (("gate", "tests/programs/http_proxy_public_alb"), 1),
        (("audit", "tests/fixtures/exports/reference_deployed.json"), 0),
        (("audit", "tests/fixtures/exports/seed_broken.json"), 1),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, tuple) else str(v),
)
def test_no_unexplained_disagreement_between_the_pack_and_checkov(args: tuple[str, ...], code: int) -> None:
    exit_code, document = run(*args)
    assert exit_code == code
    checkov = [f for f in document["findings"] if f["source"] == "checkov"]
    assert checkov, "checkov produced no findings"
    assert all(f["enforcement"] == "advisory" for f in checkov)
    assert [d for d in document["disagreements"] if not d["explained"]] == []
    assert "checkov" in document["summary"]["timings"]


def test_checkov_findings_name_pulumi_urns_and_ferpa_controls() -> None:
    _, document = run("audit", "tests/fixtures/exports/seed_broken.json")
    failed = {(f["rule_id"], f["resource_type"]) for f in document["findings"]
              if f["source"] == "checkov" and f["status"] == "fail"}
    assert ("CKV_AWS_96", "aws:rds/cluster:Cluster") in failed
    assert ("CKV_FERPA_1", "aws:apigateway/vpcLink:VpcLink") in failed
    for finding in document["findings"]:
        if finding["source"] == "checkov" and finding["rule_id"].startswith("CKV_AWS_96"):
            assert finding["urn"].startswith("urn:pulumi:")
            assert any(c.startswith("FERPA:") for c in finding["controls"])
