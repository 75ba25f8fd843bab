from policies.cache_checks import require_transit_encryption
from policies.checks import is_present, shown
from policies.model import Outcome, Resource, fail, not_applicable, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get

RULE_ID = "FERPA-TLS-62"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    member = is_present(props, "replicationGroupId")
    if member:
        return [not_applicable("the node belongs to a replication group, whose settings apply "
                               "(FERPA-TLS-01, FERPA-TLS-02, FERPA-ENC-03 judge it)")]
    if member is None:
        return [unknown("replicationGroupId is not known during preview; a standalone node must be Memcached with TLS")]
    engine = get(props, "engine")
    if engine is UNKNOWN:
        return [unknown("engine is not known during preview; cannot tell whether the node can encrypt")]
    if isinstance(engine, str) and engine.strip().lower() == "memcached":
        return require_transit_encryption(props)
    if engine is MISSING:
        return [fail("engine is not set on a cache cluster outside a replication group")]
    safe = shown(props, "engine", engine)
    return [
        fail(
            f"a standalone {safe} cache cluster cannot encrypt in transit or at rest or require AUTH; "
            "create an aws.elasticache.ReplicationGroup instead",
            engine=safe,
        )
    ]
