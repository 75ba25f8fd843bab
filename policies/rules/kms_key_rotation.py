from policies.checks import require_true, shown
from policies.model import Outcome, Resource, Status, not_applicable, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get

RULE_ID = "FERPA-ENC-09"

SYMMETRIC = "SYMMETRIC_DEFAULT"
SPEC_PATHS = ("customerMasterKeySpec", "keySpec")


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    rotation = require_true(props, "enableKeyRotation", "automatic rotation is off (AWS's default is false)")
    spec_unknown = False
    for path in SPEC_PATHS:
        spec = get(props, path)
        if spec is UNKNOWN:
            spec_unknown = True
        elif spec is not MISSING and spec != SYMMETRIC:
            safe = shown(props, path, spec)
            return [not_applicable(f"{path} is {safe!r}: only symmetric keys support automatic rotation")]
    if spec_unknown and any(outcome.status is Status.FAIL for outcome in rotation):
        return [unknown("the key spec is not known during preview and enableKeyRotation is not true")]
    return rotation
