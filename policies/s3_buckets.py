"""S3 buckets and the separate configuration resources that refer to them, for the S3
stack rules: a bucket is judged with its inline settings and every configuration resource
(public access block, policy, ACL, versioning, logging) whose `bucket` names it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from policies.graph import Graph
from policies.model import Outcome, Resource
from policies.values import MISSING, as_list, get, is_unknown, truth

BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
LOGGING_TYPES = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
LOAD_BALANCER_TYPES = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")


@dataclass(frozen=True, slots=True)
class Attached:
    """Configuration resources by the URN of the bucket they name; `unresolved` name no bucket of the stack."""

    by_bucket: Mapping[str, list[Resource]] = field(default_factory=dict)
    unresolved: tuple[Resource, ...] = ()

    def of(self, bucket: Resource) -> list[Resource]:
        return list(self.by_bucket.get(bucket.urn, ()))


def buckets(graph: Graph) -> list[Resource]:
    return graph.of_type(*BUCKET_TYPES)


def _by_name(graph: Graph) -> dict[str, Resource]:
    named: dict[str, Resource] = {}
    for bucket in buckets(graph):
        name = get(graph.props(bucket), "bucket")
        if isinstance(name, str) and not is_unknown(name):
            named[name] = bucket
    return named


def referenced_buckets(graph: Graph, resource: Resource, path: str) -> tuple[list[Resource], bool]:
    """The buckets the value at `path` names (by id, ARN, name or the literal `bucket` name),
    and whether some value named no bucket of the stack."""
    found = graph.resolve(resource, path, BUCKET_TYPES)
    if found.targets:
        return list(found.targets), found.unresolved
    literal = get(graph.props(resource), path)
    named = _by_name(graph)
    if isinstance(literal, str) and literal in named:
        return [named[literal]], False
    return [], True


def attached(graph: Graph, types: tuple[str, ...], path: str = "bucket") -> Attached:
    by_bucket: dict[str, list[Resource]] = defaultdict(list)
    unresolved: list[Resource] = []
    for config in graph.of_type(*types):
        targets, _ = referenced_buckets(graph, config, path)
        for bucket in targets:
            by_bucket[bucket.urn].append(config)
        if not targets:
            unresolved.append(config)
    return Attached(by_bucket, tuple(unresolved))


def inline_list(props: Mapping[str, Any], single: str, several: str) -> list[Any]:
    """An inline block that Bucket spells as one object (`single`) and BucketV2 as a list (`several`)."""
    found = as_list(get(props, several))
    value = get(props, single)
    if isinstance(value, Mapping):
        found.insert(0, value)
    return found


def inline_logging_targets(props: Mapping[str, Any]) -> list[str]:
    """Paths of the target buckets of a bucket's inline access logging (Bucket: `logging`, BucketV2:
    `loggings`); a block that is itself not known during preview names none."""
    blocks = [("logging", get(props, "logging"))]
    blocks += [(f"loggings.{index}", block) for index, block in enumerate(as_list(get(props, "loggings")))]
    return [f"{path}.targetBucket" for path, block in blocks
            if isinstance(block, Mapping) and get(block, "targetBucket") is not MISSING]


def log_buckets(graph: Graph) -> set[str]:
    """URNs of the buckets that receive S3 server access logs or load balancer access logs.

    AWS requires SSE-S3 for them (neither delivery can write with a customer-managed
    key), and a log bucket logging its own access would log without end.
    """
    found: set[str] = set()
    for logging in graph.of_type(*LOGGING_TYPES):
        found.update(bucket.urn for bucket in referenced_buckets(graph, logging, "targetBucket")[0])
    for bucket in buckets(graph):
        for path in inline_logging_targets(graph.props(bucket)):
            found.update(target.urn for target in referenced_buckets(graph, bucket, path)[0])
    for balancer in graph.of_type(*LOAD_BALANCER_TYPES):
        for path in ("accessLogs.bucket", "connectionLogs.bucket"):
            enabled = truth(get(graph.props(balancer), path.replace(".bucket", ".enabled")))
            if enabled is not False and get(graph.props(balancer), path) is not MISSING:
                found.update(target.urn for target in referenced_buckets(graph, balancer, path)[0])
    return found


BucketJudge = Callable[[Resource], Outcome]


def judge_each(graph: Graph, judge: BucketJudge) -> list[Outcome]:
    """One outcome per bucket, on the bucket's URN."""
    outcomes: list[Outcome] = []
    for bucket in buckets(graph):
        verdict = judge(bucket)
        outcomes.append(Outcome(verdict.status, verdict.message, bucket.urn, verdict.evidence))
    return outcomes
