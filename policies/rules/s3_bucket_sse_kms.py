from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from policies.checks import best_of, is_aws_managed_key, shown
from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.registry import Context
from policies.resource_types import LOAD_BALANCERS
from policies.values import MISSING, UNKNOWN, as_list, get, is_unknown

RULE_ID = "FERPA-ENC-08"

BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
CONFIG_TYPES = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
KEY_TYPES = ("aws:kms/key:Key", "aws:kms/alias:Alias")

KeyLookup = Callable[[str], list[str]]

BUCKET_LOGGING = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
# AWS delivers load balancer access logs and S3 server access logs only to buckets encrypted with
# SSE-S3: a customer-managed key there is not possible, so these are judged as log buckets.
LOG_WRITERS = {"load balancer access logs": (LOAD_BALANCERS, "accessLogs.bucket"),
               "S3 server access logs": (BUCKET_LOGGING, "targetBucket")}


def _judge_rules(props: Mapping[str, Any], where: str, keys_of_stack: KeyLookup | None = None) -> Outcome:
    """Whether one SSE configuration (its `rules`) uses SSE-KMS with a customer-managed key.

    `keys_of_stack` names the KMS keys of the stack a key path refers to; it settles
    a key ARN that is unknown during preview.
    """
    rules = get(props, "rules")
    if rules is UNKNOWN:
        return unknown(f"{where}: rules are not known during preview")
    if not as_list(rules):
        return fail(f"{where} has no rules: objects get S3's default SSE-S3 (AES256) with an AWS-owned key")
    problems: list[str] = []
    for index in range(len(as_list(rules))):
        base = f"rules.{index}.applyServerSideEncryptionByDefault"
        algorithm = get(props, f"{base}.sseAlgorithm")
        key = get(props, f"{base}.kmsMasterKeyId")
        if algorithm is UNKNOWN:
            return unknown(f"{where}: sseAlgorithm is not known during preview")
        if algorithm not in KMS_ALGORITHMS:
            problems.append(f"sseAlgorithm is {shown(props, f'{base}.sseAlgorithm', algorithm)!r}, not aws:kms")
        elif key is UNKNOWN:
            keys = keys_of_stack(f"{base}.kmsMasterKeyId") if keys_of_stack else []
            if not keys:
                return unknown(
                    f"{where}: kmsMasterKeyId is not known during preview and no KMS key of the stack feeds it"
                )
            return passed(f"{where} uses SSE-KMS with key {', '.join(keys)} of this stack")
        elif key is MISSING:
            problems.append("kmsMasterKeyId is not set, so S3 uses the AWS-managed key aws/s3")
        elif not isinstance(key, str) or not key.strip():
            problems.append(f"kmsMasterKeyId is not a KMS key: {shown(props, f'{base}.kmsMasterKeyId', key)!r}")
        elif is_aws_managed_key(key):
            problems.append(f"kmsMasterKeyId {shown(props, f'{base}.kmsMasterKeyId', key)} is an AWS-managed key")
        else:
            return passed(f"{where} uses SSE-KMS with a customer-managed key")
    return fail(f"{where}: {'; '.join(problems)}")


def _key_lookup(graph: Graph, config: Resource) -> KeyLookup:
    def names(path: str) -> list[str]:
        return sorted(target.name for target in graph.resolve(config, path, KEY_TYPES).targets)

    return names


def _inline_rules(props: Mapping[str, Any]) -> list[Any] | Any | None:
    """The deprecated inline SSE settings in the `rules` shape of the separate resource; None when absent.

    Bucket has `serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault`;
    BucketV2 has `serverSideEncryptionConfigurations[].rules[].applyServerSideEncryptionByDefaults[]`.
    """
    single = get(props, "serverSideEncryptionConfiguration")
    several = get(props, "serverSideEncryptionConfigurations")
    if UNKNOWN in (single, several):
        return UNKNOWN
    rules: list[Any] = []
    if isinstance(single, Mapping):
        rules.extend(as_list(get(single, "rule")))
    for config in as_list(several):
        for rule in as_list(get(config, "rules")):
            defaults = as_list(get(rule, "applyServerSideEncryptionByDefaults"))
            rules.append({"applyServerSideEncryptionByDefault": defaults[0] if defaults else None})
    if single is MISSING and several is MISSING:
        return None
    return rules


def _configs_by_bucket(graph: Graph) -> tuple[dict[str, list[Resource]], list[Resource]]:
    """SSE configurations keyed by the bucket URN they resolve to, and those whose bucket is unresolved."""
    by_bucket: dict[str, list[Resource]] = defaultdict(list)
    unresolved: list[Resource] = []
    buckets_by_name = {
        name: bucket
        for bucket in graph.of_type(*BUCKET_TYPES)
        if isinstance(name := get(graph.props(bucket), "bucket"), str) and not is_unknown(name)
    }
    for config in graph.of_type(*CONFIG_TYPES):
        found = graph.resolve(config, "bucket", BUCKET_TYPES)
        targets = list(found.targets)
        if not targets:
            literal = get(graph.props(config), "bucket")
            if isinstance(literal, str) and literal in buckets_by_name:
                targets = [buckets_by_name[literal]]
        for bucket in targets:
            by_bucket[bucket.urn].append(config)
        if not targets:
            unresolved.append(config)
    return by_bucket, unresolved


