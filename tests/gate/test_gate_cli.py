"""`ferpaguard gate` end to end, as a user runs it: exit codes, named problems, outputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = REPO_ROOT / "tests" / "programs"


def ferpaguard(*args: str, cwd: Path = REPO_ROOT, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ferpaguard", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        input=stdin.decode() if stdin else None,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "COLUMNS": "200"},
    )


def gate_json(program: Path, *extra: str) -> tuple[int, dict]:
    done = ferpaguard("gate", str(program), "--format", "json", *extra)
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(done.stdout)


def failing(document: dict, enforcement: str = "mandatory") -> set[str]:
    return {f["rule_id"] for f in document["findings"] if f["status"] == "fail" and f["enforcement"] == enforcement}


@pytest.fixture(scope="module")
def reference() -> tuple[int, dict]:
    return gate_json(REPO_ROOT)


def test_reference_stack_has_no_mandatory_failure(reference: tuple[int, dict]) -> None:
    code, document = reference
    assert code == 0
    assert failing(document) == set()
    assert document["summary"]["mandatory_failures"] == 0
    assert len({f["urn"] for f in document["findings"]}) > 40


def test_reference_stack_resolves_preview_unknowns_through_the_graph(reference: tuple[int, dict]) -> None:
    _, document = reference
    by_rule = {}
    for f in document["findings"]:
        by_rule.setdefault(f["rule_id"], set()).add(f["status"])
    # The key ARN is computed: unknown to the resource rule, resolved by FERPA-ENC-11 (never a silent pass).
    assert by_rule["FERPA-ENC-01"] == {"pass"}
    assert {f["evidence"].get("resolvedBy") for f in document["findings"] if f["rule_id"] == "FERPA-ENC-01"} == {
        "FERPA-ENC-11"}
    assert by_rule["FERPA-ENC-11"] == {"pass"}  # ...and resolves to a KMS key of the stack
    assert by_rule["FERPA-LINK-02"] == {"pass"}


def test_findings_carry_the_documented_fields(reference: tuple[int, dict]) -> None:
    _, document = reference
    required = {"rule_id", "policy", "status", "enforcement", "urn", "resource_type", "message", "source", "controls"}
    for finding in document["findings"]:
        assert required <= finding.keys()
        assert finding["status"] in {"fail", "pass", "unknown", "waived", "not_applicable"}
        assert finding["enforcement"] in {"mandatory", "advisory", "disabled"}
        assert finding["source"] == "ferpaguard"


@pytest.mark.parametrize(
    ("program", "argument"),
    [("target_arns", "target_arns"), ("deployment_stage_name", "stage_name")],
)
def test_sdk_misuse_exits_2_naming_file_line_and_argument(program: str, argument: str) -> None:
    done = ferpaguard("gate", str(PROGRAMS / program))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "__main__.py:" in lines[0] and f"'{argument}'" in lines[0]


@pytest.mark.parametrize(
    ("program", "expected_code", "mandatory", "advisory"),
    [
        ("vpclink_to_alb", 1, {"FERPA-LINK-02"}, set()),
        ("http_proxy_public_alb", 1, {"FERPA-TLS-03", "FERPA-NET-05", "FERPA-NET-03"}, set()),
        ("unencrypted_redis", 1, {"FERPA-ENC-03", "FERPA-TLS-01"}, set()),
        ("public_aurora", 1, {"FERPA-NET-01", "FERPA-ENC-01"}, set()),
        ("missing_flow_logs", 0, set(), {"FERPA-LOG-04"}),
        ("no_backups", 0, set(), {"FERPA-RES-01"}),
        ("wildcard_iam", 0, set(), {"FERPA-IAM-01"}),
    ],
)
def test_seed_defects_give_their_exit_code_and_rule(
    program: str, expected_code: int, mandatory: set[str], advisory: set[str]
) -> None:
    code, document = gate_json(PROGRAMS / program)
    assert code == expected_code
    assert mandatory <= failing(document)
    assert advisory <= failing(document, "advisory")


def test_http_proxy_uri_built_from_an_unknown_dns_name_is_unknown_not_pass() -> None:
    """`uri=alb.dns_name.apply(lambda d: f"http://{d}/...")` cannot be read during preview, as in `pulumi preview`."""
    _, document = gate_json(PROGRAMS / "http_proxy_public_alb")
    integrations = [f for f in document["findings"] if f["resource_type"] == "aws:apigateway/integration:Integration"]
    assert {f["status"] for f in integrations if f["rule_id"] == "FERPA-TLS-05"} == {"unknown"}


def test_soft_fail_exits_0_with_the_same_findings() -> None:
    code, document = gate_json(PROGRAMS / "vpclink_to_alb", "--soft-fail")
    assert code == 0
    assert "FERPA-LINK-02" in failing(document)


def test_output_dir_writes_findings_json(tmp_path: Path) -> None:
    done = ferpaguard("gate", str(PROGRAMS / "vpclink_to_alb"), "--output-dir", str(tmp_path), "--quiet")
    assert done.returncode == 1
    document = json.loads((tmp_path / "findings.json").read_text())
    assert "FERPA-LINK-02" in failing(document)
    assert done.stdout == ""


def test_policy_config_can_disable_a_rule_and_waive_a_resource(tmp_path: Path) -> None:
    config = tmp_path / "policy.json"
    config.write_text(
        json.dumps(
            {
                "vpclink-target-internal-nlb": {
                    "waivers": [
                        {
                            "resource": "student-vpc-link-*",
                            "reason": "migration to NLB in progress",
                            "approver": "ciso@example.edu",
                            "expires": "2999-01-01",
                        }
                    ]
                },
            }
        )
    )
    code, document = gate_json(PROGRAMS / "vpclink_to_alb", "--policy-config", str(config))
    assert code == 0
    waived = [f for f in document["findings"] if f["status"] == "waived"]
    # LINK-01's unknown target is settled by LINK-02: LINK-02's waiver covers that finding too.
    assert waived and all("FERPA-LINK-02" in (f["rule_id"], f["evidence"].get("resolvedBy")) for f in waived)
    assert waived[0]["waiver"]["approver"] == "ciso@example.edu"


def test_expired_waiver_is_a_violation_again(tmp_path: Path) -> None:
    config = tmp_path / "policy.json"
    config.write_text(
        json.dumps(
            {
                "vpclink-target-internal-nlb": {
                    "waivers": [
                        {"resource": "student-vpc-link-*", "reason": "r", "approver": "a", "expires": "2020-01-01"}
                    ]
                }
            }
        )
    )
    code, document = gate_json(PROGRAMS / "vpclink_to_alb", "--policy-config", str(config))
    assert code == 1
    assert any("waiver expired 2020-01-01" in f["message"] for f in document["findings"] if f["status"] == "fail")


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ({"no-such-policy": "mandatory"}, "no-such-policy"),
        ({"log-retention": {"minimumDays": "a year"}}, "log-retention.minimumDays"),
        ({"log-retention": {"enforcementLevel": "sometimes"}}, "log-retention.enforcementLevel"),
        ({"backend-lb-internal": {"waivers": [{"resource": "x"}]}}, "backend-lb-internal.waivers.0"),
    ],
)
def test_bad_policy_config_exits_2_naming_the_key(tmp_path: Path, config: dict, named: str) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(config))
    done = ferpaguard("gate", str(PROGRAMS / "no_backups"), "--policy-config", str(path))
    assert done.returncode == 2
    assert named in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["gate", "/nonexistent/program"],
        ["gate", str(PROGRAMS / "no_backups"), "--format", "sarif"],
        ["gate", str(PROGRAMS / "no_backups"), "--format", "yaml", "--output-dir", "/tmp/x"],
        ["gate", str(PROGRAMS / "no_backups"), "--config", "novalue"],
        ["gate", str(PROGRAMS / "no_backups"), "--no-such-flag"],
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str]) -> None:
    done = ferpaguard(*args)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith("ferpaguard: error:")
