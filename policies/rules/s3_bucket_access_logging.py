from policies.graph import Graph
from policies.model import Outcome, Resource, fail, not_applicable, passed, unknown
from policies.registry import Context
from policies.s3_buckets import LOGGING_TYPES, Attached, attached, inline_logging_targets, judge_each, log_buckets
from policies.values import UNKNOWN, get

RULE_ID = "FERPA-LOG-20"


def _judge(graph: Graph, bucket: Resource, configs: Attached, receivers: set[str]) -> Outcome:
    own = configs.of(bucket)
    if own:
        return passed(f"server access logs go to the target bucket of {', '.join(c.name for c in own)}")
    if inline_logging_targets(graph.props(bucket)):
        return passed("the bucket's inline logging names a target bucket")
    if bucket.urn in receivers:
        return not_applicable("this bucket receives access logs itself; logging its own access would never end")
    if get(graph.props(bucket), "logging") is UNKNOWN or get(graph.props(bucket), "loggings") is UNKNOWN:
        return unknown("the bucket's inline logging is not known during preview")
    if configs.unresolved:
        pending = ", ".join(config.name for config in configs.unresolved)
        return unknown(f"no BucketLogging resolves to this bucket; the bucket of {pending} is not known")
    return fail("no BucketLogging records requests to this bucket: who read which student record goes unrecorded")


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    configs = attached(graph, LOGGING_TYPES)
    receivers = log_buckets(graph)
    return judge_each(graph, lambda bucket: _judge(graph, bucket, configs, receivers))
