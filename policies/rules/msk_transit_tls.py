from policies.data_checks import require_not_false, require_one_of
from policies.model import Outcome, Resource
from policies.registry import Context

RULE_ID = "FERPA-TLS-69"
IN_TRANSIT = "encryptionInfo.encryptionInTransit"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    return [
        *require_one_of(props, f"{IN_TRANSIT}.clientBroker", ["TLS"],
                        "clients must reach the brokers over TLS only", absent_means="TLS"),
        *require_not_false(props, f"{IN_TRANSIT}.inCluster", "traffic between brokers would be plaintext"),
    ]
