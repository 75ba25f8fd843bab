from policies.checks import require_cmk, require_true
from policies.data_checks import first_failure
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-ENC-65"
RESOLVED_BY = {"kmsKeyArn": "FERPA-ENC-11"}


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    return first_failure(
        require_true(props, "storageEncrypted", "the graph would be stored unencrypted (AWS's default)"),
        require_cmk(props, "kmsKeyArn", "the cluster's storage"),
    )
