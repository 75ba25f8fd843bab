"""Viewers connect with TLS 1.2 or newer. The CloudFront default certificate (*.cloudfront.net)
always allows TLSv1, whatever minimumProtocolVersion says, so it fails; a custom certificate
passes with a minimum protocol version from the allow-list (TLSv1.2_2021 or newer by default)."""

from policies.checks import shown
from policies.compute_checks import require_one_of
from policies.model import Outcome, Resource, fail, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, as_list, get, truth

RULE_ID = "FERPA-TLS-43"

CERTIFICATES = ("viewerCertificate.acmCertificateArn", "viewerCertificate.iamCertificateId")


def _custom_certificate(props: object) -> bool | None:
    """Whether a custom certificate (ACM or IAM) is named; None when that is not known."""
    values = [get(props, path) for path in CERTIFICATES]
    if any(value is not MISSING and value is not UNKNOWN and value != "" for value in values):
        return True
    return None if any(value is UNKNOWN for value in values) else False


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    default_cert = truth(get(props, "viewerCertificate.cloudfrontDefaultCertificate"))
    custom = _custom_certificate(props)
    if default_cert is None or (not default_cert and custom is None):
        return [unknown("which viewer certificate the distribution uses is not known during preview")]
    if default_cert or not custom:
        return [fail("the distribution uses the CloudFront default certificate, which accepts TLSv1: "
                     "use an ACM certificate with minimum_protocol_version TLSv1.2_2021 or newer")]
    allowed = [v for v in as_list(ctx.config.get("allowedMinimumProtocolVersions")) if isinstance(v, str)]
    path = "viewerCertificate.minimumProtocolVersion"
    value = get(props, path)
    if value is MISSING:
        return [fail(f"{path} is absent (AWS's default: TLSv1); use one of {', '.join(allowed)}")]
    if value is not UNKNOWN and not isinstance(value, str):
        return [fail(f"{path} is not a protocol name: {shown(props, path, value)!r}")]
    return require_one_of(props, path, allowed, f"viewers must negotiate TLS 1.2 or newer ({', '.join(allowed)})")
