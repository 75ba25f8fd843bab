"""Kubernetes secrets are envelope-encrypted with a customer-managed KMS key (encryptionConfig
with resources ["secrets"] and provider.keyArn)."""

from policies.checks import require_cmk
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, as_list, get

RULE_ID = "FERPA-ENC-45"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    config = get(props, "encryptionConfig")
    if config is UNKNOWN:
        return [unknown("encryptionConfig is not known during preview")]
    if config is MISSING:
        return [fail("encryptionConfig is not set: Kubernetes secrets are not envelope-encrypted with a "
                     "customer-managed key")]
    resources = get(props, "encryptionConfig.resources")
    if resources is UNKNOWN:
        return [unknown("encryptionConfig.resources is not known during preview")]
    if "secrets" not in [r.strip().lower() for r in as_list(resources) if isinstance(r, str)]:
        return [fail("encryptionConfig.resources does not include \"secrets\"")]
    return require_cmk(props, "encryptionConfig.provider.keyArn", "Kubernetes secrets")
