from policies.checks import require_true
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-RES-04"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    return require_true(
        props, "automaticFailoverEnabled", "a failed primary node is not replaced automatically (AWS's default)"
    ) + require_true(props, "multiAzEnabled", "all nodes may sit in one Availability Zone (AWS's default)")
