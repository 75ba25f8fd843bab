from policies.checks import require_cmk, require_true
from policies.model import Outcome, Resource, Status
from policies.registry import Context

RULE_ID = "FERPA-ENC-05"
# A key ARN computed from another resource is unknown here; FERPA-ENC-11 ties it to a key of the stack.
RESOLVED_BY = {"kmsKeyId": "FERPA-ENC-11"}


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    encrypted = require_true(props, "encrypted", "files would be stored unencrypted (AWS's default is false)")
    if any(outcome.status is Status.FAIL for outcome in encrypted):
        return encrypted
    return encrypted + require_cmk(props, "kmsKeyId", "file data")
