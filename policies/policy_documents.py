"""Reading AWS JSON policy documents (KMS key policies, EFS file-system policies,
IAM and resource policies) as plain data.

A policy arrives as a JSON string, an already-decoded object, an unknown
sentinel during preview, or nothing at all. `read_policy` turns each of those
into one `PolicyRead`; `Statement` gives every statement's principals, actions,
resources and conditions in one normalised shape, so rules compare values
instead of re-parsing the many spellings AWS accepts ("*" or ["*"], a string or
a list, "Principal": "*" or {"AWS": "*"}).

Unknown parts stay visible: a statement whose field is unknown says so through
`Statement.unknown_fields`, and rules turn that into an `unknown` outcome.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from policies.values import (
    MISSING,
    SECRET_PRESENT,
    UNKNOWN,
    UNKNOWN_SENTINELS,
    contains_unknown,
    get,
    is_secret,
    is_secret_at,
    is_unknown,
    unwrap_secret,
)

WILDCARD = "*"
_MAX_STATEMENTS = 1000
MAX_POLICY_CHARS = 65_536
"""Larger than any policy document AWS accepts (key policies: 32 KB; IAM and resource policies: less).
A rule never parses more: a bigger document is invalid, which AWS would reject anyway."""


class PolicyState(StrEnum):
    PARSED = "parsed"
    ABSENT = "absent"
    UNKNOWN = "unknown"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement; list-valued fields are tuples of strings, whatever the JSON spelling.

    `principals` maps a principal type ("AWS", "Service", "Federated",
    "CanonicalUser", or "*" for the bare `"Principal": "*"`) to its values.
    `conditions` maps an operator (e.g. "Bool") to condition keys (as written)
    and their values, booleans and numbers rendered as JSON text ("false", "1").
    """

    index: int
    sid: str | None
    effect: str
    principals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    not_principals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    has_principal: bool = False
    has_not_principal: bool = False
    secret: bool = False
    """Read from inside a secret (the document, its Statement list or this statement): its text is never shown."""
    condition_unknown: bool = False
    unknown_fields: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def label(self) -> str:
        """How messages name the statement: its Sid, or its position when it has none or sits in a secret."""
        if self.sid and not self.secret:
            return f"statement {self.sid!r}"
        return f"statement #{self.index + 1}"

    @property
    def reference(self) -> str | int:
        """The statement for evidence: its Sid, or its 1-based position when it has none or sits in a secret."""
        return self.sid if self.sid and not self.secret else self.index + 1

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"

    @property
    def is_deny(self) -> bool:
        return self.effect == "Deny"

    @property
    def has_condition(self) -> bool:
        return any(keys for keys in self.conditions.values())

    def principal_is_wildcard(self) -> bool:
        """True for `"*"`, `{"AWS": "*"}` or any principal list that contains "*"."""
        return any(WILDCARD in values for values in self.principals.values())

    def grants_everyone(self) -> bool:
        """A wildcard principal, or a NotPrincipal (which applies to everyone not listed)."""
        return self.principal_is_wildcard() or self.has_not_principal

    def allows_action(self, action: str) -> bool:
        """Whether this statement's Action / NotAction covers `action` (IAM wildcards, case-insensitive)."""
        if self.not_actions:
            return not matches_any(self.not_actions, action)
        return matches_any(self.actions, action)

    def condition_values(self, key: str, operators: Iterable[str]) -> tuple[str, ...]:
        """Values of condition `key` (matched case-insensitively) under any of `operators`."""
        wanted = {op for op in operators}
        found: list[str] = []
        for operator, keys in self.conditions.items():
            if operator not in wanted:
                continue
            for name, values in keys.items():
                if name.lower() == key.lower():
                    found.extend(values)
        return tuple(found)


@dataclass(frozen=True, slots=True)
class PolicyRead:
    """The outcome of reading one policy value."""

    state: PolicyState
    statements: tuple[Statement, ...] = ()
    error: str = ""
    document: Mapping[str, Any] | None = None

    @property
    def parsed(self) -> bool:
        return self.state is PolicyState.PARSED


class _Invalid(ValueError):
    pass


