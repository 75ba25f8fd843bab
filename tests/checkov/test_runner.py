"""The runner ferpaguard starts with checkov's interpreter: self-contained, offline, JSON alone on stdout."""

from __future__ import annotations

import ast
import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

from ferpaguard.checkov.environment import CheckovPython, pinned_version
from ferpaguard.checkov.scan import CUSTOM_CHECKS_DIR, RUNNER, allowed_checks, write_plans

sys.path.insert(0, str(Path(__file__).parent))
import checkov_resource_sets as sets

from ferpaguard.checkov.convert import to_plan


def run_runner(python: CheckovPython, stdin: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(python.python), "-E", str(RUNNER)], input=stdin, capture_output=True, text=True,
                          cwd=cwd, timeout=300, check=False)


def test_the_runner_imports_only_the_standard_library_and_checkov() -> None:
    tree = ast.parse(RUNNER.read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    assert imported - set(sys.stdlib_module_names) == {"checkov"}


def test_a_job_gives_records_and_nothing_else_on_stdout(tmp_path: Path, checkov_python: CheckovPython) -> None:
    plan = to_plan(sets.alb_vpclink()).plan
    job = {"plan_files": write_plans(plan, str(tmp_path)), "checks": allowed_checks(),
           "external_checks_dirs": [str(CUSTOM_CHECKS_DIR)]}
    done = run_runner(checkov_python, json.dumps(job), tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["parsing_errors"] == []
    assert result["checkov_version"] == pinned_version()
    link_address = "aws_api_gateway_vpc_link.records-link"
    link = {r["check_id"]: r for r in result["records"] if r["resource_address"] == link_address}
    assert link["CKV_FERPA_1"]["result"] == "FAILED"
    assert link["CKV_FERPA_1"]["evaluated_keys"] == ["target_arns"]
    assert link["CKV_FERPA_1"]["check_name"] == "Ensure API Gateway VPC Links target only Network Load Balancer ARNs"
    assert link["CKV2_FERPA_1"]["result"] == "FAILED"
    assert {r["check_id"] for r in result["records"]} <= set(allowed_checks())
    assert set(result["records"][0]) == {"check_id", "check_name", "resource_address", "result", "evaluated_keys",
                                         "severity"}


def test_an_unreadable_job_exits_4_with_one_line(tmp_path: Path, checkov_python: CheckovPython) -> None:
    for job in ("not json", json.dumps({"plan_files": "x", "checks": [], "external_checks_dirs": []})):
        done = run_runner(checkov_python, job, tmp_path)
        assert done.returncode == 4
        assert done.stdout == ""
        assert done.stderr.splitlines()[-1].startswith("ferpaguard-checkov: unreadable job: ")


def test_a_plan_file_checkov_cannot_parse_is_reported(tmp_path: Path, checkov_python: CheckovPython) -> None:
    broken = tmp_path / "plan-0.json"
    broken.write_text('{"planned_values": ')
    job = {"plan_files": [str(broken)], "checks": allowed_checks(), "external_checks_dirs": []}
    done = run_runner(checkov_python, json.dumps(job), tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["records"] == [] and result["parsing_errors"] == [str(broken)]


GUARD_PROBE = """
import importlib.util, socket, sys
spec = importlib.util.spec_from_file_location("runner", sys.argv[1])
runner = importlib.util.module_from_spec(spec)
spec.loader.exec_module(runner)
runner.forbid_network()
port = int(sys.argv[2])
attempts = {
    "tcp connect": lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect(("127.0.0.1", port)),
    "create_connection": lambda: socket.create_connection(("127.0.0.1", port), timeout=2),
    "name look-up": lambda: socket.getaddrinfo("localhost", 443),
    "udp sendto": lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", port)),
}
for name, attempt in attempts.items():
    try:
        attempt()
        print(name, "went through")
    except runner.NetworkRefused:
        print(name, "refused")
left, right = socket.socketpair()
left.sendall(b"ok")
print("unix socketpair", right.recv(2).decode())
"""


def test_the_runner_refuses_every_internet_socket(tmp_path: Path, checkov_python: CheckovPython) -> None:
    """Run under checkov's interpreter against a real listener on loopback: nothing reaches it."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(5)
    reached: list[object] = []

    def accept() -> None:
        try:
            reached.append(listener.accept())
        except OSError:
            pass

    watcher = threading.Thread(target=accept)
    watcher.start()
    try:
        done = subprocess.run([str(checkov_python.python), "-c", GUARD_PROBE, str(RUNNER),
                               str(listener.getsockname()[1])], capture_output=True, text=True, timeout=60,
                              check=True)
    finally:
        watcher.join()
        listener.close()
    assert done.stdout.splitlines() == ["tcp connect refused", "create_connection refused", "name look-up refused",
                                        "udp sendto refused", "unix socketpair ok"]
    assert reached == []
