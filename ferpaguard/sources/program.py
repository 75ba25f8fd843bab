"""Run a Pulumi Python program offline under Pulumi's mock runtime and return
every resource as the engine would have received it during `pulumi preview`.

What the gate sees, and how it differs from a real `pulumi preview`:
- The program runs in a fresh child process (`_mockrun.py`), cwd = the project
  directory and the main program's directory first on sys.path, as Pulumi's
  Python language host runs it; two runs never share Pulumi's global state.
  The child leads a process group of its own (`child.py`): when it finishes,
  times out (`timeout`, default 300 s) or the gate is stopped, the whole group
  is killed, so nothing the program started outlives the run.
- Inputs are the RegisterResource request's properties in engine wire form
  (camelCase keys, secret wrappers, the unknown sentinel). Numbers arrive as
  floats (protobuf Struct), as the engine sends them to analyzers. Provider
  `Check` defaults and auto-names are NOT applied (no provider runs).
- Preview semantics: no resource gets an id and only its inputs come back, so
  every provider-computed output (arn, id, dnsName, ...) is unknown, and a
  dependent input (`target_arn=nlb.arn`) is the unknown sentinel with
  `propertyDependencies` naming the source's URN.
- URNs follow the engine: parent type chains joined by `$`, none for
  children of the root stack; the root `pulumi:pulumi:Stack` resource is
  included, with the program's exports as its outputs.
- Resources come in the order the program constructed them (the engine's
  arrival order varies from run to run); `Resource.get` lookups are returned
  apart, as `read_resources`. Resources without an explicit provider have
  `provider=None` (the engine would name its default provider).
- A resource passed as an input (`role=role`) arrives as the engine hands it
  to analyzers: a custom resource as its id (unknown in a preview), a
  component as its URN. Inputs whose declared output is a string but which
  were given as objects (a policy document dict) come back as JSON text.
- Data sources get fake answers (`_fakedata.py`): account 123456789012,
  partition aws, the region from `aws:region` (default us-east-1), zones
  <region>a/b/c, `aws.iam.get_policy_document` rendered to a real IAM JSON
  document (with the unknown sentinel where an argument is unknown), AMIs,
  zones, VPCs and subnets; every other invoke gets a value of each declared
  result field's type, so no required input is left empty.
- Components whose children a provider plugin builds (`remote=True`: awsx,
  eks) cannot be expanded offline: their records say `remote: true` and the
  run carries a note; their outputs are unknown.
- The program runs with the project's own Python environment (see
  `environment.py`), or ferpaguard's when the project has none; its pulumi SDK
  must be 3.100 or newer (`_sdkcompat.OLDEST_SDK`).
- Configuration comes from Pulumi.yaml (`config:` values and defaults),
  Pulumi.<stack>.yaml and `config_overrides` (which win), with keys without a
  namespace put in the project's. `secure:` values are ciphertext that cannot
  be decrypted offline: they are left out (a program that requires one fails
  with a message naming the key; an override supplies a stand-in, which is
  then treated as a secret).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ferpaguard.sources._sdkcompat import NEWEST_SDK, release
from ferpaguard.sources.child import ChildGroup
from ferpaguard.sources.environment import (
    EnvironmentError_,
    Interpreter,
    declared_pins,
    find_interpreter,
    pin_excludes,
)
from policies.model import Resource

CHILD_SCRIPT = Path(__file__).with_name("_mockrun.py")
REDACTED = "[secret]"
DEFAULT_TIMEOUT = 300.0
"""Seconds a program may run (`ferpaguard gate --timeout`)."""


class ProgramError(Exception):
    """A program that cannot be run or that failed; `message` is one line, safe to print."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class HarnessError(ProgramError):
    """A fault in ferpaguard's own mock harness, not in the program."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"ferpaguard internal error (mock harness, not your program): {detail}")


@dataclass(frozen=True, slots=True)
class ProgramRun:
    resources: list[Resource]
    project: str
    stack: str
    program_file: Path
    pulumi_yaml: Path
    config: dict[str, str]
    duration: float
    read_resources: list[Resource] = field(default_factory=list)
    """Existing resources the program looked up (`Resource.get`): read, not managed, so not evaluated."""
    undecryptable: tuple[str, ...] = ()
    """Config keys whose `secure:` value could not be decrypted offline and were left out."""
    log: str = ""
    """What the program printed or logged (secrets redacted)."""
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """What the verdict cannot cover (remote components) and how the program was run."""
    remote_components: tuple[str, ...] = ()
    """URNs of components whose children a provider plugin builds: not expanded offline."""
    environment: Mapping[str, Any] = field(default_factory=dict)
    """The interpreter that ran the program and its pulumi / pulumi-aws versions."""

    @property
    def stack_outputs(self) -> Mapping[str, Any]:
        for resource in self.resources:
            if resource.type == "pulumi:pulumi:Stack":
                return resource.outputs
        return {}


@dataclass(frozen=True, slots=True)
class Project:
    name: str
    pulumi_yaml: Path
    program_file: Path
    run_target: Path
    """What the language host hands to runpy: the main directory or file."""
    defaults: dict[str, str]
    stack_config_dir: Path
    runtime_options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StackConfig:
    values: dict[str, str]
    secret_keys: frozenset[str]
    undecryptable: tuple[str, ...]


def load_project(program_dir: Path) -> Project:
    pulumi_yaml = next((program_dir / n for n in ("Pulumi.yaml", "Pulumi.yml") if (program_dir / n).is_file()), None)
    if pulumi_yaml is None:
        raise ProgramError(f"{program_dir}: no Pulumi.yaml (not a Pulumi project directory)")
    document = _read_yaml(pulumi_yaml)
    name = document.get("name")
    if not isinstance(name, str) or not name:
        raise ProgramError(f"{pulumi_yaml}: the project has no name")
    runtime = document.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, Mapping) else runtime
    if runtime_name != "python":
        raise ProgramError(f"{pulumi_yaml}: runtime is {runtime_name!r}; ferpaguard gate runs Python programs only")
    main = document.get("main") or "."
    run_target = (program_dir / str(main)).resolve()
    program_file = run_target / "__main__.py" if run_target.is_dir() else run_target
    if not program_file.is_file():
        raise ProgramError(f"{pulumi_yaml}: main program {_shown(program_file, program_dir)} does not exist")
    defaults = {
        _qualified(str(key), name): _config_text(_project_default(value))
        for key, value in _mapping(document.get("config")).items()
        if _project_default(value) is not None
    }
    stack_config_dir = (program_dir / str(document.get("stackConfigDir") or ".")).resolve()
    options = _mapping(runtime.get("options")) if isinstance(runtime, Mapping) else {}
    return Project(name, pulumi_yaml, program_file, run_target, defaults, stack_config_dir, dict(options))


def default_stack(config_dir: Path) -> str:
    """`dev` if it has a Pulumi.dev.yaml, else the only stack file's stack, else `dev`."""
    if (config_dir / "Pulumi.dev.yaml").is_file():
        return "dev"
    stacks = sorted({p.name.split(".")[1] for p in config_dir.glob("Pulumi.*.y*ml") if p.name.count(".") == 2})
    if len(stacks) > 1:
        raise ProgramError(f"{config_dir}: several stacks ({', '.join(stacks)}); choose one with --stack")
    return stacks[0] if stacks else "dev"


