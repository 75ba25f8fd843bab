from policies.checks import best_of, shown
from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.registry import Context
from policies.s3_buckets import Attached, attached, inline_list, judge_each
from policies.values import UNKNOWN, get, truth

RULE_ID = "FERPA-RES-20"

VERSIONING_TYPES = ("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")
STATUS = "versioningConfiguration.status"
CONSEQUENCE = "an overwrite or delete of a student record cannot be undone"


def _configuration(graph: Graph, config: Resource) -> Outcome:
    props = graph.props(config)
    status = get(props, STATUS)
    if status is UNKNOWN:
        return unknown(f"{STATUS} of {config.name} is not known during preview")
    if isinstance(status, str) and status == "Enabled":
        return passed(f"versioning is enabled by {config.name}")
    return fail(f"{STATUS} of {config.name} is {shown(props, STATUS, status)!r}, not 'Enabled': {CONSEQUENCE}")


def _inline(graph: Graph, bucket: Resource) -> list[Outcome]:
    verdicts: list[Outcome] = []
    for block in inline_list(graph.props(bucket), "versioning", "versionings"):
        state = truth(get(block, "enabled"))
        if state is None:
            verdicts.append(unknown("the bucket's inline versioning is not known during preview"))
        elif state:
            verdicts.append(passed("the bucket's inline versioning is enabled"))
        else:
            verdicts.append(fail(f"the bucket's inline versioning is not enabled: {CONSEQUENCE}"))
    return verdicts


def _judge(graph: Graph, bucket: Resource, configs: Attached) -> Outcome:
    verdicts = [_configuration(graph, config) for config in configs.of(bucket)] or _inline(graph, bucket)
    if verdicts:
        return best_of(verdicts)
    if configs.unresolved:
        pending = ", ".join(config.name for config in configs.unresolved)
        return unknown(f"no versioning configuration resolves to this bucket; the bucket of {pending} is not known")
    return fail(f"no BucketVersioning enables versioning (S3's default is off): {CONSEQUENCE}")


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    configs = attached(graph, VERSIONING_TYPES)
    return judge_each(graph, lambda bucket: _judge(graph, bucket, configs))
