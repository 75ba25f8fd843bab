from policies.checks import is_present, require_cmk, require_true
from policies.data_checks import first_failure, require_one_of
from policies.model import Outcome, Resource, not_applicable, unknown
from policies.registry import Context

RULE_ID = "FERPA-ENC-66"
RESOLVED_BY = {"serverSideEncryption.keyArn": "FERPA-ENC-11"}
SOURCES = ("kinesisSourceConfiguration", "mskSourceConfiguration")


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    for source in SOURCES:
        present = is_present(props, source)
        if present is None:
            return [unknown(f"{source} is not known during preview; cannot tell where records are encrypted")]
        if present:
            return [not_applicable(f"records arrive through {source}: the source stream's encryption applies "
                                   "(Firehose refuses server-side encryption there)")]
    return first_failure(
        require_true(props, "serverSideEncryption.enabled", "buffered records are not encrypted (AWS's default)"),
        require_one_of(props, "serverSideEncryption.keyType", ["CUSTOMER_MANAGED_CMK"],
                       "records must be encrypted with a customer-managed key", absent_means="AWS_OWNED_CMK"),
        require_cmk(props, "serverSideEncryption.keyArn", "buffered records"),
    )
