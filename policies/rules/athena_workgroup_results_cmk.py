from policies.checks import require_cmk
from policies.data_checks import first_failure, require_not_false, require_one_of
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-ENC-69"
ENCRYPTION = "configuration.resultConfiguration.encryptionConfiguration"
RESOLVED_BY = {f"{ENCRYPTION}.kmsKey": "FERPA-ENC-11"}


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    results = first_failure(
        require_one_of(props, f"{ENCRYPTION}.encryptionOption", ["SSE_KMS", "CSE_KMS"],
                       "query results must be encrypted with a customer-managed KMS key (SSE_KMS or CSE_KMS)"),
        require_cmk(props, f"{ENCRYPTION}.kmsKey", "query results"),
    )
    enforced = require_not_false(props, "configuration.enforceWorkgroupConfiguration",
                                 "clients could override the workgroup's encryption and write plaintext results")
    return results + enforced
