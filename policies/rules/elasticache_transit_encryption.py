from policies.cache_checks import require_transit_encryption
from policies.checks import shown
from policies.model import Outcome, Resource, Status, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get

RULE_ID = "FERPA-TLS-01"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    enabled = require_transit_encryption(props)
    if any(outcome.status is Status.FAIL for outcome in enabled):
        return enabled
    mode = get(props, "transitEncryptionMode")
    if mode is UNKNOWN:
        return [*enabled, unknown("transitEncryptionMode is not known during preview; it must be required")]
    if mode is MISSING or mode == "required":
        return enabled  # Absent means "required" when TLS is enabled at creation.
    safe = shown(props, "transitEncryptionMode", mode)
    if mode == "preferred":
        message = "transitEncryptionMode is 'preferred': plaintext connections are still accepted; set it to required"
        return [fail(message, transitEncryptionMode=safe)]
    return [fail(f"transitEncryptionMode is {safe!r}; it must be 'required'", transitEncryptionMode=safe)]
