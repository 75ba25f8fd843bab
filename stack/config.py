"""Stack configuration: every input the reference stack reads, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

PROJECT = "ferpaguard-reference"
DEFAULT_SUFFIX = "dev"
DEFAULT_REGION = "us-east-1"
# CloudWatch Logs accepts only these retention periods; FERPA-LOG-03 wants a year or more.
LOG_RETENTION_DAYS = (365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)


@dataclass(frozen=True, slots=True)
class StackConfig:
    environment_suffix: str
    region: str
    availability_zones: tuple[str, str]
    domain_name: str
    hosted_zone_id: str | None
    container_image: str
    log_retention_days: int
    redis_auth_token: pulumi.Output[str]
    vpc_cidr: str = "10.20.0.0/16"
    project: str = PROJECT
    tags: dict[str, str] = field(default_factory=dict)

    def name(self, base: str) -> str:
        """`base` with the environment suffix: every physical name carries it."""
        return f"{base}-{self.environment_suffix}"

    def tags_for(self, base: str) -> dict[str, str]:
        return {**self.tags, "Name": self.name(base)}


def load() -> StackConfig:
    config = pulumi.Config()
    suffix = config.get("environmentSuffix") or DEFAULT_SUFFIX
    region = pulumi.Config("aws").get("region") or DEFAULT_REGION
    zones = config.get_object("availabilityZones") or [f"{region}a", f"{region}b"]
    if len(zones) != 2:
        raise ValueError("availabilityZones must name exactly two availability zones")
    retention = config.get_int("logRetentionDays") or 365
    if retention not in LOG_RETENTION_DAYS:
        raise ValueError(f"logRetentionDays must be one of {LOG_RETENTION_DAYS}")
    return StackConfig(
        environment_suffix=suffix,
        region=region,
        availability_zones=(zones[0], zones[1]),
        domain_name=config.require("domainName"),
        hosted_zone_id=config.get("hostedZoneId"),
        container_image=config.get("containerImage") or "public.ecr.aws/nginx/nginx:stable",
        log_retention_days=retention,
        redis_auth_token=config.require_secret("redisAuthToken"),
        tags={
            "Project": PROJECT,
            "Environment": suffix,
            "DataClassification": "FERPA",
            "ManagedBy": "pulumi",
        },
    )
