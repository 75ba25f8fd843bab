from policies.checks import shown
from policies.model import Outcome, Resource, fail, not_applicable, unknown
from policies.registry import Context
from policies.values import MISSING, UNKNOWN, as_list, get, is_secret_at

RULE_ID = "FERPA-TLS-07"


def _volume_label(props: object, index: int) -> str:
    path = f"volumes.{index}.name"
    name = get(props, path)
    return f"volume {name!r}" if isinstance(name, str) and not is_secret_at(props, path) else f"volume #{index + 1}"


def check(resource: Resource, ctx: Context) -> list[Outcome]:
    props = resource.props
    volumes = get(props, "volumes")
    if volumes is UNKNOWN:
        return [unknown("volumes are not known during preview; cannot check EFS transit encryption")]
    outcomes: list[Outcome] = []
    efs_volumes = 0
    for index in range(len(as_list(volumes))):
        config = get(props, f"volumes.{index}.efsVolumeConfiguration")
        if config is MISSING:
            continue
        efs_volumes += 1
        label = _volume_label(props, index)
        path = f"volumes.{index}.efsVolumeConfiguration.transitEncryption"
        setting = get(props, path)
        if config is UNKNOWN or setting is UNKNOWN:
            outcomes.append(unknown(f"{label}: transitEncryption is not known during preview"))
        elif setting is MISSING:
            outcomes.append(
                fail(f"{label}: transitEncryption is not set (AWS's default DISABLED): NFS traffic is plaintext")
            )
        elif setting != "ENABLED":
            safe = shown(props, path, setting)
            outcomes.append(fail(f"{label}: transitEncryption is {safe!r}; it must be ENABLED", transitEncryption=safe))
    if not efs_volumes:
        return [not_applicable("the task definition mounts no EFS volume")]
    return outcomes
