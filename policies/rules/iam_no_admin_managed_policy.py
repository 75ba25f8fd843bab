"""No role, user or group gets an AWS-managed administrator policy (AdministratorAccess by default):
through policy attachments, exclusive attachment sets, or a role's managedPolicyArns. An ARN not
known during preview passes when it comes from a customer-managed policy of the stack, whose
statements FERPA-IAM-01 judges."""

import re
from collections.abc import Mapping
from typing import Any

from policies.graph import Graph
from policies.model import Outcome, Resource, fail, passed, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, as_list, get, is_unknown

RULE_ID = "FERPA-IAM-43"

ARN_PATHS = {
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "policyArn",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": "policyArn",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "policyArn",
    "aws:iam/policyAttachment:PolicyAttachment": "policyArn",
    "aws:iam/role:Role": "managedPolicyArns",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": "policyArns",
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": "policyArns",
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": "policyArns",
}
CUSTOMER_POLICY = "aws:iam/policy:Policy"
AWS_MANAGED = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/(?:.*/)?(?P<name>[^/]+)$")


def forbidden_names(config: Mapping[str, Any]) -> set[str]:
    return {n for n in as_list(config.get("forbiddenManagedPolicies")) if isinstance(n, str)}


def _judge(graph: Graph, resource: Resource, path: str, forbidden: set[str]) -> Outcome | None:
    value = get(graph.props(resource), path)
    if value is MISSING:
        return None if resource.type == "aws:iam/role:Role" else fail(f"{path} is not set", resource.urn)
    arns = [value] if value is UNKNOWN else as_list(value)
    pending = any(a is UNKNOWN or is_unknown(a) or not isinstance(a, str) for a in arns)
    granted = sorted({m["name"] for a in arns if isinstance(a, str) and (m := AWS_MANAGED.match(a.strip()))
                      and m["name"] in forbidden})
    if granted:
        return fail(f"attaches the AWS-managed {', '.join(granted)} policy: every action on every resource, student "
                    "records included", resource.urn, policies=granted)
    if pending and not graph.resolve(resource, path, (CUSTOMER_POLICY,)).targets:
        return unknown(f"{path} is not known during preview and names no customer-managed policy of this stack",
                       resource.urn)
    if resource.type == "aws:iam/role:Role" and not arns:
        return None
    return passed("attaches no AWS-managed administrator policy", resource.urn)


def check_stack(graph: Graph, ctx: Context) -> list[Outcome]:
    forbidden = forbidden_names(ctx.config)
    outcomes: list[Outcome] = []
    for resource_type, path in ARN_PATHS.items():
        for resource in graph.of_type(resource_type):
            verdict = _judge(graph, resource, path, forbidden)
            if verdict is not None:
                outcomes.append(verdict)
    return outcomes
