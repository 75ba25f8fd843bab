from policies.model import Outcome, Resource, fail, unknown
from policies.policy_documents import PolicyState, Statement, read_policy_at
from policies.registry import Context

RULE_ID = "FERPA-IAM-01"

WILDCARD_ACTIONS = frozenset({"*", "*:*"})


def _is_admin(statement: Statement) -> bool:
    """Allow on (nearly) every action and every resource: Action "*", or NotAction, which allows all
    but the listed actions; Resource "*", or NotResource, which covers all but the listed resources."""
    every_action = bool(statement.not_actions) or any(a.strip() in WILDCARD_ACTIONS for a in statement.actions)
    every_resource = bool(statement.not_resources) or any(r.strip() == "*" for r in statement.resources)
    return statement.is_allow and every_action and every_resource


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    read = read_policy_at(resource.props, "policy")
    if read.state is PolicyState.UNKNOWN:
        return [unknown("policy document is not known during preview (computed from other resources' outputs, "
                        "such as ARNs); its statements cannot be read until they are known")]
    if read.state is PolicyState.ABSENT:
        return [fail("policy document is not set")]
    if read.state is PolicyState.INVALID:
        return [fail(f"policy document cannot be read: {read.error}")]
    admin = [s for s in read.statements if _is_admin(s)]
    if admin:
        labels = ", ".join(s.label for s in admin)
        return [
            fail(
                f"{labels} allows every action on every resource (Action \"*\" or NotAction, on Resource \"*\" "
                "or NotResource)",
                statements=[s.index for s in admin],
            )
        ]
    if any(s.unknown_fields for s in read.statements):
        return [unknown("policy document contains values not known during preview")]
    return []
