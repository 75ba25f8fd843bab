"""Child-process entry: run ONE Pulumi Python program under Pulumi's mock runtime.

Launched by `ferpaguard.sources.program` as a script (`python _mockrun.py`), so
that nothing of ferpaguard is importable by, or imported into, the program.
Reads a JSON job on stdin; writes one JSON result to the ORIGINAL stdout.
What the program prints or logs is captured (secrets redacted) and returned in
the result as `log`, so it can never corrupt the result or reach the terminal.

Self-contained on purpose: stdlib, orjson, pulumi and protobuf only.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from typing import Any

_STARTED = time.perf_counter()
# A one-shot process that builds thousands of SDK classes: cyclic GC passes only cost time here.
gc.disable()
ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
FAKE_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


def engine_urn(stack: str, project: str, parent_urn: str, type_: str, name: str) -> str:
    """The URN the engine builds: the parent's qualified type chain joined by `$`,
    except below the root stack, whose type never appears in a child's URN."""
    if parent_urn:
        parent_type = parent_urn.split("::")[2]
        if parent_type != ROOT_STACK_TYPE:
            type_ = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


def secret_strings(value: Any, inside_secret: bool = False) -> set[str]:
    """Every string found inside a secret wrapper of a wire-form value."""
    found: set[str] = set()
    if isinstance(value, dict):
        is_secret = value.get(SECRET_SIG_KEY) == SECRET_SIG
        for key, item in value.items():
            if key != SECRET_SIG_KEY:
                found |= secret_strings(item, inside_secret or is_secret)
    elif isinstance(value, list):
        for item in value:
            found |= secret_strings(item, inside_secret)
    elif inside_secret and isinstance(value, str) and value:
        found.add(value)
    return found


def policy_document(args: dict[str, Any]) -> dict[str, Any]:
    """aws.iam.get_policy_document rendered offline, so IAM rules can read a real document."""
    import hashlib
    import json

    statements = []
    for given in args.get("statements") or []:
        statement: dict[str, Any] = {"Effect": given.get("effect") or "Allow"}
        if given.get("sid"):
            statement["Sid"] = given["sid"]
        for source, target in (
            ("actions", "Action"),
            ("notActions", "NotAction"),
            ("resources", "Resource"),
            ("notResources", "NotResource"),
        ):
            if given.get(source):
                statement[target] = given[source]
        for source, target in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            if given.get(source):
                principal: dict[str, Any] = {}
                for entry in given[source]:
                    principal.setdefault(entry.get("type"), []).extend(entry.get("identifiers") or [])
                statement[target] = principal
        if given.get("conditions"):
            condition: dict[str, Any] = {}
            for entry in given["conditions"]:
                condition.setdefault(entry.get("test"), {})[entry.get("variable")] = entry.get("values")
            statement["Condition"] = condition
        statements.append(statement)
    document = {"Version": args.get("version") or "2012-10-17", "Statement": statements}
    text = json.dumps(document, indent=2)
    minified = json.dumps(document, separators=(",", ":"))
    return {"json": text, "minifiedJson": minified, "id": hashlib.sha256(minified.encode()).hexdigest()[:16]}


def invoke_result(token: str, args: dict[str, Any], region: str) -> dict[str, Any]:
    """Plausible fake answers for the common AWS data sources; `{}` for everything else."""
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {
            "accountId": FAKE_ACCOUNT,
            "arn": f"arn:aws:iam::{FAKE_ACCOUNT}:user/ferpaguard-gate",
            "userId": "AIDAFERPAGUARDGATE0000",
            "id": FAKE_ACCOUNT,
        }
    if token == "aws:index/getRegion:getRegion":
        return {
            "name": region,
            "region": region,
            "id": region,
            "endpoint": f"ec2.{region}.amazonaws.com",
            "description": region,
        }
    if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
        return {
            "names": [f"{region}{zone}" for zone in "abc"],
            "zoneIds": [f"az-{zone}" for zone in "123"],
            "groupNames": [region],
            "id": region,
            "state": "available",
        }
    if token == "aws:index/getPartition:getPartition":
        return {"partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws", "id": "aws"}
    if token == "aws:iam/getPolicyDocument:getPolicyDocument":
        return policy_document(args)
    return {}


def display_class(cls: type) -> str:
    """`pulumi_aws.apigateway.vpc_link.VpcLink` -> `aws.apigateway.VpcLink`."""
    parts = cls.__module__.split(".")
    if parts[0].startswith("pulumi_"):
        return ".".join([parts[0].removeprefix("pulumi_"), *parts[1:-1], cls.__name__])
    return f"{cls.__module__}.{cls.__name__}"


