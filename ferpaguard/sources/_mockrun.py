"""Child-process entry: run ONE Pulumi Python program under Pulumi's mock runtime.

Launched by `ferpaguard.sources.program` as a script (`python _mockrun.py FD`)
with the PROJECT's interpreter, so it may import only the standard library and
pulumi (with its protobuf and grpc); nothing of ferpaguard is importable by the
program. Every use of SDK internals lives in `_sdkcompat.py`, data-source
answers in `_fakedata.py`.

Reads a JSON job on stdin; writes one JSON result to file descriptor FD.
What the program prints or logs is captured (secrets redacted) and returned in
the result as `log`. The result's `error.kind` says whose fault a failure is:
`program`, `environment` (the interpreter lacks a usable pulumi) or `internal`
(ferpaguard's own harness).
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from typing import Any

_STARTED = time.perf_counter()
# A one-shot process that builds thousands of SDK classes: cyclic GC passes only cost time here.
gc.disable()
DEFAULT_REGION = "us-east-1"


def display_class(cls: type) -> str:
    """`pulumi_aws.apigateway.vpc_link.VpcLink` -> `aws.apigateway.VpcLink`."""
    parts = cls.__module__.split(".")
    if parts[0].startswith("pulumi_"):
        return ".".join([parts[0][len("pulumi_"):], *parts[1:-1], cls.__name__])
    return f"{cls.__module__}.{cls.__name__}"


def secret_strings(value: Any, inside_secret: bool = False) -> set[str]:
    """Every string found inside a secret wrapper of a wire-form value."""
    from _sdkcompat import SECRET_SIG, SECRET_SIG_KEY

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


def run(job: dict[str, Any]) -> dict[str, Any]:
    import asyncio
    import concurrent.futures
    import io
    import logging
    import runpy

    import _fakedata
    import _sdkcompat

    imported = time.perf_counter()
    project: str = job["project"]
    stack: str = job["stack"]
    preview: bool = job["preview"]
    config: dict[str, str] = job["config"]
    region = config.get("aws:region") or DEFAULT_REGION

    def answer(token: str, args: dict[str, Any], fields: dict[str, Any] | None) -> dict[str, Any]:
        return _fakedata.answer(token, args, region, fields)

    monitor = _sdkcompat.make_monitor(stack, project, preview, answer)
    observer = _sdkcompat.Observer(stack, project, monitor)
    observer.install()
    _sdkcompat.configure_mocks(monitor, project, stack, preview, config, job["secret_keys"])

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
        _sdkcompat.run_program_in_stack(loop, lambda: runpy.run_path(program, run_name="__main__"))
    except SystemExit as exc:
        error = {"kind": "program", "message": f"{job['main_display']}: the program called sys.exit({exc.code!r})"}
    except Exception as exc:  # noqa: BLE001 - every program failure becomes one line
        error = {"kind": "program", **describe_failure(exc, job["workdir"], job["main_display"])}
    finally:
        sys.stdout, sys.stderr = real_stdout, real_stderr
    ran = time.perf_counter()
    if monitor.faults:
        error = {"kind": "internal", "message": monitor.faults[0]}
    if error is None:
        error = duplicate_urn_error(monitor.records, job["main_display"])

    for record in monitor.records:
        if record["type"] == _sdkcompat.ROOT_STACK_TYPE:
            record["outputs"] = monitor.stack_outputs
    monitor.records.sort(key=observer.position)
    secrets: set[str] = set(job["secret_values"]) | observer.secret_values
    for record in monitor.records:
        secrets |= secret_strings(record["props"]) | secret_strings(record.get("outputs", {}))
    secret_keys = observer.secret_keys | {key for key, value in config.items() if value in secrets}
    secrets |= {value for key, value in config.items() if key in secret_keys}
    if error is not None:
        error["message"] = redact_text(error["message"], secrets)
    return {
        "ok": error is None,
        "error": error,
        "resources": monitor.records,
        "log": redact_text(captured.getvalue(), secrets),
        # Plain config values that the program read or turned into secrets (Config.require_secret).
        "secret_config_keys": sorted(secret_keys),
        "timings": {
            "child_start": imported - _STARTED,
            "program": ran - imported,
            "capture": time.perf_counter() - ran,
        },
    }


def duplicate_urn_error(records: list[dict[str, Any]], main_display: str) -> dict[str, Any] | None:
    """The engine refuses two resources with one URN (same type, name and parent chain); so does the gate."""
    seen: set[str] = set()
    for record in records:
        if record["read"]:
            continue
        if record["urn"] in seen:
            return {"kind": "program",
                    "message": f"{main_display}: duplicate resource URN {record['urn']}: "
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
    own = os.path.dirname(os.path.realpath(__file__))
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for link in chain:
        for frame, line in reversed(_frames(link)):
            path = os.path.realpath(frame.f_code.co_filename)
            if not path.startswith(workdir + os.sep) or path.startswith(own + os.sep):
                continue
            if any(path.startswith(lib + os.sep) for lib in libraries) or "site-packages" in path:
                continue
            return f"{os.path.relpath(path, workdir)}:{line}"
    return None


def _unexpected_keyword(exc: TypeError) -> dict[str, Any] | None:
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
    package = cls.__module__.split(".")[0]
    return {"detail": text, "misuse": {"package": package.replace("_", "-"), "class": display_class(cls),
                                        "argument": argument}}


def _sdk_assertion(exc: AssertionError) -> str:
    """The SDK's type assertions quote the value (a repr, maybe a secret): say what it expected instead."""
    import re

    match = re.search(
        r"expected a value of type `(?:<class ')?([\w.\[\], ]+?)(?:'>)?` but got a value of type "
        r"`(?:<class ')?([\w.]+)(?:'>)?`(?: at resource `([^`]*)`)?(?:, property `([^`]*)`)?",
        str(exc),
    )
    if match:
        expected, got, resource, prop = match.groups()
        where = ", ".join(part for part in (f"resource {resource!r}" if resource else "",
                                           f"property {prop!r}" if prop else "") if part)
        return f"the pulumi SDK expected a {expected}, got a {got}" + (f" ({where})" if where else "")
    frames = _frames(exc)
    origin = os.path.basename(frames[-1][0].f_code.co_filename) if frames else "the SDK"
    return f"the pulumi SDK rejected a value (AssertionError in {origin})"


