from policies.checks import require_not_true
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-NET-02"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return require_not_true(
        resource.props,
        "networkConfiguration.assignPublicIp",
        "tasks that handle student records must not get public IP addresses",
    )
