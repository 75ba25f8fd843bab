"""`ferpaguard audit` on damaged and hostile stack exports.

Mutations of the real fixtures (truncation, byte flips, a JSON node replaced by
a value of another type at every level, duplicated URNs, dangling references)
and synthetic extremes (10 MB strings, 100k nested arrays). The CLI must exit
0, 1 or 2, never with a traceback, and exit 2 names the file in one line.
Valid-but-weird exports must evaluate and every output format must stay valid.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ferpaguard.evidence import FORMATS
from ferpaguard.sources.export import ExportError, load_export
from tests.hardening import tally
from tests.hardening.cli_runner import REPO_ROOT, Done, assert_kept_promise, run_in_process, run_subprocess

EXPORTS = REPO_ROOT / "tests" / "fixtures" / "exports"
FIXTURES = {name: (EXPORTS / f"{name}.json").read_bytes() for name in ("reference_deployed", "seed_broken")}
DOCUMENTS = {name: json.loads(raw) for name, raw in FIXTURES.items()}
ALL_FORMATS = FORMATS
"""Every registered writer (ferpaguard.evidence.WRITERS): a new output format is covered without editing here."""
OTHER_TYPES: tuple[Any, ...] = (None, True, 0, -1.5, 1e308, "", "text", [], [1, "a", None], {}, {"k": [None]})
PROFILE = {"deadline": None, "derandomize": True, "database": None,
           "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
MB = 1024 * 1024


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("export-fuzz")


def audit(path: Path, *extra: str) -> Done:
    done = run_in_process("audit", str(path), "--format", "json", *extra)
    assert_kept_promise(done, named=str(path))
    if done.code in (0, 1) and "--output-dir" not in extra:
        json.loads(done.stdout)
    return done


def write(path: Path, data: bytes | Any) -> Path:
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode())
    return path


def nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every JSON node with its path, parents before children."""
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from nodes(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from nodes(child, (*path, index))


def replace_at(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    changed = copy.deepcopy(document)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return changed


def json_kind(value: Any) -> str:
    return type(value).__name__ if not isinstance(value, bool) else "bool"


# --- byte-level damage ----------------------------------------------------------------------------------------------

@settings(max_examples=60, **PROFILE)
@given(name=st.sampled_from(sorted(FIXTURES)), fraction=st.floats(0, 1, exclude_max=True))
def test_truncated_export(workdir: Path, name: str, fraction: float) -> None:
    raw = FIXTURES[name]
    cut = raw[: int(len(raw) * fraction)]
    with tally.timed("export truncation"):
        done = audit(write(workdir / "truncated.json", cut))
    assert done.code == 2, "a truncated export is never a complete stack"
    tally.count("export truncation")


@settings(max_examples=80, **PROFILE)
@given(name=st.sampled_from(sorted(FIXTURES)),
       flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), min_size=1, max_size=6))
def test_byte_flips(workdir: Path, name: str, flips: list[tuple[float, int]]) -> None:
    raw = bytearray(FIXTURES[name])
    for where, mask in flips:
        raw[int(len(raw) * where)] ^= mask
    with tally.timed("export byte flips"):
        audit(write(workdir / "flipped.json", bytes(raw)))
    tally.count("export byte flips")


# --- structural damage: valid JSON, wrong shapes --------------------------------------------------------------------

@settings(max_examples=80, **PROFILE)
@given(name=st.sampled_from(sorted(FIXTURES)), pick=st.floats(0, 1, exclude_max=True),
       replacement=st.sampled_from(OTHER_TYPES))
def test_random_node_of_another_type(workdir: Path, name: str, pick: float, replacement: Any) -> None:
    document = DOCUMENTS[name]
    every = list(nodes(document))
    path, original = every[int(len(every) * pick)]
    if json_kind(original) == json_kind(replacement):
        replacement = {"replaced": original} if not isinstance(original, dict) else [original]
    with tally.timed("export wrong-type node"):
        audit(write(workdir / "retyped.json", replace_at(document, path, replacement)))
    tally.count("export wrong-type node")