def describe_failure(exc: Exception, workdir: str, main_display: str) -> dict[str, Any]:
    """`message`: one line, `<file>:<line>: <what went wrong>`; Pulumi's own errors (RunError) keep their
    message. `misuse`: the package, class and argument of an unexpected keyword, when that was the failure."""
    from pulumi import RunError

    location = _program_location(exc, workdir) or main_display
    found = _unexpected_keyword(exc) if isinstance(exc, TypeError) else None
    if found is not None:
        detail, misuse = found["detail"], found["misuse"]
    elif isinstance(exc, AssertionError):
        detail, misuse = _sdk_assertion(exc), None
    else:
        message = str(exc).strip()
        detail = message if isinstance(exc, RunError) else f"{type(exc).__name__}: {message}".rstrip(": ")
        misuse = None
    result: dict[str, Any] = {"message": " ".join(f"{location}: {detail}".split())}
    if misuse:
        result["misuse"] = misuse
    return result


def environment() -> dict[str, Any]:
    import _sdkcompat

    return {
        "python": _sdkcompat.python_version(),
        "interpreter": sys.executable,
        "pulumi": _sdkcompat.package_version("pulumi"),
        "pulumi-aws": _sdkcompat.package_version("pulumi_aws"),
    }


def _internal(exc: BaseException) -> dict[str, Any]:
    import traceback

    here = os.path.dirname(os.path.realpath(__file__))
    where = "harness"
    for frame, line in reversed(list(traceback.walk_tb(exc.__traceback__))):
        if os.path.dirname(os.path.realpath(frame.f_code.co_filename)) == here:
            where = f"{os.path.basename(frame.f_code.co_filename)}:{line}"
            break
    return {"ok": False, "error": {"kind": "internal", "message": f"{type(exc).__name__} in {where}"}}


def execute(job: dict[str, Any]) -> dict[str, Any]:
    try:
        import _sdkcompat
        import pulumi  # noqa: F401

        _sdkcompat.check_sdk()
    except ImportError as exc:
        return {"ok": False, "error": {"kind": "environment", "message": f"cannot import {exc.name or 'pulumi'}"}}
    except _sdkcompat.UnsupportedSdk as exc:
        return {"ok": False, "error": {"kind": "environment", "message": str(exc)}}
    try:
        return run(job)
    except Exception as exc:  # noqa: BLE001 - a fault of the harness itself, outside the program
        return _internal(exc)


def end_with_the_gate(gate_pid: int) -> None:
    """Linux: if the gate dies without a chance to clean up (SIGKILL), end this process group too.
    `gate_pid` 0: not started from the gate's main thread, whose end would end us too early."""
    import signal

    def end_group(signum: int, frame: Any) -> None:
        os.killpg(0, signal.SIGKILL)

    signal.signal(signal.SIGTERM, end_group)
    if gate_pid and sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        try:
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
        except (OSError, AttributeError):
            return
    if gate_pid and os.getppid() != gate_pid:
        end_group(signal.SIGTERM, None)


def main() -> int:
    result_fd, gate_pid = int(sys.argv[-1]), int(sys.argv[-2])
    end_with_the_gate(gate_pid)
    os.set_inheritable(result_fd, False)
    sys.stdout.flush()
    # Whatever writes to file descriptor 1 (the program's subprocesses too) goes to the log, not the result.
    os.dup2(2, 1)
    try:
        job = json.loads(sys.stdin.buffer.read())
        os.chdir(job["workdir"])
        result = execute(job)
        result["environment"] = environment()
        payload = json.dumps(result).encode()
    except Exception as exc:  # noqa: BLE001 - a fault of the harness itself, outside the program
        payload = json.dumps(_internal(exc)).encode()
    with os.fdopen(result_fd, "wb") as out:
        out.write(payload)
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown (thread pools, gRPC leftovers, the program's threads): the result is written.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
