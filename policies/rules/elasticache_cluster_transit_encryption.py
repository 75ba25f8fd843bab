from policies.cache_checks import require_transit_encryption
from policies.checks import is_present, shown
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get

RULE_ID = "FERPA-TLS-62"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    member = is_present(props, "replicationGroupId")
    if member:
        return []  # A member node takes its replication group's settings (FERPA-TLS-01, TLS-02, ENC-03).
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
