from policies.checks import require_cmk, shown
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get

RULE_ID = "FERPA-ENC-04"
# A key ARN computed from another resource is unknown here; FERPA-ENC-11 ties it to a key of the stack.
RESOLVED_BY = {"kmsKeyId": "FERPA-ENC-11"}


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    encryption = get(props, "encryptionType")
    if encryption is UNKNOWN:
        return [unknown("encryptionType is not known during preview; it must be KMS")]
    if encryption is MISSING:
        return [fail("encryptionType is absent (AWS's default NONE): stream records are not encrypted; set it to KMS")]
    if not isinstance(encryption, str) or encryption.upper() != "KMS":
        safe = shown(props, "encryptionType", encryption)
        return [fail(f"encryptionType is {safe!r}; it must be KMS with a customer-managed key", encryptionType=safe)]
    return require_cmk(props, "kmsKeyId", "stream records")
