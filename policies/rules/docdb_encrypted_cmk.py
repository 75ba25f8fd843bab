from policies.data_checks import require_encrypted_cmk
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-ENC-64"
RESOLVED_BY = {"kmsKeyId": "FERPA-ENC-11"}


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return require_encrypted_cmk(
        resource.props,
        "storageEncrypted",
        "kmsKeyId",
        "documents would be stored unencrypted (AWS's default)",
        "the cluster's storage",
    )