def load_stack_config(project: Project, stack: str, overrides: Mapping[str, str]) -> StackConfig:
    short = stack.rsplit("/", 1)[-1]
    values = dict(project.defaults)
    secret_keys: set[str] = set()
    undecryptable: list[str] = []
    for name in (f"Pulumi.{short}.yaml", f"Pulumi.{short}.yml"):
        path = project.stack_config_dir / name
        if path.is_file():
            for key, value in _mapping(_read_yaml(path).get("config")).items():
                qualified = _qualified(str(key), project.name)
                if _has_secure(value):
                    secret_keys.add(qualified)
                    undecryptable.append(qualified)
                    values.pop(qualified, None)
                else:
                    values[qualified] = _config_text(value)
            break
    for key, value in overrides.items():
        qualified = _qualified(key, project.name)
        values[qualified] = str(value)
        if qualified in undecryptable:
            undecryptable.remove(qualified)
    return StackConfig(values, frozenset(secret_keys), tuple(sorted(undecryptable)))


def run_program(
    program_dir: Path,
    stack: str | None = None,
    config_overrides: Mapping[str, str] = {},
    preview: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    python: Path | None = None,
) -> ProgramRun:
    """Run the program and wait for it; see `start_program` to overlap the run with other work."""
    return start_program(program_dir, stack, config_overrides, preview, python).wait(timeout)


