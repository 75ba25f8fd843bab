from policies.checks import require_cmk, require_true
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-ENC-01"
# A key ARN computed from another resource is unknown here; FERPA-ENC-11 ties it to a key of the stack.
RESOLVED_BY = {"kmsKeyId": "FERPA-ENC-11"}


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    encrypted = require_true(props, "storageEncrypted", "student records would be stored unencrypted (AWS's default)")
    if encrypted and encrypted[0].status == "fail":
        return encrypted
    return encrypted + require_cmk(props, "kmsKeyId", "database storage")