def read_policy(value: Any) -> PolicyRead:
    """A policy from its property value: JSON text, a decoded object, unknown, or absent."""
    if value is MISSING or value is None:
        return PolicyRead(PolicyState.ABSENT)
    if value is UNKNOWN or is_unknown(value) or value is SECRET_PRESENT:
        return PolicyRead(PolicyState.UNKNOWN)
    if is_secret(value):
        inner = read_policy(unwrap_secret(value))
        return replace(inner, statements=tuple(replace(s, secret=True) for s in inner.statements))
    if isinstance(value, str):
        return _read_policy_text(value)
    return _read_policy_object(value)


@functools.lru_cache(maxsize=2048)
def _read_policy_text(value: str) -> PolicyRead:
    """A policy given as JSON text. The same text reads the same (the result is immutable): an audit reads
    each policy twice (inputs, then the deployed state), and many resources carry the same policy."""
    if len(value) > MAX_POLICY_CHARS:
        return PolicyRead(PolicyState.INVALID, error=f"the policy is longer than {MAX_POLICY_CHARS} characters")
    if not value.strip():
        return PolicyRead(PolicyState.INVALID, error="the policy is an empty string")
    try:
        document = json.loads(value)
    except ValueError as error:
        reason = f"the policy is not valid JSON ({error.msg} at line {error.lineno})"
        return PolicyRead(PolicyState.INVALID, error=reason)
    except RecursionError:
        return PolicyRead(PolicyState.INVALID, error="the policy JSON is nested too deeply")
    return _read_policy_object(document)


def _read_policy_object(value: Any) -> PolicyRead:
    if not isinstance(value, Mapping):
        return PolicyRead(PolicyState.INVALID, error=f"the policy is a JSON {_json_type(value)}, not an object")
    try:
        statements = tuple(_statements(value))
    except _Invalid as error:
        return PolicyRead(PolicyState.INVALID, error=str(error), document=value)
    return PolicyRead(PolicyState.PARSED, statements, document=value)


def read_policy_at(props: Any, path: str) -> PolicyRead:
    """The policy at `path` of `props`; its statements are marked secret when the value sits in a secret."""
    read = read_policy(get(props, path))
    if read.statements and is_secret_at(props, path):
        return replace(read, statements=tuple(replace(s, secret=True) for s in read.statements))
    return read


def matches(pattern: str, value: str) -> bool:
    """IAM-style glob match: `*` any run, `?` one character, case-insensitive."""
    return match_steps(pattern, value)[0]


def match_steps(pattern: str, value: str) -> tuple[bool, int]:
    """`matches` and the number of characters it compared.

    No backtracking: the pattern is cut at its `*`s; the first piece must start
    the value, the last must end it, and each piece between is taken at its
    leftmost place after the previous one (which is never worse than a later
    place). The work is bounded by len(value) x longest piece, and is linear
    for pieces without `?`.
    """
    pattern, value = pattern.lower(), value.lower()
    pieces = pattern.split(WILDCARD)
    if len(pieces) == 1:
        return len(pattern) == len(value) and _piece_at(pattern, value, 0), len(pattern)
    first, *middle, last = pieces
    end = len(value) - len(last)
    steps = len(first) + len(last)
    if end < len(first) or not _piece_at(first, value, 0) or not _piece_at(last, value, end):
        return False, steps
    position = len(first)
    for piece in middle:
        if not piece:
            continue
        found, work = _find_piece(piece, value, position, end)
        steps += work
        if found < 0:
            return False, steps
        position = found + len(piece)
    return True, steps


def _piece_at(piece: str, value: str, start: int) -> bool:
    """`piece` (no `*`; `?` matches any one character) occurs in `value` at `start`."""
    if start + len(piece) > len(value):
        return False
    return all(p == "?" or p == v for p, v in zip(piece, value[start : start + len(piece)], strict=False))


def _find_piece(piece: str, value: str, start: int, end: int) -> tuple[int, int]:
    """Leftmost place of `piece` in value[start:end], or -1; and the characters compared."""
    if "?" not in piece:
        found = value.find(piece, start, end)
        return found, (end - start) if found < 0 else found + len(piece) - start
    for place in range(start, end - len(piece) + 1):
        if _piece_at(piece, value, place):
            return place, (place - start + 1) * len(piece)
    return -1, max(0, end - start) * len(piece)


def matches_any(patterns: Iterable[str], value: str) -> bool:
    return any(matches(pattern, value) for pattern in patterns)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Sequence):
        return "array"
    return type(value).__name__


