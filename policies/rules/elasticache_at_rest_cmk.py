from policies.checks import require_cmk, require_true
from policies.model import Outcome, Resource, Status
from policies.registry import Context
from policies.values import MISSING, get

RULE_ID = "FERPA-ENC-03"
# A key ARN computed from another resource is unknown here; FERPA-ENC-11 ties it to a key of the stack.
RESOLVED_BY = {"kmsKeyId": "FERPA-ENC-11"}

SERVERLESS_CACHE = "aws:elasticache/serverlessCache:ServerlessCache"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    if resource.type == SERVERLESS_CACHE:
        # Serverless caches are always encrypted at rest; only the key is a choice.
        return require_cmk(props, "kmsKeyId", "cached data")
    if get(props, "atRestEncryptionEnabled") is MISSING and get(props, "engine") == "valkey":
        # AWS encrypts Valkey replication groups at rest by default (Redis OSS: off by default).
        return require_cmk(props, "kmsKeyId", "cached data")
    encrypted = require_true(
        props, "atRestEncryptionEnabled", "cached data would be stored unencrypted (AWS's default for Redis OSS)"
    )
    if any(outcome.status is Status.FAIL for outcome in encrypted):
        return encrypted
    return encrypted + require_cmk(props, "kmsKeyId", "cached data")
