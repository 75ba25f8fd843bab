"""An S3 origin without origin access control or an origin access identity can only be read
if the bucket is public. CloudFront S3 origins are those with s3OriginConfig or, without
customOriginConfig, a domainName of an S3 bucket endpoint."""

import re

from policies.checks import is_present
from policies.compute_checks import items, list_state
from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get

RULE_ID = "FERPA-NET-43"

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
ACCESS_CONTROL = "aws:cloudfront/originAccessControl:OriginAccessControl"
S3_ENDPOINT = re.compile(r"\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?$", re.IGNORECASE)


def _is_s3_origin(props: object, path: str) -> bool | None:
    if get(props, f"{path}.s3OriginConfig") is not MISSING:
        return True
    if get(props, f"{path}.customOriginConfig") is not MISSING:
        return False
    domain = get(props, f"{path}.domainName")
    if domain is UNKNOWN:
        return None
    return isinstance(domain, str) and S3_ENDPOINT.search(domain.strip()) is not None


def _judge(graph: Graph, distribution: Resource) -> Outcome | None:
    props = graph.props(distribution)
    if list_state(props, "origins") is UNKNOWN:
        return unknown("origins is not known during preview", distribution.urn)
    controls_in_stack = any(graph.by_urn[u].type == ACCESS_CONTROL for u in
                            distribution.property_dependencies.get("origins", ()) if u in graph.by_urn)
    open_origins: list[str] = []
    pending: list[str] = []
    s3_origins = 0
    for path, _ in items(props, "origins"):
        s3 = _is_s3_origin(props, path)
        if s3 is None:
            pending.append(f"{path}.domainName")
            continue
        if not s3:
            continue
        s3_origins += 1
        access = [is_present(props, f"{path}.originAccessControlId"),
                  is_present(props, f"{path}.s3OriginConfig.originAccessIdentity")]
        if any(access):
            continue
        if get(props, f"{path}.originAccessControlId") is UNKNOWN and controls_in_stack:
            continue
        if None in access:
            pending.append(f"{path}.originAccessControlId")
        else:
            open_origins.append(path)
    if open_origins:
        return fail(f"{', '.join(open_origins)} read S3 without origin access control: the bucket would have to be "
                    "public", distribution.urn, origins=open_origins)
    if pending:
        return unknown(f"{', '.join(pending)} not known during preview", distribution.urn)
    if s3_origins:
        return passed("every S3 origin is read through origin access control or an identity", distribution.urn)
    return None


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for distribution in graph.of_type(DISTRIBUTION):
        verdict = _judge(graph, distribution)
        if verdict is not None:
            outcomes.append(verdict)
    return outcomes
