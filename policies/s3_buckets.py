"""S3 buckets and the separate configuration resources that refer to them, for the S3
stack rules: a bucket is judged with its inline settings and every configuration resource
(public access block, policy, ACL, versioning, logging) whose `bucket` names it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from policies.attachments import Attached, attach, judge_owners, referenced
from policies.graph import Graph
from policies.model import Outcome, Resource
from policies.values import MISSING, as_list, get, truth

BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
LOGGING_TYPES = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
LOAD_BALANCER_TYPES = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")


def buckets(graph: Graph) -> list[Resource]:
    return graph.of_type(*BUCKET_TYPES)


def referenced_buckets(graph: Graph, resource: Resource, path: str) -> list[Resource]:
    """The buckets the value at `path` names (by id, ARN, name or the literal `bucket` name)."""
    return referenced(graph, resource, path, BUCKET_TYPES, "bucket")


def attached(graph: Graph, types: tuple[str, ...], path: str = "bucket") -> Attached:
    return attach(graph, types, path, BUCKET_TYPES, "bucket")


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

    They are log buckets: AWS delivers both kinds of log only to SSE-S3 buckets (FERPA-ENC-08
    judges them so), and a bucket logging its own access would log without end.
    """
    found: set[str] = set()
    for logging in graph.of_type(*LOGGING_TYPES):
        found.update(bucket.urn for bucket in referenced_buckets(graph, logging, "targetBucket"))
    for bucket in buckets(graph):
        for path in inline_logging_targets(graph.props(bucket)):
            found.update(target.urn for target in referenced_buckets(graph, bucket, path))
    for balancer in graph.of_type(*LOAD_BALANCER_TYPES):
        for path in ("accessLogs.bucket", "connectionLogs.bucket"):
            enabled = truth(get(graph.props(balancer), path.replace(".bucket", ".enabled")))
            if enabled is not False and get(graph.props(balancer), path) is not MISSING:
                found.update(target.urn for target in referenced_buckets(graph, balancer, path))
    return found


def judge_each(graph: Graph, judge: Callable[[Resource], Outcome]) -> list[Outcome]:
    """One outcome per bucket, on the bucket's URN."""
    return judge_owners(buckets(graph), judge)
