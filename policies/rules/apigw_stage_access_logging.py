from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, SECRET_PRESENT, UNKNOWN, get

RULE_ID = "FERPA-LOG-01"

PATH = "accessLogSettings.destinationArn"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    destination = get(resource.props, PATH)
    if destination is UNKNOWN:
        return [unknown(f"{PATH} is not known during preview", **{PATH: "<unknown>"})]
    if destination is SECRET_PRESENT:
        return []
    if destination is MISSING or not isinstance(destination, str) or not destination.strip():
        return [fail(f"access logging is off: {PATH} is not set; requests for student records go unrecorded")]
    return []
