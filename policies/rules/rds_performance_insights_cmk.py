from policies.checks import require_cmk
from policies.model import Outcome, Resource, not_applicable, unknown
from policies.registry import Context
from policies.values import get, truth

RULE_ID = "FERPA-ENC-02"
# A key ARN computed from another resource is unknown here; FERPA-ENC-11 ties it to a key of the stack.
RESOLVED_BY = {"performanceInsightsKmsKeyId": "FERPA-ENC-11"}

KEY_PATH = "performanceInsightsKmsKeyId"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    enabled = truth(get(props, "performanceInsightsEnabled"))
    if enabled is None:
        return [unknown("performanceInsightsEnabled is not known during preview; cannot tell whether a key is needed")]
    if not enabled:
        return [not_applicable("Performance Insights is disabled (performanceInsightsEnabled is false or absent)")]
    return require_cmk(props, KEY_PATH, "Performance Insights data (query text included)")
