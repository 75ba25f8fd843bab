from policies.model import Outcome, Resource
from policies.registry import Context
from policies.resource_policies import not_public

RULE_ID = "FERPA-NET-24"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return not_public(resource, "topic policy" if resource.type.endswith(":TopicPolicy") else "topic")
