"""What the real Pulumi engine sends the pack, against what ferpaguard's host sends it.

The reference stack is previewed by the real CLI with a recording copy of the
pack, and the same program's resources (from the gate's mock runner) are sent
by ferpaguard/host.py to another recording copy. Every difference allowed here
is written down in docs/engine-fidelity.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pack_recorder import read_recording, write_recording_pack
from pulumi_engine import REPO_ROOT, Workspace

from ferpaguard.host import AnalyzerHost, analyze_all
from ferpaguard.sources.export import load_export
from ferpaguard.sources.program import run_program
from policies.registry import all_rules
from policies.settings import parse

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_SIG = "4dabf18193072939515e22adb298388d"
STACK = "dev"
# The engine asks every resource for remediations first; the pack has none (docs/engine-fidelity.md).
ENGINE_ONLY_CALLS = {"Remediate"}

Recording = tuple[dict[str, Any], list[dict[str, Any]]]


@pytest.fixture(scope="module")
def recordings(workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> tuple[Recording, Recording]:
    root = tmp_path_factory.mktemp("fidelity")
    venv = REPO_ROOT / ".venv"
    engine_log, host_log = root / "engine.jsonl", root / "host.jsonl"

    project = workspace.project_copy(REPO_ROOT, "fidelity-reference")
    workspace.init_stack(project, STACK)
    engine_pack = write_recording_pack(root / "engine-pack", REPO_ROOT, venv, engine_log)
    engine = workspace.preview(project, STACK, pack=engine_pack)
    assert engine.returncode == 0, engine.diagnostics

    program = run_program(REPO_ROOT, stack=STACK)
    host_pack = write_recording_pack(root / "host-pack", REPO_ROOT, venv, host_log)
    with AnalyzerHost(host_pack, project=program.project, stack=program.stack) as host:
        host.configure(parse({}, [rule.meta for rule in all_rules()]))
        analyze_all(host, program.resources)
    return read_recording(engine_log), read_recording(host_log)


def _order(calls: list[dict[str, Any]]) -> list[str]:
    methods: list[str] = []
    for call in calls:
        if call["method"] not in ENGINE_ONLY_CALLS and (not methods or methods[-1] != call["method"]):
            methods.append(call["method"])
    return methods


def _requests(calls: list[dict[str, Any]], method: str) -> list[dict[str, Any]]:
    return [call["request"] for call in calls if call["method"] == method]


def _differences(engine: Any, host: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    if isinstance(engine, dict) and isinstance(host, dict):
        return [
            difference
            for key in sorted(set(engine) | set(host))
            for difference in _differences(engine.get(key, "<absent>"), host.get(key, "<absent>"), f"{path}.{key}")
        ]
    if isinstance(engine, list) and isinstance(host, list) and len(engine) == len(host):
        pairs = enumerate(zip(engine, host, strict=True))
        return [d for i, (e, h) in pairs for d in _differences(e, h, f"{path}[{i}]")]
    return [] if engine == host else [(path, engine, host)]


def test_calls_arrive_in_the_engines_order(recordings: tuple[Recording, Recording]) -> None:
    (_, engine_calls), (_, host_calls) = recordings
    expected = ["ConfigureStack", "GetPluginInfo", "GetAnalyzerInfo", "Configure", "Analyze", "AnalyzeStack", "Cancel"]
    assert _order(engine_calls) == expected
    assert _order(host_calls) == expected
    # The engine asks for remediations once per resource, right before Analyze.
    assert len(_requests(engine_calls, "Remediate")) == len(_requests(engine_calls, "Analyze"))


def test_stack_description_reaches_the_pack_the_same_way(recordings: tuple[Recording, Recording]) -> None:
    (engine_start, engine_calls), (host_start, host_calls) = recordings
    (engine_stack,) = _requests(engine_calls, "ConfigureStack")
    (host_stack,) = _requests(host_calls, "ConfigureStack")
    for field in ("project", "stack", "organization", "dryRun"):
        assert engine_stack[field] == host_stack[field], field
    for name in ("PULUMI_PROJECT", "PULUMI_STACK", "PULUMI_ORGANIZATION", "PULUMI_DRY_RUN"):
        assert engine_start["environment"][name] == host_start["environment"][name], name
    # The engine also passes the stack's configuration (ConfigureStack and PULUMI_CONFIG);
    # the gate gives the pack none, and no ferpaguard policy reads stack configuration.
    assert engine_stack["config"]["aws:region"] == "us-east-1"
    assert '"aws:region":"us-east-1"' in engine_start["environment"]["PULUMI_CONFIG"]
    assert host_start["environment"]["PULUMI_CONFIG"] == "{}"
    # Both start the pack the same way: `-m pulumi.policy ENGINE PACK_DIR` in the pack directory.
    assert len(engine_start["argv"]) == len(host_start["argv"]) == 2
    assert Path(engine_start["cwd"]).name == "engine-pack" and Path(host_start["cwd"]).name == "host-pack"


def test_policy_configuration_is_the_same(recordings: tuple[Recording, Recording]) -> None:
    (_, engine_calls), (_, host_calls) = recordings
    assert _requests(engine_calls, "Configure") == _requests(host_calls, "Configure")


def test_properties_are_encoded_alike(recordings: tuple[Recording, Recording]) -> None:
    """The same wire form, value for value: secret wrappers, unknown sentinels, ids unknown in a preview."""
    (_, engine_calls), (_, host_calls) = recordings
    engine = {r["urn"]: r for r in _requests(engine_calls, "Analyze")}
    host = {r["urn"]: r for r in _requests(host_calls, "Analyze")}
    assert set(host) <= set(engine)
    for urn, request in host.items():
        assert _differences(engine[urn]["properties"], request["properties"]) == [], urn
    sent = str([request["properties"] for request in host.values()])
    assert SECRET_SIG in sent, "the reference stack has secrets (the Redis AUTH token); none reached the pack"
    assert UNKNOWN in sent, "a preview of the reference stack has unknowns; none reached the pack"


def test_engine_analyzes_more_resources_only_where_no_rule_applies(recordings: tuple[Recording, Recording]) -> None:
    (_, engine_calls), (_, host_calls) = recordings
    engine = {r["urn"]: r["type"] for r in _requests(engine_calls, "Analyze")}
    host = {r["urn"] for r in _requests(host_calls, "Analyze")}
    extra = {engine[urn] for urn in set(engine) - host}
    assert extra and all(not t.startswith("aws:") for t in extra), extra


def test_analyze_stack_sends_the_same_graph(recordings: tuple[Recording, Recording]) -> None:
    (_, engine_calls), (_, host_calls) = recordings
    (engine_stack,) = _requests(engine_calls, "AnalyzeStack")
    (host_stack,) = _requests(host_calls, "AnalyzeStack")
    engine = {r["urn"]: r for r in engine_stack["resources"]}
    host = {r["urn"]: r for r in host_stack["resources"]}
    # Under mocks no default provider resource is registered; the engine lists it.
    assert {engine[urn]["type"] for urn in set(engine) - set(host)} == {"pulumi:providers:aws"}
    assert set(host) <= set(engine)

    def dependencies(resource: dict[str, Any]) -> dict[str, set[str]]:
        return {k: set(v.get("urns", [])) for k, v in resource.get("propertyDependencies", {}).items()}

    for urn, resource in host.items():
        assert dependencies(engine[urn]) == dependencies(resource), urn
        assert set(engine[urn].get("dependencies", [])) == set(resource.get("dependencies", [])), urn
        assert engine[urn].get("parent") == resource.get("parent"), urn
    # The engine also sends each resource's options and provider; the host sends neither (no rule reads them).
    assert all("provider" in engine[urn] and "provider" not in host[urn] for urn in host if urn.count("aws:") > 0)


# `pulumi policy analyze --file` against `ferpaguard gate --via-pack`'s audit path (host.py with outputs).
EXPORT = REPO_ROOT / "tests" / "fixtures" / "exports" / "reference_deployed.json"
REDACTED = "[secret]"


@pytest.fixture(scope="module")
def analyze_recordings(
    analyze_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Recording, Recording]:
    root = tmp_path_factory.mktemp("fidelity-analyze")
    venv = REPO_ROOT / ".venv"
    engine_log, host_log = root / "engine.jsonl", root / "host.jsonl"
    engine_pack = write_recording_pack(root / "engine-pack", REPO_ROOT, venv, engine_log)
    engine = analyze_workspace.policy_analyze(EXPORT, pack=engine_pack)
    assert engine.returncode == 0, engine.diagnostics

    export = load_export(EXPORT)
    host_pack = write_recording_pack(root / "host-pack", REPO_ROOT, venv, host_log)
    with AnalyzerHost(host_pack, project=export.project, stack=export.stack, dry_run=False) as host:
        host.configure(parse({}, [rule.meta for rule in all_rules()]))
        analyze_all(host, export.resources, use_outputs=True)
    return read_recording(engine_log), read_recording(host_log)


def _secrets_masked(value: Any) -> Any:
    """Every secret wrapper as one marker. The CLI cannot decrypt the export and sends
    `{sig, "value": "[secret]"}`; ferpaguard's loader keeps `{sig, "ciphertext": ...}`."""
    if isinstance(value, dict):
        if SECRET_SIG in value:
            return "<secret>"
        return {k: _secrets_masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_secrets_masked(v) for v in value]
    return value


