from policies.checks import require_true
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-TLS-61"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return require_true(
        resource.props, "requireTls", "the proxy accepts plaintext client connections (AWS's default is off)"
    )
