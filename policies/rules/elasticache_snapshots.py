from policies.checks import require_at_least
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-RES-03"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return require_at_least(
        resource.props,
        "snapshotRetentionLimit",
        1,
        "without snapshots cached records cannot be restored",
        absent_means=0,
    )
