from policies.checks import require_cmk, require_true
from policies.model import Outcome, Resource, Status
from policies.registry import Context

RULE_ID = "FERPA-ENC-42"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    encrypted = require_true(props, "encrypted", "the volume would be stored unencrypted (AWS's default is false "
                                                 "unless account default encryption is on; say so explicitly)")
    if any(outcome.status is Status.FAIL for outcome in encrypted):
        return encrypted
    return encrypted + require_cmk(props, "kmsKeyId", "volume data")
