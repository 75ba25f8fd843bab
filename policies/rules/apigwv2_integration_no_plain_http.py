"""HTTP API and WebSocket API integrations that proxy to an HTTP backend over the internet must
call it with https:// (VPC_LINK integrations are FERPA-LINK-03's; Lambda and AWS service
integrations are not HTTP)."""

from policies.checks import shown
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get

RULE_ID = "FERPA-TLS-41"

HTTP_TYPES = ("HTTP", "HTTP_PROXY")


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    kind = get(props, "integrationType")
    if kind is UNKNOWN:
        return [unknown("integrationType is not known during preview")]
    if not isinstance(kind, str) or kind.upper() not in HTTP_TYPES:
        return []
    connection = get(props, "connectionType")
    if connection is UNKNOWN:
        return [unknown("connectionType is not known during preview")]
    if isinstance(connection, str) and connection.upper() == "VPC_LINK":
        return []
    uri = get(props, "integrationUri")
    if uri is UNKNOWN:
        return [unknown(f"integrationUri of this {kind} integration is not known during preview")]
    if uri is MISSING:
        return [fail(f"integrationUri is not set: a {kind} integration over the internet must call https://")]
    safe = shown(props, "integrationUri", uri)
    if not isinstance(uri, str):
        return [fail(f"integrationUri is not a URL: {safe!r}", integrationUri=safe)]
    lowered = uri.strip().lower()
    if lowered.startswith("https://"):
        return []
    if lowered.startswith("${stagevariables."):  # the scheme itself comes from the stage: not visible here
        return [unknown(f"integrationUri {safe} is chosen by a stage variable", integrationUri=safe)]
    return [fail(f"integrationUri {safe} is not https:// and connectionType is INTERNET (AWS's default): requests "
                 "travel the internet in plaintext", integrationUri=safe)]
