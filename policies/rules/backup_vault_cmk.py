from policies.checks import require_cmk
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-ENC-23"
RESOLVED_BY = {"kmsKeyArn": "FERPA-ENC-11"}
"""A key ARN computed from another resource is settled by the key-in-stack rule (gate and audit)."""


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return require_cmk(resource.props, "kmsKeyArn", "recovery points (copies of student records)")
