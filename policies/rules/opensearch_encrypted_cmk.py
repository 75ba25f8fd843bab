from policies.checks import require_cmk, require_true
from policies.data_checks import first_failure
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-ENC-62"
RESOLVED_BY = {"encryptAtRest.kmsKeyId": "FERPA-ENC-11"}


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    return first_failure(
        require_true(props, "encryptAtRest.enabled", "indexed records would be stored unencrypted (AWS's default)"),
        require_cmk(props, "encryptAtRest.kmsKeyId", "the domain's indices"),
    )