def run(job: dict[str, Any]) -> dict[str, Any]:
    import asyncio
    import concurrent.futures
    import io
    import logging
    import runpy

    from google.protobuf.json_format import MessageToDict
    from pulumi.runtime import mocks, set_all_config
    from pulumi.runtime.settings import configure
    from pulumi.runtime.stack import run_in_stack

    imported = time.perf_counter()
    project: str = job["project"]
    stack: str = job["stack"]
    preview: bool = job["preview"]
    config: dict[str, str] = job["config"]
    region = config.get("aws:region") or DEFAULT_REGION

    class GateMocks(mocks.Mocks):
        def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
            # Preview: no id, only the inputs come back, so every provider-computed output is unknown.
            return (None if preview else f"{args.name}-id"), dict(args.inputs)

        def call(self, args: mocks.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
            return invoke_result(args.token, args.args, region)

    class RecordingMonitor(mocks.MockMonitor):
        def __init__(self) -> None:
            super().__init__(GateMocks())
            self.records: list[dict[str, Any]] = []
            self.stack_outputs: dict[str, Any] = {}

        def make_urn(self, parent: str, type_: str, name: str) -> str:
            return engine_urn(stack, project, parent, type_, name)

        def _record(self, request: Any, props: Any, id_: str | None, custom: bool, read: bool = False) -> dict:
            record = {
                "urn": self.make_urn(request.parent, request.type, request.name),
                "type": request.type,
                "name": request.name,
                "props": MessageToDict(props),
                "parent": request.parent or None,
                # The SDK builds these from sets, whose order changes with each process: sort them.
                "dependencies": sorted(getattr(request, "dependencies", ())),
                "propertyDependencies": {
                    key: sorted(deps.urns) for key, deps in getattr(request, "propertyDependencies", {}).items()
                },
                "provider": request.provider or None,
                "id": id_,
                "custom": custom,
                "read": read,
            }
            self.records.append(record)
            return record

        def RegisterResource(self, request: Any) -> Any:
            record = self._record(request, request.object, None, bool(request.custom))
            response = super().RegisterResource(request)
            if response.id and not preview:
                record["id"] = response.id
            return response

        def ReadResource(self, request: Any) -> Any:
            self._record(request, request.properties, request.id or None, True, read=True)
            return super().ReadResource(request)

        def RegisterResourceOutputs(self, request: Any) -> Any:
            if request.urn.split("::")[2] == ROOT_STACK_TYPE:
                self.stack_outputs = MessageToDict(request.outputs)
            return super().RegisterResourceOutputs(request)

    set_all_config(config, job["secret_keys"])
    monitor = RecordingMonitor()
    construction = ConstructionOrder(stack, project)
    construction.install()
    configure(
        mocks.MockSettings(
            monitor=monitor,
            engine=mocks.MockEngine(logging.getLogger("pulumi-program")),
            project=project,
            stack=stack,
            dry_run=preview,
            organization="organization",
        )
    )

    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # The mock monitor does no I/O: one worker thread serves every SDK call to it.
    loop.set_default_executor(concurrent.futures.ThreadPoolExecutor(max_workers=1))

    program: str = job["program"]
    sys.argv = [program]
    sys.path[0] = job["program_path_dir"]
    error: dict[str, Any] | None = None
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    program_logger = logging.getLogger("pulumi-program")
    program_logger.addHandler(handler)
    program_logger.propagate = False
    real_stdout, real_stderr = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = captured
    try:
        loop.run_until_complete(run_in_stack(lambda: runpy.run_path(program, run_name="__main__")))
    except SystemExit as exc:
        error = {"message": f"{job['main_display']}: the program called sys.exit({exc.code!r})"}
    except Exception as exc:  # noqa: BLE001 - every program failure becomes one line
        error = {"message": describe_failure(exc, job["workdir"], job["main_display"])}
    finally:
        sys.stdout, sys.stderr = real_stdout, real_stderr
    ran = time.perf_counter()
    if error is None:
        error = duplicate_urn_error(monitor.records, job["main_display"])

    for record in monitor.records:
        if record["type"] == ROOT_STACK_TYPE:
            record["outputs"] = monitor.stack_outputs
    monitor.records.sort(key=construction.position)
    secrets: set[str] = set(job["secret_values"])
    for record in monitor.records:
        secrets |= secret_strings(record["props"]) | secret_strings(record.get("outputs", {}))
    if error is not None:
        error["message"] = redact_text(error["message"], secrets | set(job.get("override_values", ())))
    return {
        "ok": error is None,
        "error": error,
        "resources": monitor.records,
        "log": redact_text(captured.getvalue(), secrets),
        # Plain config values that the program turned into secrets (Config.require_secret).
        "secret_config_keys": sorted(key for key, value in config.items() if value in secrets),
        "timings": {
            "child_start": imported - _STARTED,
            "program": ran - imported,
            "capture": time.perf_counter() - ran,
        },
    }


class ConstructionOrder:
    """The order in which the program constructed its resources.

    Registrations reach the monitor asynchronously, so their arrival order
    changes from run to run; construction order is the program's own order and
    is reproducible. It is observed where the SDK hands a new resource over for
    registration, with the URN the engine will give it.
    """

    def __init__(self, stack: str, project: str) -> None:
        self.stack, self.project = stack, project
        self.urns: dict[int, str] = {}
        self.keep: list[Any] = []
        self.index: dict[str, int] = {}

    def install(self) -> None:
        import inspect

        import pulumi.resource as sdk_resource
        from pulumi.runtime.settings import get_root_resource

        def observed(original: Any) -> Any:
            signature = inspect.signature(original)

            def hand_over(res: Any, ty: str, name: str, *args: Any, **kwargs: Any) -> Any:
                opts = signature.bind(res, ty, name, *args, **kwargs).arguments.get("opts")
                parent = getattr(opts, "parent", None) or get_root_resource()
                parent_urn = self.urns.get(id(parent), "") if parent is not None and parent is not res else ""
                urn = engine_urn(self.stack, self.project, parent_urn, ty, name)
                self.urns[id(res)] = urn
                self.keep.append(res)
                self.index.setdefault(urn, len(self.index))
                return original(res, ty, name, *args, **kwargs)

            return hand_over

        sdk_resource.register_resource = observed(sdk_resource.register_resource)
        sdk_resource.read_resource = observed(sdk_resource.read_resource)

    def position(self, record: dict[str, Any]) -> int:
        return self.index.get(record["urn"], len(self.index))


def duplicate_urn_error(records: list[dict[str, Any]], main_display: str) -> dict[str, Any] | None:
    """The engine refuses two resources with one URN (same type, name and parent chain); so does the gate."""
    seen: set[str] = set()
    for record in records:
        if record["read"]:
            continue
        if record["urn"] in seen:
            return {"message": f"{main_display}: duplicate resource URN {record['urn']}: "
                               f"two resources of type {record['type']} are named {record['name']!r}"}
        seen.add(record["urn"])
    return None


def redact_text(text: str, secrets: set[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 3:
            text = text.replace(secret, "[secret]")
    return text


def _frames(exc: BaseException) -> list[Any]:
    import traceback

    return list(traceback.walk_tb(exc.__traceback__))


def _program_location(exc: BaseException, workdir: str) -> str | None:
    """`file:line` of the innermost frame that belongs to the program, not to a library or to us."""
    libraries = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    own = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for link in chain:
        if isinstance(link, SyntaxError) and link.filename and link.lineno:
            # The error is in the file being compiled, which no frame of the traceback shows.
            path = os.path.realpath(link.filename)
            if path.startswith(workdir + os.sep):
                return f"{os.path.relpath(path, workdir)}:{link.lineno}"
        for frame, line in reversed(_frames(link)):
            path = os.path.realpath(frame.f_code.co_filename)
            if not path.startswith(workdir + os.sep) or path.startswith(own + os.sep):
                continue
            if any(path.startswith(lib + os.sep) for lib in libraries) or "site-packages" in path:
                continue
            return f"{os.path.relpath(path, workdir)}:{line}"
    return None


def _unexpected_keyword(exc: TypeError) -> str | None:
    """The seed's failure: a resource class given an argument it does not have."""
    import difflib
    import inspect
    import re

    match = re.search(r"(\w+)\.\w+\(\) got an unexpected keyword argument '([^']+)'", str(exc))
    frames = _frames(exc)
    if not match or not frames:
        return None
    class_name, argument = match.groups()
    # SDK resources take **kwargs in __init__ and fail when passing them on to _internal_init,
    # so the innermost frame is the resource's own __init__.
    innermost = frames[-1][0]
    owner = innermost.f_locals.get("__self__", innermost.f_locals.get("self"))
    if owner is None or type(owner).__name__ != class_name:
        return None
    cls = type(owner)
    text = f"{display_class(cls)} got an unexpected keyword argument '{argument}'"
    init = getattr(cls, "_internal_init", None)
    if init is not None:
        known = [p for p in inspect.signature(init).parameters if p not in ("__self__", "self", "resource_name")]
        close = difflib.get_close_matches(argument, known, n=1)
        if close:
            text += f" (did you mean '{close[0]}'?)"
    return text


def describe_failure(exc: Exception, workdir: str, main_display: str) -> str:
    """One line: `<file>:<line>: <what went wrong>`; Pulumi's own errors (RunError) keep their message."""
    from pulumi import RunError

    location = _program_location(exc, workdir) or main_display
    detail = _unexpected_keyword(exc) if isinstance(exc, TypeError) else None
    if detail is None:
        message = exc.msg if isinstance(exc, SyntaxError) and exc.msg else str(exc).strip()
        detail = message if isinstance(exc, RunError) else f"{type(exc).__name__}: {message}".rstrip(": ")
    return " ".join(f"{location}: {detail}".split())


def main() -> int:
    import orjson

    result_fd = os.dup(1)
    sys.stdout.flush()
    os.dup2(2, 1)
    job = orjson.loads(sys.stdin.buffer.read())
    os.chdir(job["workdir"])
    payload = orjson.dumps(run(job))
    with os.fdopen(result_fd, "wb") as out:
        out.write(payload)
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown (thread pools, gRPC leftovers): the result is written.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
