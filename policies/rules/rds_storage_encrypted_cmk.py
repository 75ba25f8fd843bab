"""RDS/Aurora storage encrypted with a customer-managed key, including what AWS makes a database inherit.

A read replica takes its source's encryption (AWS refuses `kmsKeyId` on a same-region
replica) and a restore from an encrypted snapshot stays encrypted, so neither is
"unencrypted" for lacking `storageEncrypted`: they are judged through their source where
the stack has it (`resolve_stack`, used by the gate and the audit), otherwise unknown.
Aurora Serverless v1 (`engineMode: serverless`) is always encrypted.
"""

from collections.abc import Mapping
from typing import Any

from policies.checks import require_cmk, require_true
from policies.graph import Graph, settled
from policies.model import Outcome, Resource, Status, fail, passed, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN_SHOWN, get, truth

RULE_ID = "FERPA-ENC-01"
# A key ARN computed from another resource is unknown here; FERPA-ENC-11 ties it to a key of the stack
# (through the source, for a replica). What a replica or restore inherits is settled by resolve_stack.
RESOLVED_BY = {"kmsKeyId": "FERPA-ENC-11", "storageEncrypted": RULE_ID}

CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/instance:Instance"
SNAPSHOTS = {
    "aws:rds/snapshot:Snapshot": ("dbInstanceIdentifier", (INSTANCE,)),
    "aws:rds/clusterSnapshot:ClusterSnapshot": ("dbClusterIdentifier", (CLUSTER,)),
}
# Where a database names what it is made from, and which resources that may be.
SOURCES = {
    INSTANCE: (("replicateSourceDb", (INSTANCE,)), ("snapshotIdentifier", tuple(SNAPSHOTS))),
    CLUSTER: (("replicationSourceIdentifier", (CLUSTER,)), ("snapshotIdentifier", tuple(SNAPSHOTS))),
}
_MAX_CHAIN = 8


def inherited_from(props: Mapping[str, Any], resource_type: str) -> str | None:
    """The property naming the database or snapshot this one takes its encryption from, if any."""
    for path, _ in SOURCES.get(resource_type, ()):
        if get(props, path) is not MISSING:
            return path
    return None


def _own(props: Mapping[str, Any], resource_type: str) -> list[Outcome]:
    if get(props, "engineMode") == "serverless" and get(props, "storageEncrypted") is MISSING:
        return require_cmk(props, "kmsKeyId", "database storage")  # Aurora Serverless v1 is always encrypted
    source = inherited_from(props, resource_type)
    if source is not None and truth(get(props, "storageEncrypted")) is not True:
        return [
            unknown(
                f"{source} is set: the database takes its source's encryption (a same-region replica may not "
                "set kmsKeyId); judged through the source",
                storageEncrypted=UNKNOWN_SHOWN,
            )
        ]
    encrypted = require_true(props, "storageEncrypted", "student records would be stored unencrypted (AWS's default)")
    if encrypted and encrypted[0].status == "fail":
        return encrypted
    if source is not None and get(props, "kmsKeyId") is MISSING:
        message = f"{source} is set and kmsKeyId is not: the key is the source's; FERPA-ENC-11 judges it"
        return [*encrypted, unknown(message, kmsKeyId=UNKNOWN_SHOWN)]
    return encrypted + require_cmk(props, "kmsKeyId", "database storage")


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return _own(resource.props, resource.type)


def source_of(graph: Graph, store: Resource) -> Resource | str | None:
    """The database `store` inherits from, None when it inherits nothing, or the property whose source
    the stack does not have."""
    path = inherited_from(graph.props(store), store.type)
    if path is None:
        return None
    for source_path, types in SOURCES[store.type]:
        if source_path != path:
            continue
        for target in graph.resolve(store, path, types).targets:
            if target.type in SNAPSHOTS:
                snapshot_path, db_types = SNAPSHOTS[target.type]
                databases = graph.resolve(target, snapshot_path, db_types).targets
                return databases[0] if databases else path
            return target
    return path


def _judge_inherited(graph: Graph, store: Resource) -> Outcome | None:
    chain = [store]
    current: Resource = store
    while len(chain) <= _MAX_CHAIN:
        source = source_of(graph, current)
        if source is None:
            break
        if isinstance(source, str):
            return unknown(f"{source} names a source outside this stack; what it inherits is not visible offline",
                           store.urn, property="storageEncrypted")
        if any(source.urn == seen.urn for seen in chain):
            break
        chain.append(source)
        current = source
    if len(chain) == 1:
        return None
    origin = chain[-1]
    verdicts = [o for o in _own(graph.props(origin), origin.type) if not _settled(graph, origin, o)]
    names = " <- ".join(r.name for r in reversed(chain))
    if not verdicts:
        return passed(f"inherits encryption with a customer-managed key from {names}", store.urn,
                      property="storageEncrypted")
    failed = [o for o in verdicts if o.status is Status.FAIL]
    if failed:
        return fail(f"inherits its encryption from {names}, whose {failed[0].message}", store.urn,
                    property="storageEncrypted")
    return unknown(f"inherits its encryption from {names}: {verdicts[0].message}", store.urn,
                   property="storageEncrypted")


def _settled(graph: Graph, store: Resource, outcome: Outcome) -> bool:
    """A pass, or an unknown computed kmsKeyId that is a KMS key of the stack (as FERPA-ENC-11 resolves it)."""
    if outcome.status is Status.PASS:
        return True
    keys = ("aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey")
    return outcome.evidence.get("kmsKeyId") == UNKNOWN_SHOWN and bool(graph.resolve(store, "kmsKeyId", keys).targets)


@settled
def resolve_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    """Replicas and restores judged through the database they inherit from."""
    outcomes = [_judge_inherited(graph, store) for store in graph.of_type(CLUSTER, INSTANCE)]
    return [outcome for outcome in outcomes if outcome is not None]