def start_program(
    program_dir: Path,
    stack: str | None = None,
    config_overrides: Mapping[str, str] = {},
    preview: bool = True,
    python: Path | None = None,
) -> PendingRun:
    """Check the project and start its run in a child process; project errors raise here.

    `python`: the interpreter (or environment directory) to run it with; by default the
    project's own environment, else ferpaguard's."""
    started = time.perf_counter()
    program_dir = Path(program_dir).resolve()
    if not program_dir.is_dir():
        raise ProgramError(f"{program_dir}: no such program directory")
    project = load_project(program_dir)
    try:
        interpreter = find_interpreter(program_dir, project.runtime_options, python)
    except EnvironmentError_ as error:
        raise ProgramError(str(error)) from None
    stack_name = (stack or default_stack(project.stack_config_dir)).rsplit("/", 1)[-1]
    config = load_stack_config(project, stack_name, config_overrides)
    job = {
        "project": project.name,
        "stack": stack_name,
        "preview": preview,
        "config": config.values,
        "secret_keys": sorted(config.secret_keys),
        "secret_values": [v for k, v in config.values.items() if k in config.secret_keys],
        "workdir": str(program_dir),
        "program": str(project.run_target),
        "program_path_dir": str(project.run_target if project.run_target.is_dir() else project.run_target.parent),
        "main_display": _shown(project.program_file, program_dir),
    }
    return PendingRun(project, stack_name, config, job, started, interpreter)


class PendingRun:
    """A program running in its own child process group."""

    def __init__(
        self,
        project: Project,
        stack: str,
        config: StackConfig,
        job: dict[str, Any],
        started: float,
        interpreter: Interpreter,
    ) -> None:
        self._project, self._stack, self._config, self._job, self._started = project, stack, config, job, started
        self._interpreter = interpreter
        env = dict(os.environ)
        env["PULUMI_CONFIG"] = json.dumps(config.values)
        env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(job["secret_keys"])
        # Linux ties the child's life to the thread that starts it: only the main thread's lasts as long as the gate.
        watched = os.getpid() if threading.current_thread() is threading.main_thread() else 0
        argv = [str(interpreter.path), "-X", "utf8", str(CHILD_SCRIPT), str(watched)]
        try:
            self._child = ChildGroup(argv, json.dumps(job).encode(), Path(job["workdir"]), env)
        except OSError as error:
            raise ProgramError(f"{interpreter.path}: cannot start the program's Python: {error.strerror}") from None

    def cancel(self) -> None:
        """End the program and everything it started (idempotent)."""
        self._child.end()

    def wait(self, timeout: float = DEFAULT_TIMEOUT) -> ProgramRun:
        main_display = self._job["main_display"]
        if not self._child.wait(timeout):
            raise ProgramError(
                f"{main_display}: the program did not finish within {timeout:g} s (--timeout); stopped it"
            )
        if self._child.stopped_by:
            raise ProgramError(f"{main_display}: the program was stopped by {self._child.stopped_by}")
        raw = self._child.result()
        if not raw:
            lines = [line.strip() for line in self._child.log().splitlines() if line.strip()]
            last = _redact_config(lines[-1], self._job) if lines else "no output"
            raise ProgramError(
                f"{main_display}: the program process ended abnormally (exit {self._child.returncode}): {last}"
            )
        try:
            result: dict[str, Any] = json.loads(raw)
            error = result["error"]
            ok = result["ok"]
        except (ValueError, KeyError, TypeError):
            raise HarnessError(f"the mock run's result is unreadable ({len(raw)} bytes)") from None
        environment = result.get("environment") or {}
        if not ok:
            raise self._failure(error, environment)
        try:
            return self._run(result, environment)
        except (KeyError, TypeError, AttributeError) as fault:
            raise HarnessError(f"the mock run's result has an unexpected shape ({type(fault).__name__})") from None

    def _failure(self, error: Mapping[str, Any], environment: Mapping[str, Any]) -> ProgramError:
        kind, message = error.get("kind"), str(error.get("message"))
        if kind == "internal":
            return HarnessError(message)
        if kind == "environment":
            return ProgramError(f"{self._interpreter.path} ({self._interpreter.origin}): {message}")
        message = _missing_config_hint(message, self._config.undecryptable)
        misuse = error.get("misuse")
        if isinstance(misuse, Mapping):
            message += self._version_hint(misuse, environment)
        return ProgramError(message)

    def _version_hint(self, misuse: Mapping[str, Any], environment: Mapping[str, Any]) -> str:
        """Say which package version rejected the argument, and whether the project asked for another."""
        package = str(misuse.get("package"))
        ran = environment.get(package)
        if not ran:
            return ""
        if not self._interpreter.is_own:
            return f" ({package} {ran} in the project's environment)"
        pin = declared_pins(self._project.pulumi_yaml.parent).get(package)
        if pin is not None and pin_excludes(pin[0], ran):
            return (f"; your project asks for {package}{pin[0]} ({pin[1]}) but has no environment, so the gate ran "
                    f"its own {package} {ran}: create the project's environment or pass --python")
        return f" ({package} {ran}: ferpaguard's own, the project has no environment)"

    def _run(self, result: Mapping[str, Any], environment: Mapping[str, Any]) -> ProgramRun:
        duration = time.perf_counter() - self._started
        config = self._config
        secret_keys = config.secret_keys | set(result.get("secret_config_keys", ()))
        records = result["resources"]
        remote = tuple(r["urn"] for r in records if r.get("remote"))
        return ProgramRun(
            resources=[_resource(record) for record in records if not record.get("read")],
            read_resources=[_resource(record) for record in records if record.get("read")],
            project=self._project.name,
            stack=self._stack,
            program_file=self._project.program_file,
            pulumi_yaml=self._project.pulumi_yaml,
            config={k: REDACTED if k in secret_keys else v for k, v in sorted(config.values.items())},
            duration=duration,
            undecryptable=config.undecryptable,
            log=result.get("log", ""),
            timings=result.get("timings", {}) | {"total": duration},
            notes=self._notes(remote, environment),
            remote_components=remote,
            environment=dict(environment),
        )

    def _notes(self, remote: tuple[str, ...], environment: Mapping[str, Any]) -> list[str]:
        notes = []
        if self._interpreter.note:
            notes.append(f"{self._interpreter.note}; ran with ferpaguard's own Python "
                         f"(pulumi {environment.get('pulumi')}, pulumi-aws {environment.get('pulumi-aws')})")
        sdk = str(environment.get("pulumi") or "")
        if sdk and release(sdk) > NEWEST_SDK:
            notes.append(f"pulumi {sdk} is newer than the newest SDK the gate is tested with "
                         f"({'.'.join(map(str, NEWEST_SDK))}); its mock harness checked the internals it uses")
        for urn in remote:
            notes.append(f"{urn}: a component whose resources a provider plugin builds (remote); they cannot "
                         "be built offline, so its status is unknown: check it with `pulumi preview --policy-pack`")
        return notes


