from policies.cache_checks import user_groups_present
from policies.checks import is_present
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context

RULE_ID = "FERPA-TLS-02"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    token = is_present(props, "authToken")
    groups = user_groups_present(props, "userGroupIds")
    if token or groups:
        return []
    if token is None or groups is None:
        return [unknown("authToken or userGroupIds is not known during preview; one of them must be set")]
    return [
        fail(
            "neither authToken nor userGroupIds is set: any client that reaches the cache can read it "
            "without authenticating"
        )
    ]
