"""Wires the tiers together; the one function both the Pulumi CLI and the tests call."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from .api import Api
from .backup import Backup
from .compute import Compute
from .config import StackConfig
from .data import Data
from .keys import Keys, current_account
from .network import Network
from .observability import Observability


@dataclass(frozen=True, slots=True)
class ReferenceStack:
    keys: Keys
    network: Network
    observability: Observability
    data: Data
    compute: Compute
    api: Api
    backup: Backup

    def outputs(self) -> dict[str, pulumi.Input[object]]:
        return {
            "api_url": self.api.stage.invoke_url,
            "vpc_id": self.network.vpc.id,
            "load_balancer_arn": self.compute.load_balancer.arn,
            "vpc_link_id": self.api.vpc_link.id,
            "aurora_endpoint": self.data.cluster.endpoint,
            "redis_primary_endpoint": self.data.redis.primary_endpoint_address,
            "event_stream_name": self.data.stream.name,
            "documents_file_system_id": self.data.file_system.id,
            "audit_trail_arn": self.observability.trail.arn,
            "kms_key_arns": {purpose: key.arn for purpose, key in self.keys.keys.items()},
        }


def build(cfg: StackConfig) -> ReferenceStack:
    account = current_account(cfg.region)
    keys = Keys(cfg.name("keys"), cfg, account)
    network = Network(cfg.name("network"), cfg)
    observability = Observability(cfg.name("observability"), cfg, account, keys, network)
    data = Data(cfg.name("data"), cfg, keys, network, observability)
    compute = Compute(cfg.name("compute"), cfg, account, keys, network, data, observability)
    api = Api(cfg.name("api"), cfg, account, compute, observability)
    backup = Backup(cfg.name("backup"), cfg, account, keys, data)
    return ReferenceStack(keys, network, observability, data, compute, api, backup)
