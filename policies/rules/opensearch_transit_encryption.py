from policies.checks import is_present, require_true
from policies.data_checks import first_failure, require_not_false, require_one_of
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import as_list

RULE_ID = "FERPA-TLS-66"
ENDPOINT = "domainEndpointOptions"


def _https(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    present = is_present(props, ENDPOINT)
    if present is None:
        return [unknown(f"{ENDPOINT} is not known during preview; HTTPS must be enforced")]
    if not present:
        return [fail(f"{ENDPOINT} is not set: AWS does not enforce HTTPS, and the TLS policy is AWS's choice")]
    policies = [p for p in as_list(ctx.config.get("allowedTlsPolicies")) if isinstance(p, str)]
    return first_failure(
        require_not_false(props, f"{ENDPOINT}.enforceHttps", "clients may send requests over plain HTTP"),
        require_one_of(props, f"{ENDPOINT}.tlsSecurityPolicy", policies,
                       "the endpoint must allow only TLS 1.2 or newer (state a TLS 1.2 policy)"),
    )


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    node_to_node = require_true(
        resource.props, "nodeToNodeEncryption.enabled", "traffic between nodes is plaintext (AWS's default)"
    )
    return node_to_node + _https(resource, ctx)
