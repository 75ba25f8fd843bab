"""The example CI pipelines validate against the published schemas, offline, and say what docs/ci.md promises.

Schemas: the GitHub workflow and GitLab CI schemas vendored inside check-jsonschema
(`--builtin-schema vendor.github-workflows` / `vendor.gitlab-ci`); no network is used.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from ferpaguard.cli import cli
from ferpaguard.evidence import FORMATS
from ferpaguard.pipeline import load_settings

GITHUB = Path("examples/ci/github-actions.yml")
GITLAB = Path("examples/ci/gitlab-ci.yml")
POLICY_CONFIG = Path("examples/policy-config.json")

# Inputs each action declares in its action.yml at the major tag the example uses.
ACTION_INPUTS: dict[str, set[str]] = {
    "actions/checkout@v7": {"repository", "ref", "token", "path", "fetch-depth", "persist-credentials"},
    "actions/setup-python@v7": {"python-version", "python-version-file", "cache", "cache-dependency-path",
                                "architecture", "check-latest", "update-environment"},
    "actions/upload-artifact@v7": {"name", "path", "if-no-files-found", "retention-days", "compression-level",
                                   "overwrite", "include-hidden-files", "archive"},
    "github/codeql-action/upload-sarif@v4": {"sarif_file", "checkout_path", "ref", "sha", "token", "matrix",
                                             "category", "wait-for-processing"},
    "aws-actions/configure-aws-credentials@v6": {"aws-region", "role-to-assume", "role-session-name", "audience",
                                                 "role-duration-seconds", "mask-aws-account-id"},
    "pulumi/actions@v7": {"command", "stack-name", "work-dir", "pulumi-version", "cloud-url", "policyPacks",
                          "policyPackConfigs", "comment-on-pr", "comment-on-summary", "refresh", "diff",
                          "expect-no-changes", "upsert", "config-map", "github-token"},
}


def _check(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def _load(path: Path) -> dict[str, Any]:
    # BaseLoader keeps every scalar a string, so GitHub's `on:` stays "on" (YAML 1.1 would make it True).
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def _commands(script: str) -> Iterator[list[str]]:
    """Each `ferpaguard ...` command line of a shell script, continuation lines joined, split like a shell."""
    for line in script.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        if "ferpaguard" in words:
            yield words[words.index("ferpaguard"):]


def _assert_cli_accepts(words: list[str]) -> None:
    command = cli.commands[words[1]]
    options = {opt for param in command.params for opt in param.opts if opt.startswith("-")}
    for word, following in zip(words, [*words[1:], ""], strict=True):
        if word.startswith("--"):
            assert word in options, f"`ferpaguard {words[1]}` has no option {word}"
        if word == "--format":
            assert following in FORMATS, following


def _github_steps(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_id, job in workflow["jobs"].items():
        for step in job["steps"]:
            yield job_id, step


def _github_scripts(workflow: dict[str, Any], job_id: str) -> str:
    return "\n".join(step.get("run", "") for step in workflow["jobs"][job_id]["steps"])


def _gitlab_script(job: dict[str, Any]) -> str:
    return "\n".join(job.get("before_script", []) + job.get("script", []) + job.get("after_script", []))


@pytest.mark.parametrize(("schema", "path"), [("vendor.github-workflows", GITHUB), ("vendor.gitlab-ci", GITLAB)])
def test_example_validates_against_its_published_schema(repo_root: Path, schema: str, path: Path) -> None:
    result = _check(schema, repo_root / path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_rejects_a_github_job_without_runs_on(repo_root: Path, tmp_path: Path) -> None:
    text = (repo_root / GITHUB).read_text(encoding="utf-8")
    assert "    runs-on: ubuntu-latest\n" in text
    broken = tmp_path / "workflow.yml"
    broken.write_text(text.replace("    runs-on: ubuntu-latest\n", "", 1), encoding="utf-8")
    result = _check("vendor.github-workflows", broken)
    assert result.returncode == 1
    assert "'runs-on' is a required property" in result.stdout


def test_schema_check_rejects_an_invalid_gitlab_keyword(repo_root: Path, tmp_path: Path) -> None:
    text = (repo_root / GITLAB).read_text(encoding="utf-8")
    broken = tmp_path / ".gitlab-ci.yml"
    broken.write_text(text.replace("    when: always\n", "    when: sometimes\n", 1), encoding="utf-8")
    result = _check("vendor.gitlab-ci", broken)
    assert result.returncode == 1
    assert "'sometimes' is not one of" in result.stdout


def test_github_gate_job_publishes_sarif_summary_and_bundle(repo_root: Path) -> None:
    workflow = _load(repo_root / GITHUB)
    assert "pull_request" in workflow["on"]
    gate = workflow["jobs"]["gate"]
    assert gate["permissions"]["security-events"] == "write"
    steps = {step.get("uses", "").split("@")[0]: step for step in gate["steps"]}
    sarif = steps["github/codeql-action/upload-sarif"]
    assert sarif["with"]["sarif_file"] == "out/findings.sarif"
    assert "always()" in sarif["if"]
    assert steps["actions/upload-artifact"]["with"]["path"] == "out/"
    assert "always()" in steps["actions/upload-artifact"]["if"]
    assert 'cat out/report.md >> "$GITHUB_STEP_SUMMARY"' in _github_scripts(workflow, "gate")
    (gate_command,) = (w for w in _commands(_github_scripts(workflow, "gate")) if w[1] == "gate")
    formats = {gate_command[i + 1] for i, word in enumerate(gate_command) if word == "--format"}
    assert {"sarif", "markdown", "json"} <= formats
    assert "--bundle" in gate_command
    assert gate_command[gate_command.index("--output-dir") + 1] == "out"


def test_github_preview_job_runs_the_pack_with_oidc_credentials(repo_root: Path) -> None:
    workflow = _load(repo_root / GITHUB)
    preview = workflow["jobs"]["preview"]
    assert preview["permissions"]["id-token"] == "write"
    steps = {step.get("uses", ""): step for step in preview["steps"]}
    assert "role-to-assume" in steps["aws-actions/configure-aws-credentials@v6"]["with"]
    pulumi = steps["pulumi/actions@v7"]
    assert pulumi["with"]["command"] == "preview"
    assert pulumi["with"]["policyPacks"] == "${{ github.workspace }}"
    assert pulumi["with"]["policyPackConfigs"].endswith(POLICY_CONFIG.as_posix())
    assert pulumi["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"


def test_github_scheduled_job_audits_live_stacks(repo_root: Path) -> None:
    workflow = _load(repo_root / GITHUB)
    assert workflow["on"]["schedule"][0]["cron"]
    audit = workflow["jobs"]["audit"]
    assert "schedule" in audit["if"]
    assert "schedule" not in workflow["jobs"]["gate"]["if"]
    assert any(step.get("uses") == "pulumi/actions@v7" and "with" not in step for step in audit["steps"])
    audit_step = next(step for step in audit["steps"] if "ferpaguard audit" in step.get("run", ""))
    assert audit_step["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"
    assert '--stack "$stack"' in audit_step["run"]


def test_github_steps_use_only_inputs_their_actions_declare(repo_root: Path) -> None:
    for job_id, step in _github_steps(_load(repo_root / GITHUB)):
        if "uses" in step:
            assert step["uses"] in ACTION_INPUTS, f"{job_id}: pin {step['uses']} to a version checked here"
            unknown = set(step.get("with", {})) - ACTION_INPUTS[step["uses"]]
            assert not unknown, f"{job_id}: {step['uses']} has no input {sorted(unknown)}"


def test_gitlab_gate_job_reports_junit_and_keeps_evidence(repo_root: Path) -> None:
    pipeline = _load(repo_root / GITLAB)
    gate = pipeline["ferpaguard-gate"]
    assert gate["rules"][0] == {"if": '$CI_PIPELINE_SOURCE == "schedule"', "when": "never"}
    artifacts = gate["artifacts"]
    assert artifacts["when"] == "always"
    assert artifacts["reports"]["junit"] == "out/findings.junit.xml"
    assert "out/" in artifacts["paths"]
    (gate_command,) = (w for w in _commands(_gitlab_script(gate)) if w[1] == "gate")
    formats = {gate_command[i + 1] for i, word in enumerate(gate_command) if word == "--format"}
    assert {"junit", "sarif", "json"} <= formats
    assert "--bundle" in gate_command


def test_gitlab_audit_runs_only_on_schedule(repo_root: Path) -> None:
    pipeline = _load(repo_root / GITLAB)
    audit = pipeline["ferpaguard-audit"]
    assert audit["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    assert any(words[1] == "audit" for words in _commands(_gitlab_script(audit)))
    assert "get.pulumi.com" in _gitlab_script(audit)
    preview_script = _gitlab_script(pipeline["pulumi-preview"])
    assert "--policy-pack ." in preview_script
    assert f"--policy-pack-config {POLICY_CONFIG.as_posix()}" in preview_script


@pytest.mark.parametrize("path", [GITHUB, GITLAB])
def test_every_ferpaguard_command_uses_real_options(repo_root: Path, path: Path) -> None:
    document = _load(repo_root / path)
    scripts = [step.get("run", "") for _, step in _github_steps(document)] if path == GITHUB else [
        _gitlab_script(job) for name, job in document.items() if isinstance(job, dict) and "script" in job]
    commands = [words for script in scripts for words in _commands(script)]
    assert {words[1] for words in commands} >= {"gate", "audit"}
    for words in commands:
        _assert_cli_accepts(words)


def test_policy_config_used_by_the_examples_is_valid(repo_root: Path) -> None:
    raw = json.loads((repo_root / POLICY_CONFIG).read_text(encoding="utf-8"))
    settings = load_settings(repo_root / POLICY_CONFIG)
    assert set(raw) <= set(settings.policies)
    assert settings.policies["log-retention"].properties["minimumDays"] == raw["log-retention"]["minimumDays"]
    assert settings.policies["vpc-flow-logs"].enforcement == raw["vpc-flow-logs"] == "mandatory"
