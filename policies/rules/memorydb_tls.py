from policies.data_checks import require_not_false
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-TLS-64"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return require_not_false(resource.props, "tlsEnabled", "clients would reach the cluster in plaintext")
