"""Policy-pack configuration in the `--policy-pack-config` format, and waivers.

The same JSON a user passes to `pulumi preview --policy-pack-config` drives the
offline gate and the audit: keys are policy names (or `all`), values an
enforcement level or an object with `enforcementLevel` plus the policy's own
properties. Waivers live in each policy's `waivers` property so that they work
with the real Pulumi CLI too.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from policies.model import Enforcement, RuleMeta

ENFORCEMENT_LEVELS = ("advisory", "mandatory", "disabled", "remediate")
_REAL_TEXT = r"\S"
"""A waiver's reason and approver must say something: whitespace alone is refused."""

WAIVER_SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": "Per-resource exemptions: a failure on a matching resource becomes `waived` until `expires`.",
    "items": {
        "type": "object",
        "required": ["resource", "reason", "approver", "expires"],
        "properties": {
            "resource": {"type": "string", "minLength": 1, "description": "URN, resource name, or a glob over either."},
            "reason": {"type": "string", "minLength": 1, "pattern": _REAL_TEXT},
            "approver": {"type": "string", "minLength": 1, "pattern": _REAL_TEXT},
            "expires": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        },
        "additionalProperties": False,
    },
}


class ConfigError(ValueError):
    """Invalid policy configuration; the message names the offending key."""


def config_schema(meta: RuleMeta) -> dict[str, Any]:
    properties = {name: dict(spec) for name, spec in meta.config.items()}
    properties["waivers"] = WAIVER_SCHEMA
    return {"type": "object", "properties": properties, "additionalProperties": False}


@dataclass(frozen=True, slots=True)
class Waiver:
    policy: str
    resource: str
    reason: str
    approver: str
    expires: dt.date

    def matches(self, urn: str, name: str) -> bool:
        return (
            self.resource in (urn, name)
            or fnmatch.fnmatchcase(urn, self.resource)
            or fnmatch.fnmatchcase(name, self.resource)
        )

    def expired(self, today: dt.date) -> bool:
        return today > self.expires

    def to_dict(self) -> dict[str, str]:
        return {
            "policy": self.policy,
            "resource": self.resource,
            "reason": self.reason,
            "approver": self.approver,
            "expires": self.expires.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class PolicySettings:
    enforcement: Enforcement
    properties: dict[str, Any]
    waivers: tuple[Waiver, ...] = ()


@dataclass(frozen=True, slots=True)
class PackSettings:
    policies: Mapping[str, PolicySettings] = field(default_factory=dict)

    def for_rule(self, meta: RuleMeta) -> PolicySettings:
        found = self.policies.get(meta.name)
        if found is not None:
            return found
        return PolicySettings(meta.enforcement, meta.defaults())

    def waivers(self) -> list[Waiver]:
        return [w for s in self.policies.values() for w in s.waivers]


def _enforcement(value: Any, key: str) -> Enforcement:
    if not isinstance(value, str) or value not in ENFORCEMENT_LEVELS:
        raise ConfigError(f"{key}: enforcement level must be one of {', '.join(ENFORCEMENT_LEVELS)}, got {value!r}")
    # `remediate` behaves as mandatory for validation-only policies, as in the Pulumi engine.
    return Enforcement.MANDATORY if value == "remediate" else Enforcement(value)


def _split(value: Any, key: str) -> tuple[Enforcement | None, dict[str, Any]]:
    if isinstance(value, str):
        return _enforcement(value, key), {}
    if isinstance(value, Mapping):
        props = {k: v for k, v in value.items() if k != "enforcementLevel"}
        level = value.get("enforcementLevel")
        return (_enforcement(level, f"{key}.enforcementLevel") if level is not None else None), props
    raise ConfigError(f"{key}: expected an enforcement level or an object, got {type(value).__name__}")


def parse_waivers(policy: str, raw: Sequence[Mapping[str, Any]]) -> tuple[Waiver, ...]:
    waivers = []
    for index, item in enumerate(raw):
        for key in ("resource", "reason", "approver"):
            if not str(item[key]).strip():
                raise ConfigError(f"{policy}.waivers[{index}].{key}: must be real text, not only whitespace")
        try:
            expires = dt.date.fromisoformat(item["expires"])
        except ValueError:
            raise ConfigError(f"{policy}.waivers[{index}].expires: not a valid date: {item['expires']!r}") from None
        waivers.append(Waiver(policy, item["resource"], item["reason"], item["approver"], expires))
    return tuple(waivers)


def _schema_error(schema: Mapping[str, Any], properties: Mapping[str, Any]) -> Any:
    """The error `jsonschema.validate` would raise, or None. The schemas are the pack's own, checked once
    by a test: checking each again per run (as `validate` does) cost a quarter second of every gate and
    audit. Imported here: runs without policy properties (most) never load jsonschema."""
    from jsonschema import Draft202012Validator  # the draft `validate` picks for schemas naming no `$schema`
    from jsonschema.exceptions import best_match

    return best_match(Draft202012Validator(schema).iter_errors(dict(properties)))


def policy_settings(meta: RuleMeta, enforcement: Enforcement | None, properties: Mapping[str, Any]) -> PolicySettings:
    """Validated settings for one policy: schema-checked properties over the defaults."""
    schema = config_schema(meta)
    for prop in properties:
        if prop not in schema["properties"]:
            raise ConfigError(
                f"{meta.name}.{prop}: unknown property (known: {', '.join(sorted(schema['properties']))})"
            )
    error = _schema_error(schema, properties) if properties else None
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "pattern" and error.validator_value == _REAL_TEXT:
            raise ConfigError(f"{meta.name}.{where}: must be real text, not only whitespace")
        raise ConfigError(f"{meta.name}.{where}: {error.message}")
    merged = {**meta.defaults(), **{k: v for k, v in properties.items() if k != "waivers"}}
    waivers = parse_waivers(meta.name, properties.get("waivers", ()))
    return PolicySettings(enforcement or meta.enforcement, merged, waivers)


def parse(raw: Any, metas: Sequence[RuleMeta]) -> PackSettings:
    """Parse a `--policy-pack-config` document; raises ConfigError naming the key."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"policy config: expected a JSON object, got {type(raw).__name__}")
    known = {meta.name: meta for meta in metas}
    for key in raw:
        if key != "all" and key not in known:
            raise ConfigError(f"{key}: no such policy in this pack")
    all_level: Enforcement | None = None
    if "all" in raw:
        all_level, extra = _split(raw["all"], "all")
        if extra:
            raise ConfigError(f"all.{next(iter(extra))}: `all` takes only an enforcement level")
    result: dict[str, PolicySettings] = {}
    for name, meta in known.items():
        level, props = _split(raw[name], name) if name in raw else (None, {})
        result[name] = policy_settings(meta, level or all_level, props)
    return PackSettings(result)