def _redact_config(text: str, job: Mapping[str, Any]) -> str:
    """Text from a crashed program with every secret config value (3+ characters) replaced."""
    for value in sorted(set(job["secret_values"]), key=len, reverse=True):
        if len(value) >= 3:
            text = text.replace(value, REDACTED)
    return text


def _resource(record: Mapping[str, Any]) -> Resource:
    return Resource(
        urn=record["urn"],
        type=record["type"],
        name=record["name"],
        props=record["props"],
        outputs=record.get("outputs") or {},
        parent=record["parent"],
        dependencies=tuple(record["dependencies"]),
        property_dependencies={k: tuple(v) for k, v in record["propertyDependencies"].items()},
        provider=record["provider"],
        id=record["id"],
        custom=record["custom"],
    )


def _missing_config_hint(message: str, undecryptable: tuple[str, ...]) -> str:
    for key in undecryptable:
        if f"'{key}'" in message:
            return f"{message} (its secure: value cannot be decrypted offline; pass a stand-in with --config {key}=...)"
    return message


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ProgramError(f"{path}: cannot read: {' '.join(str(exc).split())}") from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ProgramError(f"{path}: expected a mapping at the top level")
    return document


def _mapping(value: Any) -> Mapping[Any, Any]:
    return value if isinstance(value, Mapping) else {}


def _qualified(key: str, project: str) -> str:
    """Pulumi's rule: a config key without a namespace belongs to the project."""
    return key if ":" in key else f"{project}:{key}"


def _config_text(value: Any) -> str:
    """Config values reach the program as strings; objects and lists as JSON, booleans as true/false."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


def _project_default(value: Any) -> Any:
    if isinstance(value, Mapping):
        return value.get("value", value.get("default"))
    return value


def _has_secure(value: Any) -> bool:
    if isinstance(value, Mapping):
        return "secure" in value or any(_has_secure(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_secure(v) for v in value)
    return False


def _shown(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)
