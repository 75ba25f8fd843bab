"""Secrets Manager secrets, and each of their replicas in other regions, use customer-managed keys."""

from policies.checks import require_cmk, shown
from policies.graph import Graph, settled
from policies.model import Outcome, Resource, passed, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, as_list, get

RULE_ID = "FERPA-ENC-06"
SECRET = "aws:secretsmanager/secret:Secret"
KEY_TYPES = ("aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:kms/alias:Alias")
_MAX_REPLICAS = 64


def _replica_key_paths(props: object) -> list[str]:
    replicas = get(props, "replicas")
    return [f"replicas.{index}.kmsKeyId" for index in range(min(len(as_list(replicas)), _MAX_REPLICAS))]


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    outcomes = require_cmk(props, "kmsKeyId", "the secret value")
    if get(props, "replicas") is UNKNOWN:
        return [*outcomes, unknown("replicas are not known during preview; their keys cannot be judged")]
    for path in _replica_key_paths(props):
        region_path = path.replace("kmsKeyId", "region")
        region = get(props, region_path)
        named = isinstance(region, str) and region
        where = f"the replica in {shown(props, region_path, region)}" if named else "a replica of the secret"
        outcomes.extend(require_cmk(props, path, where, resolver="the stack view"))
    return outcomes


def _resolves_to_stack_key(graph: Graph, secret: Resource, path: str) -> bool:
    return get(graph.props(secret), path) is not MISSING and bool(graph.resolve(secret, path, KEY_TYPES).targets)


@settled
def resolve_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    """Replica keys computed from a KMS key (or replica key) of the stack."""
    outcomes: list[Outcome] = []
    for secret in graph.of_type(SECRET):
        for path in _replica_key_paths(graph.props(secret)):
            if _resolves_to_stack_key(graph, secret, path):
                outcomes.append(passed(f"{path} resolves to a KMS key of this stack", secret.urn, property=path))
    return outcomes


# The secret's own key is settled by FERPA-ENC-11; replica keys by resolve_stack.
RESOLVED_BY = {"kmsKeyId": "FERPA-ENC-11", **{f"replicas.{i}.kmsKeyId": RULE_ID for i in range(_MAX_REPLICAS)}}
