"""Building blocks of the compute and edge rules (Lambda, API Gateway, CloudFront, ELB, EC2, EKS):
enumerated settings, lists of nested blocks, public-route allow-lists, and customer-managed keys
that a stack rule resolves to a key of the stack."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from policies.checks import require_cmk, shown
from policies.graph import Graph
from policies.model import Outcome, Resource, Status, fail, unknown
from policies.values import MISSING, SECRET_PRESENT, UNKNOWN, UNKNOWN_SENTINELS, as_list, get

KMS_KEY_TYPES = ("aws:kms/key:Key", "aws:kms/alias:Alias")
PREFLIGHT = "OPTIONS"


def require_one_of(
    props: Mapping[str, Any], path: str, allowed: Iterable[str], why: str, *, absent_means: str | None = None
) -> list[Outcome]:
    """`path` must be one of `allowed` (case-insensitive); `absent_means` is AWS's default when it is not set."""
    accepted = {a.lower() for a in allowed}
    value = get(props, path)
    if value is UNKNOWN or value is SECRET_PRESENT:
        return [unknown(f"{path} is not known during preview; {why}", **{path: "<unknown>"})]
    if value is MISSING:
        if absent_means is None:
            return [fail(f"{path} is not set; {why}", **{path: None})]
        if absent_means.lower() in accepted:
            return []
        return [fail(f"{path} is absent (AWS's default: {absent_means}); {why}", **{path: None})]
    safe = shown(props, path, value)
    if isinstance(value, str) and value.strip().lower() in accepted:
        return []
    return [fail(f"{path} is {safe!r}; {why}", **{path: safe})]


def items(props: Mapping[str, Any], path: str) -> Iterator[tuple[str, Any]]:
    """(`path.N`, item) for each item of the list at `path`; nothing when absent or unknown (ask `get` first)."""
    for index, item in enumerate(as_list(get(props, path))):
        yield f"{path}.{index}", item


def list_state(props: Mapping[str, Any], path: str) -> Any:
    """UNKNOWN when the list at `path` (or any of its items) is not known, MISSING when absent, else the list."""
    value = get(props, path)
    if value is UNKNOWN or value is SECRET_PRESENT:
        return UNKNOWN
    if value is MISSING:
        return MISSING
    if any(get(props, item_path) is UNKNOWN for item_path, _ in items(props, path)):
        return UNKNOWN
    return value


def public_route(patterns: Iterable[Any], method: str, path: str | None) -> str | None:
    """The allow-list pattern (a glob) that makes the route `method path` public, if any. A pattern with a
    space matches "METHOD /path" ("GET /health", "* /public/*"; an ANY route only matches "*" or "ANY"); one
    without matches the path alone. A path that is not known (None) matches only a pattern for every path."""
    for pattern in patterns:
        if not isinstance(pattern, str) or not pattern.strip():
            continue
        wanted_method, _, wanted_path = pattern.strip().rpartition(" ")
        if wanted_method and not fnmatch.fnmatchcase(method.upper(), wanted_method.upper()):
            continue
        if path is None and wanted_path != "*":
            continue
        if path is None or fnmatch.fnmatchcase(path, wanted_path):
            return pattern
    return None


def config_patterns(config: Mapping[str, Any], key: str) -> list[str]:
    return [p for p in as_list(config.get(key)) if isinstance(p, str) and p not in UNKNOWN_SENTINELS]


def key_in_stack(graph: Graph, resource: Resource, path: str, what: str) -> Outcome | None:
    """None when `path` of `resource` names a customer-managed key: a KMS key (or alias) of the stack it
    resolves to, or a literal key ARN that is not an AWS-managed alias. Otherwise why not, about `resource`."""
    props = graph.props(resource)
    problems = require_cmk(props, path, what)
    if not problems:
        return None
    problem = problems[0]
    if problem.status is Status.FAIL:
        return Outcome(problem.status, problem.message, resource.urn, problem.evidence)
    if get(props, path) is UNKNOWN and graph.resolve(resource, path, KMS_KEY_TYPES).targets:
        return None
    if get(props, path) is UNKNOWN:
        return unknown(f"{path} is not known during preview and no KMS key of this stack feeds it", resource.urn)
    return Outcome(problem.status, problem.message, resource.urn, problem.evidence)


def worst(outcomes: list[Outcome]) -> Outcome | None:
    """One outcome for a resource judged on several parts: the failures joined, else the unknowns joined."""
    for status in (Status.FAIL, Status.UNKNOWN):
        chosen = [o for o in outcomes if o.status is status]
        if chosen:
            return Outcome(status, "; ".join(o.message for o in chosen), chosen[0].urn)
    return None