LEVELS: dict[str, tuple[Any, ...]] = {
    "top": (),
    "version": ("version",),
    "deployment": ("deployment",),
    "manifest": ("deployment", "manifest"),
    "resources": ("deployment", "resources"),
    "resource": ("deployment", "resources", 9),
    "urn": ("deployment", "resources", 9, "urn"),
    "type": ("deployment", "resources", 9, "type"),
    "inputs": ("deployment", "resources", 9, "inputs"),
    "outputs": ("deployment", "resources", 9, "outputs"),
    "input-value": ("deployment", "resources", 9, "inputs", "kmsKeyId"),
    "parent": ("deployment", "resources", 9, "parent"),
    "dependencies": ("deployment", "resources", 9, "dependencies"),
    "dependency": ("deployment", "resources", 9, "dependencies", 0),
    "propertyDependencies": ("deployment", "resources", 9, "propertyDependencies"),
    "id": ("deployment", "resources", 9, "id"),
    "custom": ("deployment", "resources", 9, "custom"),
    "provider": ("deployment", "resources", 9, "provider"),
    "pending_operations": ("deployment", "pending_operations"),
}


@pytest.mark.parametrize("level", sorted(LEVELS))
def test_every_level_with_every_other_type(workdir: Path, level: str) -> None:
    document = DOCUMENTS["reference_deployed"]
    resource = document["deployment"]["resources"][9]
    assert resource["inputs"].get("kmsKeyId") and resource["dependencies"], "fixture changed"
    path = LEVELS[level]
    for replacement in OTHER_TYPES:
        with tally.timed("export every level x type"):
            done = audit(write(workdir / f"level-{level}.json", replace_at(document, path, replacement)))
        if rejects_whole_file(level, replacement):
            assert done.code == 2, (level, replacement)
        else:
            assert done.code in (0, 1), (level, replacement, done.stderr)
        tally.count("export every level x type")


def rejects_whole_file(level: str, replacement: Any) -> bool:
    """What the loader documents: the file's skeleton and each resource's urn/type are required;
    optional fields of the wrong type are treated as absent (and noted)."""
    if level in ("top", "version", "resource"):
        return True
    if level == "deployment":
        return not isinstance(replacement, dict)
    if level == "resources":
        return replacement is not None and not (isinstance(replacement, list) and not replacement)
    if level == "urn":
        return True
    if level == "type":
        return not (isinstance(replacement, str) and replacement)
    return False


def test_duplicated_live_urn_is_rejected_naming_the_file(workdir: Path) -> None:
    document = copy.deepcopy(DOCUMENTS["seed_broken"])
    resources = document["deployment"]["resources"]
    resources.append(copy.deepcopy(resources[3]))
    path = write(workdir / "duplicate.json", document)
    done = audit(path)
    assert done.code == 2 and "duplicate URN" in done.stderr


def test_dangling_parents_and_dependencies_evaluate(workdir: Path) -> None:
    document = copy.deepcopy(DOCUMENTS["reference_deployed"])
    gone = "urn:pulumi:dev::proj::aws:ec2/vpc:Vpc::deleted-long-ago"
    for resource in document["deployment"]["resources"][1:]:
        resource["parent"] = gone
        resource["dependencies"] = [*resource.get("dependencies", []), gone, "not even a urn"]
        resource["propertyDependencies"] = {key: [gone] for key in resource.get("inputs", {})}
    done = audit(write(workdir / "dangling.json", document))
    assert done.code in (0, 1)
    assert "URN(s) referenced as parent or dependency are not in the export" in " ".join(done.stderr.split())


# --- extremes -------------------------------------------------------------------------------------------------------

def with_resource_input(key: str, value: Any) -> dict[str, Any]:
    document = copy.deepcopy(DOCUMENTS["seed_broken"])
    cluster = next(r for r in document["deployment"]["resources"] if r["type"] == "aws:rds/cluster:Cluster")
    cluster["inputs"][key] = value
    cluster["outputs"][key] = value
    return document


def test_ten_megabyte_strings(workdir: Path) -> None:
    huge = "x" * (10 * MB)
    document = with_resource_input("tags", {"Huge": huge, huge[:MB]: "key of a megabyte"})
    document["deployment"]["resources"][4]["inputs"]["description"] = huge
    path = write(workdir / "huge.json", document)
    done = audit(path, "--output-dir", str(workdir / "huge-out"), *(a for f in ALL_FORMATS for a in ("--format", f)))
    assert done.code == 1
    assert all(p.stat().st_size < 5 * MB for p in (workdir / "huge-out").rglob("*")), "a property value was copied"


def test_ten_megabyte_resource_name(workdir: Path) -> None:
    document = copy.deepcopy(DOCUMENTS["seed_broken"])
    resource = next(r for r in document["deployment"]["resources"] if r["type"] == "aws:kms/key:Key")
    resource["urn"] += "x" * (10 * MB)
    done = audit(write(workdir / "huge-name.json", document), "-q")
    assert done.code in (0, 1)


