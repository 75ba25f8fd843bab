"""Instances and launch templates require IMDSv2 session tokens (or turn the metadata service
off): IMDSv1 hands the instance role's credentials to any request an attacker can make the
instance send (SSRF)."""

from policies.checks import shown
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get

RULE_ID = "FERPA-IAM-42"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    endpoint = get(props, "metadataOptions.httpEndpoint")
    if isinstance(endpoint, str) and endpoint.strip().lower() == "disabled":
        return []
    tokens = get(props, "metadataOptions.httpTokens")
    if tokens is UNKNOWN or endpoint is UNKNOWN:
        return [unknown("metadataOptions is not known during preview")]
    if tokens is MISSING:
        return [fail("metadataOptions.httpTokens is absent (AWS's default: optional, unless the AMI requires v2): "
                     "IMDSv1 stays open; set it to \"required\"")]
    if isinstance(tokens, str) and tokens.strip().lower() == "required":
        return []
    safe = shown(props, "metadataOptions.httpTokens", tokens)
    return [fail(f"metadataOptions.httpTokens is {safe!r}: IMDSv1 stays open; set it to \"required\"")]
