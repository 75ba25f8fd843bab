from policies.checks import require_cmk
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-ENC-07"
# A key ARN computed from another resource is unknown here; FERPA-ENC-11 ties it to a key of the stack.
RESOLVED_BY = {"kmsKeyId": "FERPA-ENC-11"}


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return require_cmk(resource.props, "kmsKeyId", "log data")
