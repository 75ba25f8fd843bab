from policies.checks import require_cmk
from policies.data_checks import first_failure, require_not_false
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-ENC-63"
RESOLVED_BY = {"kmsKeyId": "FERPA-ENC-11"}


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    return first_failure(
        require_not_false(props, "encrypted", "the warehouse would be stored unencrypted"),
        require_cmk(props, "kmsKeyId", "the warehouse"),
    )