def _judge_bucket(graph: Graph, bucket: Resource, configs: list[Resource], unresolved: list[Resource]) -> Outcome:
    if configs:
        verdicts = [
            _judge_rules(graph.props(c), f"encryption configuration {c.name}", _key_lookup(graph, c)) for c in configs
        ]
    elif (inline := _inline_rules(graph.props(bucket))) is not None:
        if inline is UNKNOWN:
            return unknown("the bucket's inline server-side encryption configuration is not known during preview")
        verdicts = [_judge_rules({"rules": inline}, "the bucket's inline server-side encryption configuration")]
    elif unresolved:
        names = ", ".join(c.name for c in unresolved)
        return unknown(f"no encryption configuration resolves to this bucket; the bucket of {names} is not known")
    else:
        return fail(
            "no BucketServerSideEncryptionConfiguration targets this bucket: objects get S3's default SSE-S3 "
            "(AES256) with an AWS-owned key, not a customer-managed KMS key"
        )
    return best_of(verdicts)


def _log_buckets(graph: Graph, buckets_by_name: Mapping[str, Resource]) -> dict[str, str]:
    """Buckets that receive logs AWS writes only to SSE-S3 buckets: bucket URN -> what writes there."""
    found: dict[str, str] = {}

    def mark(writer: Resource, path: str, what: str) -> None:
        targets = list(graph.resolve(writer, path, BUCKET_TYPES).targets)
        literal = get(graph.props(writer), path)
        if not targets and isinstance(literal, str) and literal in buckets_by_name:
            targets = [buckets_by_name[literal]]
        for bucket in targets:
            found.setdefault(bucket.urn, f"{what} of {writer.name}")

    for what, (types, path) in LOG_WRITERS.items():
        for writer in graph.of_type(*types):
            if types is LOAD_BALANCERS and get(graph.props(writer), "accessLogs.enabled") is False:
                continue
            mark(writer, path, what)
    for bucket in graph.of_type(*BUCKET_TYPES):
        for index in range(len(as_list(get(graph.props(bucket), "loggings")))):
            mark(bucket, f"loggings.{index}.targetBucket", "S3 server access logs")
        if get(graph.props(bucket), "logging.targetBucket") is not MISSING:
            mark(bucket, "logging.targetBucket", "S3 server access logs")
    return found


def _algorithms(graph: Graph, bucket: Resource, configs: list[Resource]) -> list[Any] | None:
    """The default-encryption algorithms configured for the bucket; None when they are not known."""
    rule_sets = [get(graph.props(c), "rules") for c in configs]
    if not configs:
        inline = _inline_rules(graph.props(bucket))
        rule_sets = [] if inline is None else [inline]
    found: list[Any] = []
    for rules in rule_sets:
        if rules is UNKNOWN:
            return None
        for index in range(len(as_list(rules))):
            found.append(get({"rules": rules}, f"rules.{index}.applyServerSideEncryptionByDefault.sseAlgorithm"))
    return None if UNKNOWN in found else found


def _judge_log_bucket(graph: Graph, bucket: Resource, configs: list[Resource], writer: str) -> Outcome:
    """A log bucket passes with SSE-S3 (S3's default encryption); SSE-KMS there stops AWS delivering the logs."""
    algorithms = _algorithms(graph, bucket, configs)
    if algorithms is None:
        return unknown(f"it receives {writer}; its encryption configuration is not known during preview")
    if any(algorithm in KMS_ALGORITHMS for algorithm in algorithms):
        return fail(f"it receives {writer}, which AWS delivers only to buckets using SSE-S3 (AES256); "
                    "with SSE-KMS the logs are not written")
    return passed(f"a log bucket for {writer}: AWS requires SSE-S3 here (no customer-managed key is possible), "
                  "and S3 encrypts every new object with it by default")


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    by_bucket, unresolved = _configs_by_bucket(graph)
    buckets_by_name = {
        name: bucket
        for bucket in graph.of_type(*BUCKET_TYPES)
        if isinstance(name := get(graph.props(bucket), "bucket"), str) and not is_unknown(name)
    }
    log_buckets = _log_buckets(graph, buckets_by_name)
    outcomes: list[Outcome] = []
    for bucket in graph.of_type(*BUCKET_TYPES):
        configs = by_bucket.get(bucket.urn, [])
        if bucket.urn in log_buckets:
            verdict = _judge_log_bucket(graph, bucket, configs, log_buckets[bucket.urn])
        else:
            verdict = _judge_bucket(graph, bucket, configs, unresolved)
        outcomes.append(Outcome(verdict.status, verdict.message, bucket.urn, verdict.evidence))
    return outcomes
