"""Reading `pulumi stack export` files for `ferpaguard audit`.

A deployment (version 3, or 4 as newer CLIs write it) becomes a StackExport:
every resource of the state as a `policies.model.Resource` with its inputs as
`props` and its provider state as `outputs`, so that resource rules read inputs
and stack rules read outputs, as `pulumi policy analyze` does.

Secrets stay wrapped exactly as the export carries them: ciphertext wrappers
are present but unreadable, plaintext wrappers (`--show-secrets`) are decoded
only by `policies.values` during evaluation. Nothing here prints, logs or
quotes a property value; error messages name the file, the position and the
field, never its content.

Bad input raises ExportError with one line naming the file and the problem.
One bad resource in an otherwise good file:
- a resource that is not an object, lacks `urn` or `type`, or whose URN is not
  a Pulumi URN rejects the whole file (exit 2): an audit must not silently
  evaluate part of the evidence and call it a verdict;
- two live resources with the same URN reject the file (the state is corrupt);
  an old copy marked `delete: true` sharing its URN with the live replacement
  is normal Pulumi state and is kept aside, listed in `skipped`;
- optional fields of the wrong type (`inputs`, `outputs`, `dependencies`,
  `propertyDependencies`, `parent`, `provider`, `id`) are treated as absent
  (corrupt `inputs` beside valid `outputs` are replaced by the outputs) and
  each case is listed in `notes`, so the report says what was normalised.
- references (parent, dependencies) to URNs the file does not contain are kept
  and resolve to nothing; one note counts them.
Resources of `pending_operations` (operations interrupted mid-flight) are not
evaluated; their type and URN are listed so the report can mention them.

A resource's `name` is its URN after the third `::` (the last segment, unless
the name itself contains `::`). The JSON parser is orjson: on a 100k-resource
export it parses faster than the standard library (bench/README.md, "Audit"),
and its nesting limit (1024 levels) turns hostile nesting into an ExportError
instead of a RecursionError.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ferpaguard import collector
from ferpaguard.inputs import EXPORT, InputError, label_of, read_bounded
from policies.model import Resource

SUPPORTED_VERSIONS = (3, 4)
STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_TYPE_PREFIX = "pulumi:providers:"
URN_PREFIX = "urn:pulumi:"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"
_SHOWN = 100


class ExportError(Exception):
    """An export that cannot be audited; the message is one line naming the file and the problem."""


@dataclass(slots=True)
class StackExport:
    """One loaded export. `resources` holds every resource of the state, in file order;
    `pending_deletion` those of them marked `delete: true`; `skipped` says why resources
    are not judged; `notes` what was normalised. `stack` is "project/stack"."""

    path: str
    sha256: str
    version: int
    stack: str
    project: str
    resources: list[Resource]
    pending_operations: list[dict[str, str]] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pending_deletion: list[Resource] = field(default_factory=list)
    """Resources present in the state but not judged: old copies awaiting deletion and external (read) ones."""


def load_export(path: Path | str, data: bytes | None = None) -> StackExport:
    """Parse one export file; `path` "-" reads `data` (or standard input when `data` is None)."""
    label = label_of(path)
    raw = _read(path, data, label)
    with _digest_beside(raw) as digest, collector.paused(freeze=True):
        document = _parse(raw, label)
        version, deployment = _deployment(document, label)
        export = StackExport(
            path=label,
            sha256=digest(),
            version=version,
            stack="",
            project="",
            resources=[],
        )
        _load_resources(deployment, export, label)
        export.pending_operations = _pending_operations(deployment, export, label)
    return export


DIGEST_ON_A_THREAD = 4 << 20
"""Exports larger than this are hashed on a second thread while the main one parses them."""


@contextlib.contextmanager
def _digest_beside(raw: bytes) -> Iterator[Callable[[], str]]:
    """The SHA-256 of `raw` as a call that gives it; for a large export computed meanwhile on a thread
    (hashlib releases the GIL, so on a second core it costs no wall time: 0.1 s at 200 MB)."""
    if len(raw) <= DIGEST_ON_A_THREAD:
        yield lambda: hashlib.sha256(raw).hexdigest()
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-digest") as pool:
        pending = pool.submit(lambda: hashlib.sha256(raw).hexdigest())
        yield pending.result


def resources_for_resource_rules(export: StackExport) -> list[Resource]:
    """The resources rules judge: no providers, no stack resource, no old copies awaiting deletion."""
    doomed = {id(resource) for resource in export.pending_deletion}
    return [
        resource
        for resource in export.resources
        if resource.type != STACK_TYPE
        and not resource.type.startswith(PROVIDER_TYPE_PREFIX)
        and id(resource) not in doomed
    ]


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _shown(urn: str) -> str:
    urn = _one_line(urn)
    return urn if len(urn) <= _SHOWN else urn[: _SHOWN - 3] + "..."


def _read(path: Path | str, data: bytes | None, label: str) -> bytes:
    if data is not None:
        return data
    try:
        return read_bounded(path, EXPORT)
    except InputError as error:
        raise ExportError(str(error)) from None


def _parse(raw: bytes, label: str) -> Any:
    if not raw or raw.isspace():
        raise ExportError(f"{label}: empty file, not a stack export (run `pulumi stack export --file {label}`)")
    if raw.startswith(_UTF16_BOMS):
        raise ExportError(
            f"{label}: UTF-16 encoded (a PowerShell redirect?); write it with `pulumi stack export --file` instead"
        )
    if b"\x00" in raw:
        raise ExportError(f"{label}: binary data (NUL bytes), not a JSON stack export")
    if raw.startswith(_UTF8_BOM):
        raw = raw[len(_UTF8_BOM) :]
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ExportError(f"{label}: {_json_problem(raw, error)}") from None


def _json_problem(raw: bytes, error: orjson.JSONDecodeError) -> str:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"not UTF-8 text (invalid byte at offset {bad.start}), not a JSON stack export"
    where = f"line {error.lineno} column {error.colno}"
    if "depth limit" in error.msg:
        return f"nested deeper than the JSON parser's limit of 1024 levels at {where}"
    if error.pos >= len(raw.rstrip()):
        return f"truncated: the JSON ends unexpectedly at {where}"
    return f"not valid JSON: {error.msg} at {where}"


def _deployment(document: Any, label: str) -> tuple[int, Mapping[str, Any]]:
    if not isinstance(document, dict):
        raise ExportError(f"{label}: not a stack export: the top level is a JSON {_kind(document)}, not an object")
    version = document.get("version")
    if type(version) is not int:
        raise ExportError(f"{label}: not a stack export: no integer `version` field")
    if version not in SUPPORTED_VERSIONS:
        supported = " or ".join(str(v) for v in SUPPORTED_VERSIONS)
        raise ExportError(f"{label}: unsupported deployment version {version} (supported: {supported})")
    deployment = document.get("deployment")
    if deployment is None:
        raise ExportError(f"{label}: not a stack export: no `deployment` object")
    if not isinstance(deployment, dict):
        raise ExportError(f"{label}: `deployment` is a JSON {_kind(deployment)}, not an object")
    return version, deployment


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), type(value).__name__)


def _load_resources(deployment: Mapping[str, Any], export: StackExport, label: str) -> None:
    raw_resources = deployment.get("resources")
    if raw_resources is None:  # `pulumi stack export` omits the key for an empty stack
        raw_resources = []
    if not isinstance(raw_resources, list):
        raise ExportError(f"{label}: `deployment.resources` is a JSON {_kind(raw_resources)}, not an array")
    reader = _ResourceReader(label, export.notes)
    live_urns: set[str] = set()
    resources = export.resources
    for index, raw in enumerate(raw_resources):
        resource, stack_parts = reader.read(raw, index)
        if raw.get("delete") is True:
            export.pending_deletion.append(resource)
            export.skipped.append(
                {"urn": resource.urn, "type": resource.type, "reason": "old copy pending deletion after a replace"}
            )
        elif raw.get("external") is True:
            # Read with `Resource.get`: the stack looks it up but does not manage it (the gate sets these aside too).
            export.pending_deletion.append(resource)
            export.skipped.append(
                {"urn": resource.urn, "type": resource.type, "reason": "external: read by the stack, not managed by it"}
            )
            live_urns.add(resource.urn)
        elif resource.urn in live_urns:
            raise ExportError(f"{label}: resource #{index}: duplicate URN {_shown(resource.urn)}")
        else:
            live_urns.add(resource.urn)
        if resource.type == STACK_TYPE and not export.stack:
            export.project = stack_parts[1]
            export.stack = f"{stack_parts[1]}/{stack_parts[0]}"
        resources.append(resource)
    if not export.stack and resources:
        parts = _urn_parts(resources[0].urn)
        assert parts is not None  # every URN was validated by the reader
        export.project = parts[1]
        export.stack = f"{parts[1]}/{parts[0]}"
        export.notes.append("no pulumi:pulumi:Stack resource; stack name taken from the first resource's URN")
    dangling = reader.referenced - live_urns - {r.urn for r in export.pending_deletion}
    if dangling:
        export.notes.append(
            f"{len(dangling)} URN(s) referenced as parent or dependency are not in the export; those references "
            "resolve to nothing"
        )


def _urn_parts(urn: str) -> tuple[str, str, str, str] | None:
    """(stack, project, qualified type, name) of `urn:pulumi:<stack>::<project>::<type>::<name>`."""
    if not urn.startswith(URN_PREFIX):
        return None
    parts = urn[len(URN_PREFIX) :].split("::", 3)
    if len(parts) != 4 or not all(parts[:3]):
        return None
    return parts[0], parts[1], parts[2], parts[3]


def _urns(value: Any) -> tuple[str, ...] | None:
    """A list of URNs as a tuple; None when it is something else."""
    if type(value) is list:
        for item in value:
            if type(item) is not str:
                return None
        return tuple(value)
    return () if value is None else None


class _ResourceReader:
    """Turns raw state entries into Resources, noting normalised fields and every URN referenced.

    Runs once per resource of exports with 100k resources, hence the fast paths for the
    shapes Pulumi writes (empty dependency lists, string ids).
    """

    def __init__(self, label: str, notes: list[str]) -> None:
        self.label = label
        self.notes = notes
        self.referenced: set[str] = set()

    def note(self, urn: str, key: str, expected: str) -> None:
        self.notes.append(f"{_shown(urn)}: `{key}` is not {expected}; treated as absent")

    def read(self, raw: Any, index: int) -> tuple[Resource, tuple[str, str, str, str]]:
        if type(raw) is not dict:
            raise ExportError(f"{self.label}: resource #{index} is a JSON {_kind(raw)}, not an object")
        get = raw.get
        urn = get("urn")
        if type(urn) is not str or not urn:
            raise ExportError(f"{self.label}: resource #{index} has no `urn`")
        parts = _urn_parts(urn)
        if parts is None:
            raise ExportError(
                f"{self.label}: resource #{index}: `urn` is not a Pulumi URN "
                "(urn:pulumi:<stack>::<project>::<type>::<name>)"
            )
        type_ = get("type")
        if type(type_) is not str or not type_:
            raise ExportError(f"{self.label}: resource #{index} ({_shown(urn)}) has no `type`")
        inputs = get("inputs")
        corrupt_inputs = inputs is not None and type(inputs) is not dict
        if type(inputs) is not dict:
            inputs = self.mapping(inputs, urn, "inputs")
        outputs = get("outputs")
        if type(outputs) is not dict:
            outputs = self.mapping(outputs, urn, "outputs")
        if corrupt_inputs and outputs:
            # Judging empty inputs would pass what the provider state shows; read the state instead.
            inputs = outputs
            self.notes.append(f"{_shown(urn)}: resource rules read its `outputs` in place of the corrupt `inputs`")
        parent, provider, id_ = get("parent"), get("provider"), get("id")
        if type(parent) is not str:
            parent = self.text(parent, urn, "parent")
        elif parent:
            self.referenced.add(parent)
        if type(provider) is not str:
            provider = self.text(provider, urn, "provider")
        if type(id_) is not str:
            id_ = self.text(id_, urn, "id")
        if id_ and outputs and "id" not in outputs:
            # Stack policies see outputs only (the Analyzer protocol has no id field): keep the id reachable.
            outputs = {**outputs, "id": id_}
        custom = get("custom")
        resource = Resource(  # positional, in the field order: once per resource of 100k-resource exports
            urn,
            type_,
            parts[3],
            inputs,
            outputs,
            parent or None,
            self.urn_list(get("dependencies"), urn, "dependencies"),
            self.property_dependencies(get("propertyDependencies"), urn),
            provider or None,
            id_ or None,
            custom if type(custom) is bool else bool(id_),
        )
        return resource, parts

    def mapping(self, value: Any, urn: str, key: str) -> dict[str, Any]:
        if value is not None:
            self.note(urn, key, "an object")
        return {}

    def text(self, value: Any, urn: str, key: str) -> None:
        if value is not None:
            self.note(urn, key, "a string")

    def urn_list(self, value: Any, urn: str, key: str) -> tuple[str, ...]:
        urns = _urns(value)
        if urns is None:
            self.note(urn, key, "a list of URNs")
            return ()
        self.referenced.update(urns)
        return urns

    def property_dependencies(self, value: Any, urn: str) -> dict[str, tuple[str, ...]]:
        if type(value) is not dict:
            if value is not None:
                self.note(urn, "propertyDependencies", "an object")
            return {}
        result: dict[str, tuple[str, ...]] = {}
        referenced = self.referenced
        for key, urns in value.items():
            if type(urns) is list:
                for item in urns:
                    if type(item) is not str:
                        break
                else:  # a list of URNs, as Pulumi writes it
                    result[key] = tuple(urns)
                    referenced.update(urns)
                    continue
            elif urns is None:
                result[key] = ()
                continue
            self.note(urn, f"propertyDependencies.{key}", "a list of URNs")
            result[key] = ()
        return result


def _pending_operations(deployment: Mapping[str, Any], export: StackExport, label: str) -> list[dict[str, str]]:
    raw_operations = deployment.get("pending_operations")
    if raw_operations is None:
        return []
    if not isinstance(raw_operations, list):
        export.notes.append("`deployment.pending_operations` is not an array; ignored")
        return []
    operations: list[dict[str, str]] = []
    for operation in raw_operations:
        if not isinstance(operation, dict):
            export.notes.append("a pending operation is not an object; ignored")
            continue
        resource = operation.get("resource")
        resource = resource if isinstance(resource, dict) else {}
        operations.append(
            {
                "type": _text(operation.get("type")),
                "urn": _text(resource.get("urn")),
                "resource_type": _text(resource.get("type")),
            }
        )
    return operations


def _text(value: Any) -> str:
    return _one_line(value) if isinstance(value, str) else ""
