from collections.abc import Mapping
from typing import Any

from policies.checks import shown
from policies.model import Outcome, Resource, fail, not_applicable, unknown
from policies.openapi import BodyUnreadable, body_integrations
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, get

RULE_ID = "FERPA-TLS-05"

HTTP_TYPES = ("HTTP", "HTTP_PROXY")


REST_API = "aws:apigateway/restApi:RestApi"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    if resource.type == REST_API:
        return _check_body(resource.props)
    return judge_integration(resource.props)


def _check_body(props: Mapping[str, Any]) -> list[Outcome]:
    """Integrations declared in the OpenAPI body are the API's integrations: judged the same way."""
    try:
        integrations = body_integrations(props)
    except BodyUnreadable as error:
        return [fail(f"body cannot be read: {error}; its integrations cannot be checked")]
    if integrations is None:
        return [unknown("body is not known during preview; its integrations cannot be checked")]
    if not integrations:
        return [not_applicable("the API declares no integrations in an OpenAPI body")]
    outcomes: list[Outcome] = []
    for integration in integrations:
        for outcome in judge_integration(integration.props):
            message = f"{integration.label}: {outcome.message}"
            outcomes.append(Outcome(outcome.status, message, outcome.urn, outcome.evidence))
    return outcomes


def judge_integration(props: Mapping[str, Any]) -> list[Outcome]:
    kind = get(props, "type")
    if kind is UNKNOWN:
        return [unknown("type is not known during preview; cannot tell whether the integration calls an HTTP backend")]
    if not isinstance(kind, str) or kind.upper() not in HTTP_TYPES:
        return []
    connection = get(props, "connectionType")
    if isinstance(connection, str) and connection.upper() == "VPC_LINK":
        return []
    uri = get(props, "uri")
    if uri is UNKNOWN:
        return [unknown(f"uri of this {kind} integration is not known during preview; it must be https://")]
    if uri is MISSING:
        return [fail(f"uri is not set: a {kind} integration over the internet must call an https:// endpoint")]
    safe = shown(props, "uri", uri)
    if not isinstance(uri, str):
        return [fail(f"uri is not a URL: {safe!r}", uri=safe)]
    if uri.lower().startswith("https://"):
        return []
    if connection is UNKNOWN:
        return [unknown("connectionType is not known during preview and the uri is not https://")]
    if uri.lower().startswith("${stagevariables."):
        return [unknown(f"uri {safe} is chosen by a stage variable; it cannot be checked for https://", uri=safe)]
    return [
        fail(
            f"uri {safe} is not https:// and connectionType is not VPC_LINK: requests travel the internet in plaintext",
            uri=safe,
        )
    ]