def test_analyze_sends_inputs_per_resource_and_outputs_per_stack(
    analyze_recordings: tuple[Recording, Recording],
) -> None:
    (engine_start, engine_calls), (_, host_calls) = analyze_recordings
    assert _order(engine_calls) == _order(host_calls)
    # Without a stack, the engine configures the pack with an empty stack description.
    (engine_stack,) = _requests(engine_calls, "ConfigureStack")
    assert engine_stack == {} and "PULUMI_STACK" not in engine_start["environment"]
    engine = {r["urn"]: r for r in _requests(engine_calls, "Analyze")}
    host = {r["urn"]: r for r in _requests(host_calls, "Analyze")}
    assert set(host) <= set(engine)
    (engine_graph,) = _requests(engine_calls, "AnalyzeStack")
    (host_graph,) = _requests(host_calls, "AnalyzeStack")
    engine_stack_props = {r["urn"]: r["properties"] for r in engine_graph["resources"]}
    for urn, request in host.items():
        host_stack_props = _properties(host_graph, urn)
        assert _differences(_secrets_masked(engine[urn]["properties"]), _secrets_masked(request["properties"])) == []
        assert _differences(_secrets_masked(engine_stack_props[urn]), _secrets_masked(host_stack_props)) == []
    assert REDACTED in str(engine_stack_props), "the export's secrets should reach the pack redacted by the CLI"
    assert "ciphertext" in str([_properties(host_graph, urn) for urn in host])


def _properties(graph: dict[str, Any], urn: str) -> dict[str, Any]:
    return next(r["properties"] for r in graph["resources"] if r["urn"] == urn)
