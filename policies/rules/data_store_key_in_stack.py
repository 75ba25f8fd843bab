from policies.checks import is_aws_managed_key, shown
from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.registry import Context
from policies.values import MISSING, SECRET_PRESENT, UNKNOWN, get

RULE_ID = "FERPA-ENC-11"

DATA_STORE_TYPES = (
    "aws:rds/cluster:Cluster",
    "aws:rds/instance:Instance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/serverlessCache:ServerlessCache",
    "aws:kinesis/stream:Stream",
    "aws:efs/fileSystem:FileSystem",
    "aws:secretsmanager/secret:Secret",
    "aws:cloudwatch/logGroup:LogGroup",
)
KEY_TYPES = ("aws:kms/key:Key", "aws:kms/alias:Alias")
KEY_PATH = "kmsKeyId"


def _judge(graph: Graph, store: Resource) -> Outcome:
    props = graph.props(store)
    value = get(props, KEY_PATH)
    if value is not UNKNOWN and value is not MISSING and not isinstance(value, str):
        if value is SECRET_PRESENT:
            return unknown(f"{KEY_PATH} is a secret that cannot be read; cannot tell which key it names", store.urn)
        return fail(f"{KEY_PATH} is not a KMS key ARN: {shown(props, KEY_PATH, value)!r}", store.urn)
    found = graph.resolve(store, KEY_PATH, KEY_TYPES)
    if found.targets:
        keys = sorted(target.name for target in found.targets)
        return passed(f"{KEY_PATH} resolves to {', '.join(keys)} of this stack", store.urn, keys=keys)
    if value is MISSING:
        return fail(f"{KEY_PATH} is not set: the data is encrypted with an AWS-managed key, if at all", store.urn)
    if value is UNKNOWN:
        return unknown(f"{KEY_PATH} is not known during preview and no KMS key of this stack feeds it", store.urn)
    safe = shown(props, KEY_PATH, value)
    if not value.strip():
        return fail(f"{KEY_PATH} is an empty string", store.urn)
    if is_aws_managed_key(value):
        message = f"{KEY_PATH} {safe} is an AWS-managed key alias, not a customer-managed key"
        return fail(message, store.urn, **{KEY_PATH: safe})
    return passed(
        f"{KEY_PATH} is a literal key outside this stack; whether it is customer-managed is not visible offline",
        store.urn,
        **{KEY_PATH: safe},
    )


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    return [_judge(graph, store) for store in graph.of_type(*DATA_STORE_TYPES)]
