"""Automatic rotation for symmetric KMS keys AWS can rotate.

Not applicable: asymmetric and HMAC keys, and keys in a custom key store (CloudHSM or
external), which AWS cannot rotate automatically. A multi-Region replica key
(aws:kms/replicaKey:ReplicaKey) has no rotation setting of its own: it rotates with its
primary key, which this rule judges.
"""

from policies.checks import require_true, shown
from policies.model import Outcome, Resource, Status, not_applicable, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get

RULE_ID = "FERPA-ENC-09"
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
    return _judge_key(resource.props)
