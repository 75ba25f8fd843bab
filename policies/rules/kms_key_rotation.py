"""Automatic rotation for symmetric KMS keys AWS can rotate.

Not applicable: asymmetric and HMAC keys, and keys in a custom key store (CloudHSM or
external), which AWS cannot rotate automatically. A multi-Region replica key rotates
with its primary, so it is judged through the primary (`resolve_stack`, used by the gate
and the audit).
"""

from policies.checks import require_true, shown
from policies.graph import Graph
from policies.model import Outcome, Resource, Status, fail, not_applicable, passed, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, UNKNOWN_SHOWN, get

RULE_ID = "FERPA-ENC-09"
RESOLVED_BY = {"primaryKeyArn": RULE_ID}

KEY = "aws:kms/key:Key"
REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
SYMMETRIC = "SYMMETRIC_DEFAULT"
SPEC_PATHS = ("customerMasterKeySpec", "keySpec")


def _judge_key(props: object) -> list[Outcome]:
    store = get(props, "customKeyStoreId")
    if store is not MISSING and store is not UNKNOWN and store != "":
        return [not_applicable("the key is in a custom key store: AWS cannot rotate it automatically")]
    rotation = require_true(props, "enableKeyRotation", "automatic rotation is off (AWS's default is false)")
    spec_unknown = store is UNKNOWN
    for path in SPEC_PATHS:
        spec = get(props, path)
        if spec is UNKNOWN:
            spec_unknown = True
        elif spec is not MISSING and spec != SYMMETRIC:
            safe = shown(props, path, spec)
            return [not_applicable(f"{path} is {safe!r}: only symmetric keys support automatic rotation")]
    if spec_unknown and any(outcome.status is Status.FAIL for outcome in rotation):
        return [unknown("the key spec or key store is not known during preview and enableKeyRotation is not true")]
    return rotation


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    if resource.type == REPLICA_KEY:
        return [
            unknown(
                "a replica key rotates with its primary key; judged through primaryKeyArn",
                primaryKeyArn=UNKNOWN_SHOWN,
            )
        ]
    return _judge_key(resource.props)


def resolve_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    """Replica keys whose primary key is in the stack take the primary's verdict."""
    outcomes: list[Outcome] = []
    for replica in graph.of_type(REPLICA_KEY):
        for primary in graph.resolve(replica, "primaryKeyArn", (KEY,)).targets:
            verdicts = [o for o in _judge_key(graph.props(primary)) if o.status is not Status.PASS]
            if not verdicts:
                outcomes.append(passed(f"rotates with primary key {primary.name}, which rotates automatically",
                                       replica.urn, property="primaryKeyArn"))
            elif verdicts[0].status in (Status.FAIL, Status.NOT_APPLICABLE):
                status = verdicts[0].status
                message = f"rotates with primary key {primary.name}: {verdicts[0].message}"
                made = fail(message, replica.urn) if status is Status.FAIL else not_applicable(message, replica.urn)
                outcomes.append(Outcome(made.status, made.message, replica.urn, {"property": "primaryKeyArn"}))
    return outcomes
