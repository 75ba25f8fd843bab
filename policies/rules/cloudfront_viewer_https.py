from policies.compute_checks import items, list_state, require_one_of
from policies.model import Outcome, Resource, unknown
from policies.registry import Context
from policies.values import UNKNOWN

RULE_ID = "FERPA-TLS-42"

HTTPS_POLICIES = ("redirect-to-https", "https-only")
WHY = "viewers could fetch student data over plain HTTP (allow-all)"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    outcomes = require_one_of(props, "defaultCacheBehavior.viewerProtocolPolicy", HTTPS_POLICIES, WHY)
    if list_state(props, "orderedCacheBehaviors") is UNKNOWN:
        outcomes.append(unknown("orderedCacheBehaviors is not known during preview"))
    for path, _ in items(props, "orderedCacheBehaviors"):
        outcomes.extend(require_one_of(props, f"{path}.viewerProtocolPolicy", HTTPS_POLICIES, WHY))
    return outcomes
