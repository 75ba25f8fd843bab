from policies.checks import require_cmk
from policies.model import Outcome, Resource, fail
from policies.registry import Context
from policies.values import MISSING, get

RULE_ID = "FERPA-ENC-22"

KEY = "kmsMasterKeyId"
RESOLVED_BY = {KEY: "FERPA-ENC-11"}
"""A key ARN computed from another resource is settled by the key-in-stack rule (gate and audit)."""


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    if get(resource.props, KEY) is MISSING:
        return [fail(f"{KEY} is not set: SNS stores the topic's messages unencrypted (its default)", **{KEY: None})]
    return require_cmk(resource.props, KEY, "messages")
