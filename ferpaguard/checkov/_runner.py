"""Runs checkov's terraform_plan checks for ferpaguard, inside checkov's own environment.

Self-contained on purpose: it runs under checkov's interpreter, where ferpaguard is not
installed, so it imports nothing but the standard library and checkov.

Job on stdin (JSON): {"plan_files": [...], "checks": [...], "external_checks_dirs": [...]}.
Result on stdout (JSON): {"checkov_version": str, "parsing_errors": [file...], "records": [
  {"check_id", "check_name", "resource_address", "result", "evaluated_keys", "severity"}]}.
Anything checkov itself prints goes to stderr, so stdout carries the result alone.

Offline: checkov's platform integration is told to skip every download (BC_SKIP_MAPPING,
`bc_integration.skip_download`), its update check is off (CKV_SKIP_PACKAGE_UPDATE_CHECK),
the runner filter disables module downloads and the image referencer, and as a last guard
every internet socket (name look-ups, connects, datagrams) is refused in this process.

Exit codes: 0 result written; 3 checkov cannot be imported; 4 unreadable job; 1 checkov failed.
The last stderr line is then one line saying why.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from typing import Any

EXIT_NO_CHECKOV, EXIT_BAD_JOB, EXIT_FAILED = 3, 4, 1
_INTERNET = (socket.AF_INET, socket.AF_INET6)
OFFLINE_ENV = {
    "BC_SKIP_MAPPING": "TRUE",
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "True",
    "CHECKOV_MAX_IAC_FILE_SIZE": "0",  # skips a slow line-numbering parse of the plan; same findings
    "LOG_LEVEL": "ERROR",
}
_PLATFORM_ENV = ("BC_API_KEY", "BC_API_URL", "PRISMA_API_URL")


class NetworkRefused(OSError):
    pass


def forbid_network() -> None:
    """Refuse every internet connection and name look-up from this process (Unix sockets still work)."""

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise NetworkRefused("ferpaguard runs checkov offline: network access refused")

    real_connect, real_connect_ex, real_sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in _INTERNET:
            refuse()
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family in _INTERNET:
            refuse()
        return real_connect_ex(self, address)

    def sendto(self: socket.socket, *args: Any) -> int:
        if self.family in _INTERNET:
            refuse()
        return real_sendto(self, *args)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = sendto  # type: ignore[method-assign]
    socket.getaddrinfo = refuse
    socket.gethostbyname = refuse
    socket.gethostbyname_ex = refuse
    socket.create_connection = refuse


def _fail(code: int, message: str) -> int:
    sys.stderr.write("ferpaguard-checkov: " + " ".join(message.split())[:400] + "\n")
    sys.stderr.flush()
    return code


def _read_job(text: str) -> dict[str, list[str]]:
    job = json.loads(text)
    if not isinstance(job, dict):
        raise ValueError("the job is not a JSON object")
    for key in ("plan_files", "checks", "external_checks_dirs"):
        value = job.get(key)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError(f"{key} is not a list of strings")
    return job


def _record(record: Any) -> dict[str, Any]:
    result = record.check_result.get("result")
    severity = getattr(record, "severity", None)
    return {
        "check_id": record.check_id,
        "check_name": record.check_name,
        "resource_address": getattr(record, "resource_address", None) or record.resource,
        "result": getattr(result, "value", str(result)),
        "evaluated_keys": sorted(str(key) for key in record.check_result.get("evaluated_keys") or ()),
        "severity": getattr(severity, "name", None),
    }


def _scan(job: dict[str, list[str]]) -> dict[str, Any]:
    from checkov.common.bridgecrew.platform_integration import bc_integration
    from checkov.runner_filter import RunnerFilter
    from checkov.terraform.plan_runner import Runner
    from checkov.version import version

    bc_integration.skip_download = True
    runner_filter = RunnerFilter(
        framework=["terraform_plan"],
        checks=job["checks"],
        download_external_modules=False,
        run_image_referencer=False,
        deep_analysis=False,
        show_progress_bar=False,
    )
    report = Runner().run(root_folder=None, files=job["plan_files"],
                          external_checks_dir=job["external_checks_dirs"], runner_filter=runner_filter)
    reports = report if isinstance(report, list) else [report]
    records: list[dict[str, Any]] = []
    parsing_errors: list[str] = []
    for one in reports:
        records += [_record(r) for r in one.failed_checks + one.passed_checks + one.skipped_checks]
        parsing_errors += sorted(str(path) for path in one.parsing_errors)
    return {"checkov_version": version, "parsing_errors": parsing_errors, "records": records}


def main() -> int:
    if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]  # this script's directory holds ferpaguard modules, which must not shadow anything
    for name in _PLATFORM_ENV:
        os.environ.pop(name, None)
    os.environ.update(OFFLINE_ENV)
    forbid_network()
    result_stream = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever checkov prints goes to stderr
    try:
        job = _read_job(sys.stdin.read())
    except ValueError as error:
        return _fail(EXIT_BAD_JOB, f"unreadable job: {error}")
    try:
        import checkov  # noqa: F401
    except Exception as error:  # noqa: BLE001  # any import failure means: no usable checkov here
        return _fail(EXIT_NO_CHECKOV, f"{sys.executable} cannot import checkov: {type(error).__name__}: {error}")
    try:
        result = _scan(job)
    except RecursionError:
        return _fail(EXIT_FAILED, "checkov hit Python's recursion limit (the plan is nested too deeply)")
    except Exception as error:  # noqa: BLE001  # checkov's own failure, reported as one line
        return _fail(EXIT_FAILED, f"checkov failed: {type(error).__name__}: {error}")
    json.dump(result, result_stream)
    result_stream.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
