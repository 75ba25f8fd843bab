"""S3 origins use origin access control; an origin access identity (OAI) is AWS's legacy
mechanism (no SSE-KMS objects, no newer regions, no PUT/DELETE signing)."""

from policies.checks import is_present
from policies.compute_checks import items, list_state
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import UNKNOWN

RULE_ID = "FERPA-IAM-41"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    if list_state(props, "origins") is UNKNOWN:
        return [unknown("origins is not known during preview")]
    legacy: list[str] = []
    for path, _ in items(props, "origins"):
        identity = is_present(props, f"{path}.s3OriginConfig.originAccessIdentity")
        if identity is None:
            return [unknown(f"{path}.s3OriginConfig.originAccessIdentity is not known during preview")]
        if identity:
            legacy.append(path)
    if legacy:
        return [fail(f"{', '.join(legacy)} reach S3 through a legacy origin access identity; use an origin access "
                     "control (origin_access_control_id) instead", origins=legacy)]
    return []
