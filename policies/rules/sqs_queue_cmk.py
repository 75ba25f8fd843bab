from policies.checks import require_cmk
from policies.model import Outcome, Resource, fail
from policies.registry import Context
from policies.values import MISSING, get, truth

RULE_ID = "FERPA-ENC-21"

KEY = "kmsMasterKeyId"
RESOLVED_BY = {KEY: "FERPA-ENC-11"}
"""A key ARN computed from another resource is settled by the key-in-stack rule (gate and audit)."""


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    if get(resource.props, KEY) is MISSING:
        how = ("sqsManagedSseEnabled is true: SQS-managed SSE" if truth(get(resource.props, "sqsManagedSseEnabled"))
               else "without it, SQS-managed SSE (the default for new queues)")
        return [fail(f"{KEY} is not set; {how} encrypts messages with keys SQS owns, not a customer-managed key",
                     **{KEY: None})]
    return require_cmk(resource.props, KEY, "messages")
