from policies.model import Outcome, Resource
from policies.registry import Context
from policies.secret_values import plain_text

RULE_ID = "FERPA-IAM-02"

PASSWORD_PROPERTIES = {
    "aws:rds/cluster:Cluster": ("masterPassword", "masterPasswordWo"),
    "aws:rds/instance:Instance": ("password", "passwordWo"),
}
REMEDY = "is plain text in the program; use manageMasterUserPassword=true or pass it as a Pulumi secret"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    paths = PASSWORD_PROPERTIES.get(resource.type, ("masterPassword",))
    return [outcome for path in paths if (outcome := plain_text(resource.props, path, REMEDY))]
