"""The cluster's Kubernetes API endpoint is private, or public only to listed CIDRs. AWS's
defaults: endpointPublicAccess true, publicAccessCidrs ["0.0.0.0/0"]."""

from policies.checks import shown
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, as_list, get, is_unknown, truth

RULE_ID = "FERPA-NET-46"

EVERYWHERE = frozenset({"0.0.0.0/0", "::/0"})


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    public_value = get(props, "vpcConfig.endpointPublicAccess")
    public = True if public_value is MISSING else truth(public_value)
    if public is None:
        return [unknown("vpcConfig.endpointPublicAccess is not known during preview")]
    if not public:
        return []
    cidrs = get(props, "vpcConfig.publicAccessCidrs")
    if cidrs is UNKNOWN or any(is_unknown(c) for c in as_list(cidrs)):
        return [unknown("the endpoint is public and vpcConfig.publicAccessCidrs is not known during preview")]
    listed = [c for c in as_list(cidrs) if isinstance(c, str)]
    if cidrs is MISSING or not listed:
        return [fail("the Kubernetes API endpoint is public to the whole internet (endpointPublicAccess defaults to "
                     "true, publicAccessCidrs to 0.0.0.0/0)")]
    open_to_all = [c for c in listed if c.strip() in EVERYWHERE]
    if open_to_all:
        safe = shown(props, "vpcConfig.publicAccessCidrs", open_to_all)
        return [fail(f"the Kubernetes API endpoint is public to {safe}: restrict publicAccessCidrs or make it "
                     "private")]
    return []
