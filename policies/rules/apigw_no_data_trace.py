from policies.checks import require_not_true
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-LOG-02"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return require_not_true(
        resource.props,
        "settings.dataTraceEnabled",
        "full request and response logging would copy student records into execution logs",
    )
