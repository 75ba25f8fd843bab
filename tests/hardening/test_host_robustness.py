"""The analyzer host under stress: concurrent Analyze calls, packs that do not
start, hang or die mid-run, and malformed policy configuration through the CLI."""

from __future__ import annotations

import json
import textwrap
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ferpaguard import host as host_module
from ferpaguard.evaluate import subject_to_resource_rules
from ferpaguard.host import AnalyzerHost, HostError, diagnostics_to_findings
from ferpaguard.sources.export import load_export
from policies.model import Resource
from policies.registry import all_rules
from policies.settings import parse
from tests.hardening import tally
from tests.hardening.cli_runner import REPO_ROOT, assert_kept_promise, run_in_process, run_subprocess

EXPORTS = REPO_ROOT / "tests" / "fixtures" / "exports"
THREADS = 8
ROUNDS = 2
Key = tuple[str, str, str, str, str, str]


@pytest.fixture(scope="module")
def resources() -> list[Resource]:
    found: list[Resource] = []
    for name in ("reference_deployed", "seed_broken"):
        found += [r for r in load_export(EXPORTS / f"{name}.json").resources if subject_to_resource_rules(r)]
    assert len(found) > 60
    return found


@pytest.fixture(scope="module")
def pack() -> Iterator[AnalyzerHost]:
    with AnalyzerHost(REPO_ROOT, project="ferpa", stack="dev") as started:
        started.configure(parse({}, [rule.meta for rule in all_rules()]))
        yield started


def findings_of(pack: AnalyzerHost, resource: Resource) -> tuple[str, list[Key]]:
    response = pack.analyze(resource)
    return resource.urn, sorted(f.key() for f in diagnostics_to_findings(response, default_urn=resource.urn))


def test_concurrent_analyze_calls_match_serial_ones(pack: AnalyzerHost, resources: list[Resource]) -> None:
    serial = dict(findings_of(pack, r) for r in resources)
    assert any(serial.values()), "the fixtures must produce findings"
    work = resources * ROUNDS
    begin = time.perf_counter()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        concurrent = list(pool.map(lambda r: findings_of(pack, r), work))
    tally.SECONDS["host concurrent Analyze"] += time.perf_counter() - begin
    tally.count("host concurrent Analyze", len(work))
    for urn, keys in concurrent:
        assert keys == serial[urn], urn


def test_concurrent_analyze_stack_calls_agree(pack: AnalyzerHost, resources: list[Resource]) -> None:
    def stack_keys(_: int) -> list[Key]:
        response = pack.analyze_stack(resources, use_outputs=True)
        return sorted(f.key() for f in diagnostics_to_findings(response))

    expected = stack_keys(0)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(stack_keys, range(8)))
    tally.count("host concurrent AnalyzeStack", len(results))
    assert all(result == expected for result in results)


