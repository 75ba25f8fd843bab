from policies.compute_checks import items, list_state, require_one_of
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN

RULE_ID = "FERPA-TLS-45"

TLS_PROTOCOLS = ("HTTPS", "SSL")


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    state = list_state(props, "listeners")
    if state is UNKNOWN:
        return [unknown("listeners is not known during preview")]
    if state is MISSING or not list(items(props, "listeners")):
        return [fail("the load balancer has no listeners; each must use HTTPS or SSL")]
    outcomes: list[Outcome] = []
    for path, _ in items(props, "listeners"):
        outcomes.extend(require_one_of(props, f"{path}.lbProtocol", TLS_PROTOCOLS,
                                       "clients would reach the backend over plaintext (HTTP/TCP)"))
    return outcomes
