"""HTTP API and WebSocket API stages write access logs, judged exactly as FERPA-LOG-01 judges
REST API stages (both keep the destination in accessLogSettings.destinationArn)."""

from policies.model import Outcome, Resource
from policies.registry import Context
from policies.rules import apigw_stage_access_logging

RULE_ID = "FERPA-LOG-40"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return list(apigw_stage_access_logging.check(resource, ctx))
