from policies.checks import require_cmk
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-ENC-70"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return require_cmk(resource.props, "kmsKeyId", "the notebook's storage volume")
