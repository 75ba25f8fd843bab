"""`pulumi policy analyze --file EXPORT --policy-pack .` agrees with `ferpaguard audit EXPORT`.

Every export fixture in tests/fixtures/exports/ goes through both: the real
engine loading the pack, and ferpaguard's own loader and evaluator. Mandatory
and advisory violations (policy, URN) must be the same sets, and the verdicts
the same. The differences that exist are the ones listed here, each explained.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pulumi_engine import REPO_ROOT, Workspace, ferpaguard, report_settled, report_violations

EXPORTS = REPO_ROOT / "tests" / "fixtures" / "exports"
VALID = sorted(EXPORTS.glob("*.json"))
MALFORMED = sorted(p for p in (EXPORTS / "bad").iterdir() if p.is_file())

# Known differences, each checked below rather than ignored:
# 1. Exit codes. The CLI exits 1 both for mandatory violations and for an input
#    it cannot read; ferpaguard keeps 1 for violations and uses 2 for bad input.
# 2. Why a malformed file is refused. The CLI decodes the deployment into Go
#    types and builds its secrets manager before it looks at any resource, so
#    `resource_without_type.json` and `resource_without_urn.json` (whose
#    passphrase salt is not real base64) are refused for their secrets-manager
#    state, where ferpaguard names the resource that lacks a type or URN.
# 3. Secrets. The CLI cannot decrypt these exports offline and analyses them
#    with every secret replaced by the string "[secret]" (it warns so on
#    stderr); ferpaguard keeps the secret wrapper without the value. No rule
#    gives a different verdict for either form, so the violation sets agree.
REFUSED_BEFORE_RESOURCES = {"resource_without_type.json", "resource_without_urn.json"}


@pytest.mark.parametrize("export", VALID, ids=lambda p: p.name)
def test_engine_and_audit_report_the_same_violations(analyze_workspace: Workspace, export: Path) -> None:
    engine = analyze_workspace.policy_analyze(export)
    # --judge-inputs: `pulumi policy analyze` judges resource rules on inputs; the audit's default judges what is
    # deployed where outputs disagree with inputs (drift), which the engine cannot see.
    audit_code, report, audit_stderr = ferpaguard("audit", "--judge-inputs", str(export))
    assert audit_code in (0, 1), audit_stderr

    # Unknowns the audit settled through a stack rule are unknown to the pack, which keeps the engine's protocol.
    settled = report_settled(report)
    assert settled <= engine.unknowns()
    assert engine.violations("mandatory") == report_violations(report, "mandatory") - settled
    assert engine.violations("advisory") == report_violations(report, "advisory") - settled
    assert engine.returncode == audit_code, engine.diagnostics
    if audit_code == 1:
        assert "mandatory policy violations were found" in engine.stderr
    # Difference 3: secrets reach the engine's analysis redacted, never in clear.
    if '"4dabf18193072939515e22adb298388d"' in export.read_text():
        assert "analyzing with secret values redacted" in engine.stderr


def test_the_seed_export_fails_in_the_engine_too(analyze_workspace: Workspace) -> None:
    """Guards the comparison above against two empty sets agreeing."""
    engine = analyze_workspace.policy_analyze(EXPORTS / "seed_broken.json")
    policies = {policy for policy, _urn in engine.violations("mandatory")}
    assert {"vpclink-target-internal-nlb", "backend-lb-internal", "rds-storage-encrypted-cmk"} <= policies


@pytest.mark.parametrize("export", MALFORMED, ids=lambda p: p.name)
def test_both_refuse_malformed_exports(analyze_workspace: Workspace, export: Path) -> None:
    engine = analyze_workspace.policy_analyze(export)
    audit_code, _report, audit_stderr = ferpaguard("audit", str(export))

    assert audit_code == 2 and audit_stderr.count("\n") == 1 and export.name in audit_stderr
    # Difference 1: the CLI's exit code for an unreadable input is 1, with no violation.
    assert engine.returncode == 1 and not engine.policy_events
    assert str(export) in engine.stderr
    # Difference 2: what the CLI names as the reason.
    if export.name in REFUSED_BEFORE_RESOURCES:
        assert "secrets manager" in engine.stderr
