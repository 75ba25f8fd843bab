from policies.checks import require_cmk, shown
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get

RULE_ID = "FERPA-ENC-24"

TYPE = "encryptionConfigurations.0.encryptionType"
KEY = "encryptionConfigurations.0.kmsKey"
RESOLVED_BY = {KEY: "FERPA-ENC-11"}
"""A key ARN computed from another resource is settled by the key-in-stack rule (gate and audit)."""
KMS_TYPES = ("KMS", "KMS_DSSE")


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    kind = get(props, TYPE)
    if kind is UNKNOWN:
        return [unknown(f"{TYPE} is not known during preview; it must be KMS with a customer-managed key")]
    if kind is MISSING:
        return [fail(f"{TYPE} is absent: images are encrypted with AES256 (ECR's default), not a customer-managed "
                     "KMS key")]
    if kind not in KMS_TYPES:
        safe = shown(props, TYPE, kind)
        return [fail(f"{TYPE} is {safe!r}; it must be KMS with a customer-managed key", encryptionType=safe)]
    return require_cmk(props, KEY, "images")
