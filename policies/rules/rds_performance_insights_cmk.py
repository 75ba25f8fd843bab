from policies.checks import require_cmk
from policies.model import Outcome, Resource, not_applicable, unknown
from policies.registry import Context
from policies.values import UNKNOWN, get, truth

RULE_ID = "FERPA-ENC-02"

KEY_PATH = "performanceInsightsKmsKeyId"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    enabled = truth(get(props, "performanceInsightsEnabled"))
    if enabled is None:
        return [unknown("performanceInsightsEnabled is not known during preview; cannot tell whether a key is needed")]
    if not enabled:
        return [not_applicable("Performance Insights is disabled (performanceInsightsEnabled is false or absent)")]
    if get(props, KEY_PATH) is UNKNOWN:
        return [unknown(f"{KEY_PATH} is not known during preview; cannot tell whether it is a customer-managed key")]
    return require_cmk(props, KEY_PATH, "Performance Insights data (query text included)")
