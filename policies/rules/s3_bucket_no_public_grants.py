from collections.abc import Mapping
from typing import Any

from policies.checks import shown
from policies.graph import Graph
from policies.model import Outcome, Resource, Status, fail, passed, unknown
from policies.policy_documents import read_policy
from policies.registry import Context
from policies.resource_policies import public_grant_outcomes
from policies.s3_buckets import attached, buckets
from policies.values import MISSING, UNKNOWN, as_list, get

RULE_ID = "FERPA-NET-22"

POLICY = "aws:s3/bucketPolicy:BucketPolicy"
ACLS = ("aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2")
PUBLIC_CANNED_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
PUBLIC_GROUPS = ("acs.amazonaws.com/groups/global/AllUsers", "acs.amazonaws.com/groups/global/AuthenticatedUsers")


def _canned(props: Mapping[str, Any], where: str) -> list[Outcome]:
    acl = get(props, "acl")
    if acl is UNKNOWN:
        return [unknown(f"the canned ACL of {where} is not known during preview")]
    if isinstance(acl, str) and acl.strip().lower() in PUBLIC_CANNED_ACLS:
        return [fail(f"{where} has the canned ACL {shown(props, 'acl', acl)!r}: it grants everyone access")]
    return []


def _grantee_outcomes(props: Mapping[str, Any], path: str, uri_path: str, where: str) -> list[Outcome]:
    """Grants (the list at `path`, each grantee's URI at `uri_path`) to the AllUsers or AuthenticatedUsers groups."""
    grants = get(props, path)
    if grants is UNKNOWN:
        return [unknown(f"the ACL grants of {where} are not known during preview")]
    outcomes: list[Outcome] = []
    for index, grant in enumerate(as_list(grants)):
        uri = get(grant, uri_path)
        if uri is UNKNOWN:
            outcomes.append(unknown(f"ACL grant #{index + 1} of {where} names a grantee not known during preview"))
        elif isinstance(uri, str) and any(group.lower() in uri.lower() for group in PUBLIC_GROUPS):
            group = "AuthenticatedUsers" if "authenticated" in uri.lower() else "AllUsers"
            outcomes.append(fail(f"ACL grant #{index + 1} of {where} grants the {group} group access"))
    return outcomes


def _policy_outcomes(props: Mapping[str, Any], where: str) -> list[Outcome]:
    return public_grant_outcomes(read_policy(get(props, "policy")), where)


def _own_outcomes(graph: Graph, resource: Resource) -> list[Outcome]:
    """What one bucket or configuration resource grants by itself."""
    props = graph.props(resource)
    where = resource.name
    if resource.type == POLICY:
        return _policy_outcomes(props, f"bucket policy {where}")
    if resource.type in ACLS:
        return _canned(props, f"bucket ACL {where}") + _grantee_outcomes(
            props, "accessControlPolicy.grants", "grantee.uri", f"bucket ACL {where}")
    outcomes = _canned(props, "the bucket") + _policy_outcomes(props, "the bucket (inline policy)")
    if get(props, "grants") is not MISSING:
        outcomes += _grantee_outcomes(props, "grants", "uri", "the bucket")
    return outcomes


def _verdict(outcomes: list[Outcome], what: str) -> Outcome:
    failures = [o for o in outcomes if o.status is Status.FAIL]
    if failures:
        return fail("; ".join(o.message for o in failures) + ": student records may be read by anyone")
    return outcomes[0] if outcomes else passed(what)


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    configs = attached(graph, (POLICY, *ACLS))
    loose = [(config, _verdict(_own_outcomes(graph, config), f"{config.name} grants no public access"))
             for config in configs.unresolved]
    doubtful = [config.name for config, verdict in loose if verdict.status is not Status.PASS]
    outcomes: list[Outcome] = []
    for bucket in buckets(graph):
        found = _own_outcomes(graph, bucket)
        for config in configs.of(bucket):
            found += _own_outcomes(graph, config)
        if doubtful and not any(o.status is Status.FAIL for o in found):
            pending = ", ".join(doubtful)
            found.append(unknown(f"the bucket of {pending} is not known, and they may grant it public access"))
        verdict = _verdict(found, "no bucket policy or ACL grants public access")
        outcomes.append(Outcome(verdict.status, verdict.message, bucket.urn, verdict.evidence))
    outcomes.extend(Outcome(verdict.status, verdict.message, config.urn, verdict.evidence) for config, verdict in loose)
    return outcomes
