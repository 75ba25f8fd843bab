"""Validators for the vendored official schemas (tests/schemas/).

The OSCAL schemas use Unicode property classes (\\p{L}) that Python's `re`
cannot compile, so their `pattern` keyword is evaluated with the `regex` package.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import regex
from jsonschema import Draft4Validator, Draft7Validator, Draft202012Validator, ValidationError, validators

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
FINDINGS_SCHEMA = Path(__file__).resolve().parents[2] / "ferpaguard" / "evidence" / "findings.schema.json"


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not regex.search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


OscalValidator = validators.extend(Draft7Validator, {"pattern": _pattern})


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def sarif_validator() -> Draft4Validator:
    schema = _load(SCHEMAS / "sarif-schema-2.1.0.json")
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


@functools.cache
def oscal_validator(name: str) -> jsonschema.protocols.Validator:
    schema = _load(SCHEMAS / "oscal" / name)
    return OscalValidator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


@functools.cache
def findings_validator() -> Draft202012Validator:
    return Draft202012Validator(_load(FINDINGS_SCHEMA), format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(validator: Any, document: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in validator.iter_errors(document)]


def control_ids() -> dict[str, set[str]]:
    """tests/schemas/nist_control_ids.txt as {catalog: {OSCAL control id}}."""
    ids: dict[str, set[str]] = {}
    for line in (SCHEMAS / "nist_control_ids.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        catalog, control = line.split()
        ids.setdefault(catalog, set()).add(control)
    return ids