def broken_pack(directory: Path, main: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (directory / "__main__.py").write_text(textwrap.dedent(main))
    return directory


@pytest.mark.parametrize(
    ("main", "expected"),
    [
        ("import sys\nsys.stderr.write('cannot load the rules: disk on fire\\n')\nsys.exit(3)\n", "disk on fire"),
        ("raise RuntimeError('missing dependency frobnicate')\n", "frobnicate"),
        ("import os\nos._exit(0)\n", "did not start"),
        ("print('not a port', flush=True)\n", "did not start"),
    ],
    ids=["exits", "raises", "vanishes", "prints-garbage"],
)
def test_pack_that_fails_to_start_is_a_host_error_with_its_stderr(tmp_path: Path, main: str, expected: str) -> None:
    begin = time.perf_counter()
    with pytest.raises(HostError) as raised:
        AnalyzerHost(broken_pack(tmp_path / "pack", main)).start()
    message = str(raised.value)
    assert expected in message and "did not start" in message
    assert "\n" not in message
    assert time.perf_counter() - begin < 30


def test_pack_that_hangs_at_start_is_a_host_error_in_bounded_time(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(host_module, "START_TIMEOUT", 3.0)
    pack_dir = broken_pack(tmp_path / "pack", "import sys, time\nsys.stderr.write('waiting forever\\n')\n"
                                              "sys.stderr.flush()\ntime.sleep(600)\n")
    begin = time.perf_counter()
    with pytest.raises(HostError, match="waiting forever"):
        AnalyzerHost(pack_dir).start()
    assert time.perf_counter() - begin < 20


def test_pack_killed_between_calls_fails_the_next_call_quickly(resources: list[Resource]) -> None:
    host = AnalyzerHost(REPO_ROOT, project="ferpa", stack="dev")
    host.start()
    try:
        host.configure(parse({}, [rule.meta for rule in all_rules()]))
        host.analyze(resources[0])
        process = host._process  # the pack's process: nothing public exposes it
        assert process is not None
        process.kill()
        process.wait(10)
        begin = time.perf_counter()
        with pytest.raises(HostError, match="during Analyze"):
            host.analyze(resources[1])
        assert time.perf_counter() - begin < 30
    finally:
        host.close()


DIES_ON_BOOM = """
import os
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

def validate(args, report_violation):
    if args.name == "boom":
        os.write(2, b"pack crashed while validating boom\\n")
        os._exit(9)

PolicyPack(name="dies", enforcement_level=EnforcementLevel.MANDATORY,
           policies=[ResourceValidationPolicy(name="dies-on-boom", description="dies", validate=validate)])
"""


def test_pack_that_dies_inside_analyze_is_a_host_error_not_a_hang(tmp_path: Path) -> None:
    host = AnalyzerHost(broken_pack(tmp_path / "pack", DIES_ON_BOOM))
    host.start()
    try:
        fine = Resource("urn:pulumi:dev::p::aws:s3/bucket:Bucket::fine", "aws:s3/bucket:Bucket", "fine")
        boom = Resource("urn:pulumi:dev::p::aws:s3/bucket:Bucket::boom", "aws:s3/bucket:Bucket", "boom")
        assert not host.analyze(fine).diagnostics
        begin = time.perf_counter()
        with pytest.raises(HostError) as raised:
            host.analyze(boom)
        assert time.perf_counter() - begin < 30
        assert "during Analyze" in str(raised.value)
        with pytest.raises(HostError):
            host.analyze(fine)
    finally:
        host.close()


# --- malformed policy configuration through the CLI ---------------------------------------------------------------

MALFORMED: dict[str, tuple[object, str]] = {
    "bad-level": ({"rds-storage-encrypted-cmk": "sometimes"}, "rds-storage-encrypted-cmk"),
    "bad-level-object": ({"rds-storage-encrypted-cmk": {"enforcementLevel": "loud"}},
                         "rds-storage-encrypted-cmk.enforcementLevel"),
    "level-not-text": ({"log-retention": 3}, "log-retention"),
    "property-wrong-type": ({"log-retention": {"minimumDays": "a year"}}, "log-retention.minimumDays"),
    "property-list-wrong-items": ({"lb-listener-tls": {"allowedSslPolicies": [1, 2]}},
                                  "lb-listener-tls.allowedSslPolicies"),
    "unknown-property": ({"log-retention": {"minimumDayz": 30}}, "log-retention.minimumDayz"),
    "unknown-policy": ({"no-such-policy": "mandatory"}, "no-such-policy"),
    "waiver-without-expires": ({"rds-backup-retention": {"waivers": [
        {"resource": "db", "reason": "migration", "approver": "cio"}]}}, "expires"),
    "waiver-bad-date": ({"rds-backup-retention": {"waivers": [
        {"resource": "db", "reason": "migration", "approver": "cio", "expires": "2025-13-45"}]}},
        "rds-backup-retention.waivers[0].expires"),
    "waiver-date-words": ({"rds-backup-retention": {"waivers": [
        {"resource": "db", "reason": "migration", "approver": "cio", "expires": "next tuesday"}]}},
        "rds-backup-retention.waivers.0.expires"),
    "waivers-not-a-list": ({"rds-backup-retention": {"waivers": {"resource": "db"}}},
                           "rds-backup-retention.waivers"),
    "all-with-properties": ({"all": {"enforcementLevel": "advisory", "minimumDays": 3}}, "all.minimumDays"),
    "all-bad-level": ({"all": "everything"}, "all"),
    "array-at-top": ([{"rds-storage-encrypted-cmk": "mandatory"}], "expected a JSON object"),
    "string-at-top": ("mandatory", "expected a JSON object"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_policy_config_is_exit_2_naming_the_key(tmp_path: Path, case: str) -> None:
    config, key = MALFORMED[case]
    path = tmp_path / f"{case}.json"
    path.write_text(json.dumps(config))
    done = run_in_process("gate", str(REPO_ROOT / "tests" / "programs" / "no_backups"), "--policy-config", str(path))
    assert_kept_promise(done, named=str(path))
    assert done.code == 2
    assert key in done.error_lines[0], done.error_lines[0]
    tally.count("policy config malformed")


@pytest.mark.parametrize(("content", "expected"), [(b"", "not valid JSON"), (b"{\"all\": ", "not valid JSON"),
                                                   (b"\xff\xfe{}", "not valid JSON")])
def test_unreadable_policy_config_is_exit_2(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(content)
    done = run_in_process("audit", str(EXPORTS / "seed_broken.json"), "--policy-config", str(path))
    assert_kept_promise(done, named=str(path))
    assert done.code == 2 and expected in done.error_lines[0]


def test_malformed_policy_config_in_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"rds-backup-retention": {"waivers": [{"resource": "db", "reason": "r",
                                                                       "approver": "a", "expires": "2025-02-30"}]}}))
    done = run_subprocess("gate", "tests/programs/no_backups", "--policy-config", str(path))
    assert_kept_promise(done, named=str(path))
    assert done.code == 2 and "rds-backup-retention.waivers[0].expires" in done.error_lines[0]