def nested_arrays(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_100k_nested_arrays_in_inputs_is_one_line(workdir: Path) -> None:
    text = FIXTURES["seed_broken"].decode()
    anchor = '"inputs": {'
    assert anchor in text
    raw = text.replace(anchor, anchor + f'"deep": {nested_arrays(100_000)}, ', 1).encode()
    path = write(workdir / "deep.json", raw)
    done = audit(path)
    assert done.code == 2 and "nested deeper" in done.error_lines[0]


def deep_text(depth: int) -> str:
    """`depth` levels alternating objects and arrays around an unknown sentinel, as JSON text."""
    opening = "".join('{"kmsKeyId": ' if level % 2 else "[" for level in range(depth))
    closing = "".join("}" if level % 2 else "]" for level in reversed(range(depth)))
    return opening + '"04da6b54-80e4-46f7-96ec-b56ff0331ba9"' + closing


@pytest.mark.parametrize("depth", [200, 1000])
def test_deep_but_parseable_inputs_evaluate_in_every_format(workdir: Path, depth: int) -> None:
    document = copy.deepcopy(DOCUMENTS["seed_broken"])
    cluster = next(r for r in document["deployment"]["resources"] if r["type"] == "aws:rds/cluster:Cluster")
    keys = ("kmsKeyId", "masterPassword", "storageEncrypted", "enabledCloudwatchLogsExports", "tags")
    for key in keys:
        cluster["inputs"][key] = cluster["outputs"][key] = f"@{key}@"
    text = json.dumps(document)
    for key in keys:
        text = text.replace(f'"@{key}@"', deep_text(depth))
    out = workdir / f"deep-{depth}"
    done = audit(write(workdir / f"deep-{depth}.json", text.encode()), "--output-dir", str(out),
                 *(a for f in ALL_FORMATS for a in ("--format", f)))
    assert done.code in (0, 1)
    assert_outputs_parse(out)


def assert_outputs_parse(out: Path) -> None:
    written = {p.relative_to(out).as_posix(): p for p in out.rglob("*") if p.is_file()}
    assert {"findings.json", "findings.sarif", "findings.junit.xml", "findings.csv", "report.md",
            "report.html", "oscal/assessment-results.json"} <= set(written), sorted(written)
    for name, path in written.items():
        text = path.read_text(encoding="utf-8")
        if name.endswith((".json", ".sarif")):
            json.loads(text)
        elif name.endswith(".xml"):
            ET.fromstring(text)
        elif name.endswith(".csv"):
            list(csv.reader(io.StringIO(text, newline="")))


@settings(max_examples=25, **PROFILE)
@given(name=st.sampled_from(sorted(FIXTURES)), pick=st.floats(0, 1, exclude_max=True),
       replacement=st.sampled_from(OTHER_TYPES[1:]))
def test_weird_but_valid_exports_write_every_format(workdir: Path, name: str, pick: float, replacement: Any) -> None:
    """Values of the wrong type inside inputs/outputs: evaluation and every writer cope."""
    document = DOCUMENTS[name]
    inner = [(path, value) for path, value in nodes(document)
             if len(path) >= 5 and path[3] in ("inputs", "outputs")]
    path, _original = inner[int(len(inner) * pick)]
    out = workdir / "weird-out"
    with tally.timed("export weird values, all formats"):
        done = audit(write(workdir / "weird.json", replace_at(document, path, replacement)), "--output-dir", str(out),
                     *(a for f in ALL_FORMATS for a in ("--format", f)))
        assert done.code in (0, 1)
        assert_outputs_parse(out)
    tally.count("export weird values, all formats")


def test_loader_and_cli_agree_on_the_bad_fixtures() -> None:
    for path in sorted((EXPORTS / "bad").iterdir()):
        with pytest.raises(ExportError):
            load_export(path)
        done = audit(path)
        assert done.code == 2, path.name


# --- a few real processes --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["truncated", "flipped", "deep", "not-an-object"])
def test_real_process_keeps_the_promise(workdir: Path, damage: str) -> None:
    raw = FIXTURES["seed_broken"]
    data = {
        "truncated": raw[: len(raw) // 3],
        "flipped": raw[:1000] + bytes([raw[1000] ^ 0x80]) + raw[1001:],
        "deep": nested_arrays(100_000).encode(),
        "not-an-object": b"[1, 2, 3]",
    }[damage]
    path = write(workdir / f"real-{damage}.json", data)
    done = run_subprocess("audit", str(path), "--format", "json")
    assert_kept_promise(done, named=str(path))
    assert done.code == 2