def _readable(value: Any) -> Any:
    """A secret's plaintext for reading; UNKNOWN when only ciphertext is available."""
    if is_secret(value):
        inner = unwrap_secret(value)
        return UNKNOWN if inner is SECRET_PRESENT else inner
    return value


def _statements(document: Mapping[str, Any]) -> Iterable[Statement]:
    listed = document.get("Statement")
    raw = _readable(listed)
    if raw is None:
        raise _Invalid("the policy has no Statement")
    if is_unknown(raw):
        yield Statement(0, None, "", unknown_fields=("Statement",))
        return
    items = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(items, Sequence) or isinstance(items, str | bytes):
        raise _Invalid(f"Statement is a JSON {_json_type(raw)}, not an object or array")
    if len(items) > _MAX_STATEMENTS:
        raise _Invalid(f"the policy has more than {_MAX_STATEMENTS} statements")
    for index, wrapped in enumerate(items):
        item = _readable(wrapped)
        if is_unknown(item):
            yield Statement(index, None, "", unknown_fields=("Statement",))
            continue
        if not isinstance(item, Mapping):
            raise _Invalid(f"statement #{index + 1} is a JSON {_json_type(item)}, not an object")
        statement = _statement(index, item)
        yield replace(statement, secret=True) if is_secret(listed) or is_secret(wrapped) else statement


def _statement(index: int, raw: Mapping[str, Any]) -> Statement:
    unknown_fields = tuple(key for key, value in raw.items() if contains_unknown(value))
    sid = raw.get("Sid")
    effect = raw.get("Effect")
    return Statement(
        index=index,
        sid=sid if isinstance(sid, str) and sid else None,
        effect=effect if isinstance(effect, str) else "",
        principals=_principals(raw.get("Principal")),
        not_principals=_principals(raw.get("NotPrincipal")),
        actions=_strings(raw.get("Action")),
        not_actions=_strings(raw.get("NotAction")),
        resources=_strings(raw.get("Resource")),
        not_resources=_strings(raw.get("NotResource")),
        conditions=_conditions(raw.get("Condition")),
        has_principal=raw.get("Principal") is not None,
        has_not_principal=raw.get("NotPrincipal") is not None,
        condition_unknown=_condition_unknown(raw.get("Condition")),
        unknown_fields=unknown_fields,
        raw=raw,
    )


def _strings(value: Any) -> tuple[str, ...]:
    """A string or list of scalars as a tuple of strings; objects and unknowns are dropped."""
    kind = type(value)
    if kind is str:  # the common shapes first: the ABC checks below are slow on every statement field
        return () if value in UNKNOWN_SENTINELS else _checked_length((value,))
    if kind is list and all(type(item) is str for item in value):
        return _checked_length(tuple(item for item in value if item not in UNKNOWN_SENTINELS))
    items = value if isinstance(value, Sequence) and not isinstance(value, str | bytes) else [value]
    out: list[str] = []
    for item in items:
        if item is None or is_unknown(item) or (isinstance(item, Mapping | Sequence) and not isinstance(item, str)):
            continue
        text = item if isinstance(item, str) else json.dumps(item)
        if len(text) > MAX_POLICY_CHARS:
            raise _Invalid(f"a policy value is longer than {MAX_POLICY_CHARS} characters")
        out.append(text)
    return tuple(out)


def _checked_length(texts: tuple[str, ...]) -> tuple[str, ...]:
    for text in texts:
        if len(text) > MAX_POLICY_CHARS:
            raise _Invalid(f"a policy value is longer than {MAX_POLICY_CHARS} characters")
    return texts


def _principals(value: Any) -> dict[str, tuple[str, ...]]:
    if value is None or is_unknown(value):
        return {}
    if isinstance(value, Mapping):
        return {str(kind): _strings(values) for kind, values in value.items()}
    return {WILDCARD: _strings(value)}


def _condition_unknown(value: Any) -> bool:
    """Whether the Condition block, or one of its operators, is wholly unknown (so its presence is unknown)."""
    if is_unknown(value):
        return True
    return isinstance(value, Mapping) and any(is_unknown(keys) for keys in value.values())


def _conditions(value: Any) -> dict[str, dict[str, tuple[str, ...]]]:
    if not isinstance(value, Mapping):
        return {}
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for operator, keys in value.items():
        if isinstance(keys, Mapping):
            out[str(operator)] = {str(key): _strings(values) for key, values in keys.items()}
    return out
