from policies.checks import require_cmk
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import UNKNOWN, as_list, get, truth

RULE_ID = "FERPA-ENC-20"

ENABLED = "serverSideEncryption.enabled"
KEY = "serverSideEncryption.kmsKeyArn"
RESOLVED_BY = {KEY: "FERPA-ENC-11"}
"""A key ARN computed from another resource is settled by the key-in-stack rule (gate and audit)."""


def _replica_keys(resource: Resource) -> list[Outcome]:
    """Each replica region encrypts with its own key; without kmsKeyArn it is aws/dynamodb there."""
    replicas = get(resource.props, "replicas")
    if replicas is UNKNOWN:
        return [unknown("replicas are not known during preview; each replica's kmsKeyArn must be a customer key")]
    return [
        outcome
        for index in range(len(as_list(replicas)))
        for outcome in require_cmk(resource.props, f"replicas.{index}.kmsKeyArn", f"replica #{index + 1}'s items")
    ]


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    enabled = truth(get(resource.props, ENABLED))
    if enabled is None:
        own = [unknown(f"{ENABLED} is not known during preview; it must be true with a customer-managed key")]
    elif not enabled:
        own = [fail(f"{ENABLED} is not true: the table is encrypted with an AWS-owned key (DynamoDB's default), "
                    "not a customer-managed key")]
    else:
        own = require_cmk(resource.props, KEY, "table items")
    return own + _replica_keys(resource)
