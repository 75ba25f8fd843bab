from policies.checks import require_cmk, require_true
from policies.data_checks import first_failure, require_one_of
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-ENC-68"
SETTINGS = "dataCatalogEncryptionSettings"
AT_REST = f"{SETTINGS}.encryptionAtRest"
PASSWORDS = f"{SETTINGS}.connectionPasswordEncryption"
RESOLVED_BY = {f"{AT_REST}.sseAwsKmsKeyId": "FERPA-ENC-11", f"{PASSWORDS}.awsKmsKeyId": "FERPA-ENC-11"}


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    catalog = first_failure(
        require_one_of(props, f"{AT_REST}.catalogEncryptionMode", ["SSE-KMS", "SSE-KMS-WITH-SERVICE-ROLE"],
                       "catalog metadata (table schemas, locations) would be stored unencrypted"),
        require_cmk(props, f"{AT_REST}.sseAwsKmsKeyId", "catalog metadata"),
    )
    passwords = first_failure(
        require_true(props, f"{PASSWORDS}.returnConnectionPasswordEncrypted",
                     "connection passwords would be returned in plaintext by GetConnection"),
        require_cmk(props, f"{PASSWORDS}.awsKmsKeyId", "connection passwords"),
    )
    return catalog + passwords
