"""Property shapes of a Pulumi AWS resource, read from pulumi_aws's type hints.

pulumi_aws carries no Terraform names, but its output type hints say which
properties are maps (`Mapping[str, str]`), single objects (`outputs.X`: a
Terraform block with at most one item, which the plan JSON writes as a
one-element list), lists of objects (`Sequence[outputs.X]`) and scalars.
This module is a maintenance tool: `mapping.yaml` is the data the converter
uses; a test compares its `blocks` with what this reader derives, and
`python -m ferpaguard.checkov.shapes TOKEN…` prints the shape of a type.
"""

from __future__ import annotations

import importlib
import sys
import typing
import warnings
from enum import StrEnum
from typing import Any

MAX_DEPTH = 4


class Kind(StrEnum):
    SCALAR = "scalar"
    SCALAR_LIST = "scalar_list"
    MAP = "map"
    OBJECT = "object"
    OBJECT_LIST = "object_list"


def resource_class(token: str) -> type:
    """The pulumi_aws class for a type token such as `aws:lb/listener:Listener`."""
    _, module_path, class_name = token.split(":")
    package = module_path.split("/", 1)[0]
    module = importlib.import_module(f"pulumi_aws.{'lambda_' if package == 'lambda' else package}")
    return getattr(module, class_name)


def _resolve(hint: Any, owner: type) -> Any:
    if isinstance(hint, typing.ForwardRef):
        return eval(hint.__forward_arg__, vars(sys.modules[owner.__module__]))
    if isinstance(hint, str):
        return eval(hint, vars(sys.modules[owner.__module__]))
    return hint


def _strip(hint: Any, owner: type) -> Any:
    """Drop Output[...] and Optional[...] around a hint."""
    hint = _resolve(hint, owner)
    while True:
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin is typing.Union:
            hint = _resolve(next(a for a in args if a is not type(None)), owner)
        elif getattr(origin, "__name__", "") == "Output" or getattr(hint, "__name__", "") == "Output":
            hint = _resolve(args[0], owner) if args else Any
        else:
            return hint


def _is_output_type(hint: Any) -> bool:
    return isinstance(hint, type) and hint.__module__.endswith(".outputs")


def _properties(cls: type) -> dict[str, Any]:
    """camelCase engine name -> return hint, for every pulumi getter of `cls`."""
    found: dict[str, Any] = {}
    for attr in dir(cls):
        member = getattr(cls, attr, None)
        if isinstance(member, property) and member.fget is not None:
            name = getattr(member.fget, "_pulumi_name", None)
            if name and name not in ("urn", "id"):
                found[name] = member.fget.__annotations__.get("return")
    return found


def _classify(hint: Any, owner: type) -> tuple[Kind, type | None]:
    hint = _strip(hint, owner)
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is not None and getattr(origin, "__name__", "") in ("Mapping", "dict"):
        return Kind.MAP, None
    if origin is not None and getattr(origin, "__name__", "") in ("Sequence", "list"):
        item = _strip(args[0], owner) if args else Any
        return (Kind.OBJECT_LIST, item) if _is_output_type(item) else (Kind.SCALAR_LIST, None)
    if _is_output_type(hint):
        return Kind.OBJECT, hint
    return Kind.SCALAR, None


def shape(token: str) -> dict[str, Kind]:
    """Dotted camelCase path (list items not indexed) -> kind, for a resource type."""
    result: dict[str, Kind] = {}

    def walk(cls: type, prefix: str, depth: int) -> None:
        for name, hint in _properties(cls).items():
            path = f"{prefix}{name}"
            kind, nested = _classify(hint, cls)
            result[path] = kind
            if nested is not None and depth < MAX_DEPTH:
                walk(nested, f"{path}.", depth + 1)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # deprecated types are still mapped
        walk(resource_class(token), "", 1)
    return result


def blocks(token: str) -> set[str]:
    """Paths whose value is a single object: Terraform writes these as one-element lists."""
    return {path for path, kind in shape(token).items() if kind is Kind.OBJECT}


def main(argv: list[str]) -> int:
    for token in argv:
        print(f"{token}:")
        for path, kind in sorted(shape(token).items()):
            if kind is not Kind.SCALAR:
                print(f"  {path}: {kind}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
