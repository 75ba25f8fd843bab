from policies.model import Outcome, Resource
from policies.registry import Context
from policies.secret_values import plain_text

RULE_ID = "FERPA-IAM-20"

SECRET_PATHS = ("secretString", "secretBinary")
REMEDY = ("reaches the engine as plain text, not a Pulumi secret: it is stored readable in the state; read it "
          "with config.require_secret or generate it (random.RandomPassword)")


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    return [outcome for path in SECRET_PATHS if (outcome := plain_text(resource.props, path, REMEDY))]
