"""An analyzer host that runs the pack exactly as the Pulumi CLI does.

The CLI's Python language host starts a policy pack with
`python -u -m pulumi.policy <engine-address> <pack-dir>` in the pack directory,
with PULUMI_* variables describing the stack, reads the gRPC port the pack
prints on stdout, forwards the engine's ConfigureStack, and then the engine
calls GetPluginInfo, GetAnalyzerInfo, Configure, Analyze (once per resource),
AnalyzeStack and finally Cancel over the Analyzer protocol. What the real
engine sends and where this host differs is in docs/engine-fidelity.md
(checked by tests/e2e/test_engine_fidelity.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, plugin_pb2

from policies.model import Enforcement, Finding, Resource, Status
from policies.registry import all_rules
from policies.settings import PackSettings

ENGINE_ADDRESS = "127.0.0.1:1"
START_TIMEOUT = 60.0
UNKNOWN_MARKER = "during preview: "

_LEVELS = {
    Enforcement.ADVISORY: analyzer_pb2.ADVISORY,
    Enforcement.MANDATORY: analyzer_pb2.MANDATORY,
    Enforcement.DISABLED: analyzer_pb2.DISABLED,
}
_LEVEL_NAMES = {
    analyzer_pb2.ADVISORY: Enforcement.ADVISORY,
    analyzer_pb2.MANDATORY: Enforcement.MANDATORY,
    analyzer_pb2.DISABLED: Enforcement.DISABLED,
}


class HostError(Exception):
    """The pack could not be started or stopped answering; one line for the user."""


def _struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(json.loads(json.dumps(values, default=str)))
    return message


def _summarise(stderr: str, limit: int = 3) -> str:
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    return " | ".join(lines[-limit:]) if lines else "no output on stderr"


class AnalyzerHost:
    """Launches a policy pack and talks to it over gRPC. Use as a context manager."""

    def __init__(
        self,
        pack_dir: Path,
        *,
        project: str = "ferpaguard",
        stack: str = "dev",
        organization: str = "organization",
        dry_run: bool = True,
        stack_config: Mapping[str, str] | None = None,
        python: str = sys.executable,
    ) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        self._stack_request = analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=stack, project=project, organization=organization, dry_run=dry_run, config=dict(stack_config or {})
        )
        env = dict(os.environ)
        env.update(
            {
                "PULUMI_PROJECT": project,
                "PULUMI_STACK": stack,
                "PULUMI_ORGANIZATION": organization,
                "PULUMI_DRY_RUN": "true" if dry_run else "false",
                # As the language host's policy proxy writes it (Go's encoding/json: sorted, compact).
                "PULUMI_CONFIG": json.dumps(dict(stack_config or {}), sort_keys=True, separators=(",", ":")),
                "PYTHONUNBUFFERED": "1",
            }
        )
        self._command = [python, "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, str(self.pack_dir)]
        self._env = env
        self._process: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._stderr: list[str] = []
        self.stub: analyzer_pb2_grpc.AnalyzerStub | None = None

    def __enter__(self) -> AnalyzerHost:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def start(self) -> int:
        process = subprocess.Popen(
            self._command,
            cwd=self.pack_dir,
            env=self._env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._process = process
        assert process.stdout is not None and process.stderr is not None
        threading.Thread(target=self._drain, args=(process.stderr,), daemon=True).start()
        port_line: list[bytes] = []
        reader = threading.Thread(target=lambda: port_line.append(process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        line = port_line[0].decode(errors="replace").strip() if port_line else ""
        if not line.isdigit():
            process.kill()
            process.wait(5)
            raise HostError(f"policy pack at {self.pack_dir} did not start: {_summarise(self.stderr)}")
        self.port = int(line)
        self._channel = grpc.insecure_channel(
            f"127.0.0.1:{self.port}",
            options=[
                ("grpc.max_receive_message_length", 400 * 1024 * 1024),
                ("grpc.max_send_message_length", 400 * 1024 * 1024),
            ],
        )
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        self._configure_stack()
        return self.port

    def _configure_stack(self) -> None:
        """The first call the pack receives from the engine (forwarded by the language host's proxy)."""
        assert self.stub is not None
        try:
            self.stub.ConfigureStack(self._stack_request, timeout=120)
        except grpc.RpcError as error:
            if error.code() is grpc.StatusCode.UNIMPLEMENTED:
                return  # an older pulumi-policy without ConfigureStack: the engine goes on too
            self.close()
            raise HostError(
                f"policy pack failed during ConfigureStack: {error.code().name}: {_summarise(self.stderr)}"
            ) from None

    def _drain(self, stream: Any) -> None:
        for raw in iter(stream.readline, b""):
            self._stderr.append(raw.decode(errors="replace"))

    @property
    def stderr(self) -> str:
        return "".join(self._stderr)

    def close(self) -> None:
        if self._channel is not None:
            if self.stub is not None and self._process is not None and self._process.poll() is None:
                try:
                    self.stub.Cancel(empty_pb2.Empty(), timeout=5)  # the engine's last call
                except grpc.RpcError:
                    pass  # pulumi-policy does not implement Cancel; the engine ignores that too
            self._channel.close()
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()

    def _call(self, method: str, request: Any) -> Any:
        assert self.stub is not None, "host not started"
        try:
            return getattr(self.stub, method)(request, timeout=120)
        except grpc.RpcError as error:
            raise HostError(
                f"policy pack failed during {method}: {error.code().name}: {_summarise(self.stderr)}"
            ) from None

    def plugin_info(self) -> plugin_pb2.PluginInfo:
        return self._call("GetPluginInfo", empty_pb2.Empty())

    def analyzer_info(self) -> analyzer_pb2.AnalyzerInfo:
        return self._call("GetAnalyzerInfo", empty_pb2.Empty())

    def configure(self, settings: PackSettings) -> None:
        """Send every policy's enforcement level and properties, after the same info calls as the engine."""
        self.plugin_info()
        self.analyzer_info()
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for rule in all_rules():
            policy = settings.for_rule(rule.meta)
            properties = dict(policy.properties)
            if policy.waivers:
                properties["waivers"] = [
                    {k: v for k, v in w.to_dict().items() if k != "policy"} for w in policy.waivers
                ]
            request.policyConfig[rule.meta.name].CopyFrom(
                analyzer_pb2.PolicyConfig(enforcementLevel=_LEVELS[policy.enforcement], properties=_struct(properties))
            )
        self._call("Configure", request)

    def analyze(self, resource: Resource) -> analyzer_pb2.AnalyzeResponse:
        request = analyzer_pb2.AnalyzeRequest(
            type=resource.type, urn=resource.urn, name=resource.name, properties=_struct(resource.props)
        )
        return self._call("Analyze", request)

    def analyze_stack(self, resources: Iterable[Resource], use_outputs: bool = False) -> analyzer_pb2.AnalyzeResponse:
        """`use_outputs` sends provider outputs where known, as `pulumi policy analyze` does."""
        request = analyzer_pb2.AnalyzeStackRequest()
        for r in resources:
            props = r.outputs if use_outputs and r.outputs else r.props
            request.resources.append(
                analyzer_pb2.AnalyzerResource(
                    type=r.type,
                    urn=r.urn,
                    name=r.name,
                    properties=_struct(props),
                    parent=r.parent or "",
                    dependencies=list(r.dependencies),
                    # The engine lists only properties that do depend on something.
                    propertyDependencies={
                        k: analyzer_pb2.AnalyzerPropertyDependencies(urns=list(v))
                        for k, v in r.property_dependencies.items()
                        if v
                    },
                )
            )
        return self._call("AnalyzeStack", request)


def diagnostics_to_findings(
    response: analyzer_pb2.AnalyzeResponse, *, default_urn: str = "", types: Mapping[str, tuple[str, str]] | None = None
) -> list[Finding]:
    """Findings from the pack's answer: violations, unknowns and not-applicable entries.

    Violation messages come back as "<description>\\n<message>"; unknowns through
    the SDK's "can't run policy during preview" advisory, one line per resource.
    """
    metas = {rule.meta.name: rule.meta for rule in all_rules()}
    types = types or {}
    findings: list[Finding] = []

    def add(policy: str, urn: str, status: Status, enforcement: Enforcement, message: str) -> None:
        meta = metas[policy]
        resource_type, name = types.get(urn, ("", ""))
        findings.append(
            Finding(
                meta.id,
                meta.name,
                meta.title,
                status,
                enforcement,
                meta.severity,
                urn,
                resource_type,
                name,
                message,
                controls=meta.controls,
            )
        )

    for diagnostic in response.diagnostics:
        meta = metas[diagnostic.policyName]
        if UNKNOWN_MARKER in diagnostic.message and diagnostic.message.startswith("can't run policy"):
            detail = diagnostic.message.split(UNKNOWN_MARKER, 1)[1]
            for line in detail.split("\n"):
                urn, _, message = line.partition("\t") if "\t" in line else (default_urn, "", line)
                add(meta.name, urn, Status.UNKNOWN, _LEVEL_NAMES[diagnostic.enforcementLevel], message)
            continue
        message = diagnostic.message
        prefix = diagnostic.description + "\n"
        if message.startswith(prefix):
            message = message[len(prefix) :]
        add(meta.name, diagnostic.urn or default_urn, Status.FAIL, _LEVEL_NAMES[diagnostic.enforcementLevel], message)
    for entry in response.not_applicable:
        add(entry.policy_name, default_urn, Status.NOT_APPLICABLE, metas[entry.policy_name].enforcement, entry.reason)
    return findings


def analyze_all(host: AnalyzerHost, resources: list[Resource], use_outputs: bool = False) -> list[Finding]:
    """Findings for a whole stack over gRPC: Analyze per resource, then AnalyzeStack."""
    from ferpaguard.evaluate import subject_to_resource_rules

    types = {r.urn: (r.type, r.name) for r in resources}
    findings: list[Finding] = []
    for resource in resources:
        if subject_to_resource_rules(resource):
            findings.extend(diagnostics_to_findings(host.analyze(resource), default_urn=resource.urn, types=types))
    findings.extend(diagnostics_to_findings(host.analyze_stack(resources, use_outputs), types=types))
    return findings
