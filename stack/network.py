"""The VPC across two AZs: public subnets for NAT only, private subnets for the
ECS service and EFS, isolated data subnets for Aurora and Redis; and the
security groups that chain the tiers (no ingress from the internet)."""

from __future__ import annotations

import ipaddress

import pulumi
import pulumi_aws as aws

from .config import StackConfig

HTTPS = 443
APP_PORT = 8443
POSTGRES = 5432
REDIS = 6379
NFS = 2049
ANYWHERE = "0.0.0.0/0"


def subnet_cidrs(vpc_cidr: str) -> dict[str, list[str]]:
    """/24s: public 0-1, private 10-11, data 20-21."""
    blocks = list(ipaddress.ip_network(vpc_cidr).subnets(new_prefix=24))
    return {
        "public": [str(blocks[0]), str(blocks[1])],
        "private": [str(blocks[10]), str(blocks[11])],
        "data": [str(blocks[20]), str(blocks[21])],
    }


class Network(pulumi.ComponentResource):
    def __init__(self, name: str, cfg: StackConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ferpaguard:reference:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vpc_cidr = cfg.vpc_cidr
        self.vpc = aws.ec2.Vpc(
            cfg.name("student-vpc"),
            cidr_block=cfg.vpc_cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags=cfg.tags_for("student-vpc"),
            opts=child,
        )
        vpc_child = pulumi.ResourceOptions(parent=self.vpc)
        self.internet_gateway = aws.ec2.InternetGateway(
            cfg.name("student-igw"), vpc_id=self.vpc.id, tags=cfg.tags_for("student-igw"), opts=vpc_child
        )
        cidrs = subnet_cidrs(cfg.vpc_cidr)
        self.public_subnets = self._subnets(cfg, "public", cidrs["public"], public=True)
        self.private_subnets = self._subnets(cfg, "private", cidrs["private"], public=False)
        self.data_subnets = self._subnets(cfg, "data", cidrs["data"], public=False)

        public_routes = aws.ec2.RouteTable(
            cfg.name("student-public-rt"), vpc_id=self.vpc.id, tags=cfg.tags_for("student-public-rt"), opts=vpc_child
        )
        aws.ec2.Route(
            cfg.name("student-public-default-route"),
            route_table_id=public_routes.id,
            destination_cidr_block=ANYWHERE,
            gateway_id=self.internet_gateway.id,
            opts=pulumi.ResourceOptions(parent=public_routes),
        )
        self._associate(cfg, "public", self.public_subnets, [public_routes, public_routes])

        self.nat_gateways: list[aws.ec2.NatGateway] = []
        private_routes: list[aws.ec2.RouteTable] = []
        for index, subnet in enumerate(self.public_subnets):
            eip = aws.ec2.Eip(
                cfg.name(f"student-nat-eip-{index}"),
                domain="vpc",
                tags=cfg.tags_for(f"student-nat-eip-{index}"),
                opts=vpc_child,
            )
            nat = aws.ec2.NatGateway(
                cfg.name(f"student-nat-{index}"),
                allocation_id=eip.allocation_id,
                subnet_id=subnet.id,
                tags=cfg.tags_for(f"student-nat-{index}"),
                opts=pulumi.ResourceOptions(parent=self.vpc, depends_on=[self.internet_gateway]),
            )
            self.nat_gateways.append(nat)
            table = aws.ec2.RouteTable(
                cfg.name(f"student-private-rt-{index}"),
                vpc_id=self.vpc.id,
                tags=cfg.tags_for(f"student-private-rt-{index}"),
                opts=vpc_child,
            )
            aws.ec2.Route(
                cfg.name(f"student-private-nat-route-{index}"),
                route_table_id=table.id,
                destination_cidr_block=ANYWHERE,
                nat_gateway_id=nat.id,
                opts=pulumi.ResourceOptions(parent=table),
            )
            private_routes.append(table)
        self._associate(cfg, "private", self.private_subnets, private_routes)

        # The data tier needs no egress at all: its route table has only the VPC's local route.
        data_routes = aws.ec2.RouteTable(
            cfg.name("student-data-rt"), vpc_id=self.vpc.id, tags=cfg.tags_for("student-data-rt"), opts=vpc_child
        )
        self._associate(cfg, "data", self.data_subnets, [data_routes, data_routes])

        self._security_groups(cfg)
        self.register_outputs(
            {
                "vpc_id": self.vpc.id,
                "private_subnet_ids": [s.id for s in self.private_subnets],
                "data_subnet_ids": [s.id for s in self.data_subnets],
            }
        )

    def _subnets(self, cfg: StackConfig, tier: str, cidrs: list[str], public: bool) -> list[aws.ec2.Subnet]:
        return [
            aws.ec2.Subnet(
                cfg.name(f"student-{tier}-subnet-{index}"),
                vpc_id=self.vpc.id,
                cidr_block=cidr,
                availability_zone=zone,
                map_public_ip_on_launch=public,
                tags={**cfg.tags_for(f"student-{tier}-subnet-{index}"), "Tier": tier},
                opts=pulumi.ResourceOptions(parent=self.vpc),
            )
            for index, (cidr, zone) in enumerate(zip(cidrs, cfg.availability_zones, strict=True))
        ]

    def _associate(
        self, cfg: StackConfig, tier: str, subnets: list[aws.ec2.Subnet], tables: list[aws.ec2.RouteTable]
    ) -> None:
        for index, (subnet, table) in enumerate(zip(subnets, tables, strict=True)):
            aws.ec2.RouteTableAssociation(
                cfg.name(f"student-{tier}-rta-{index}"),
                subnet_id=subnet.id,
                route_table_id=table.id,
                opts=pulumi.ResourceOptions(parent=subnet),
            )

    def _security_group(
        self,
        cfg: StackConfig,
        base: str,
        description: str,
        ingress: list[aws.ec2.SecurityGroupIngressArgs],
        egress: list[aws.ec2.SecurityGroupEgressArgs],
    ) -> aws.ec2.SecurityGroup:
        return aws.ec2.SecurityGroup(
            cfg.name(base),
            name=cfg.name(base),
            description=description,
            vpc_id=self.vpc.id,
            ingress=ingress,
            egress=egress,
            tags=cfg.tags_for(base),
            opts=pulumi.ResourceOptions(parent=self.vpc),
        )

    def _security_groups(self, cfg: StackConfig) -> None:
        vpc = [cfg.vpc_cidr]
        self.nlb_security_group = self._security_group(
            cfg,
            "student-nlb-sg",
            "NLB: TLS from the API Gateway VPC Link (inside the VPC) only",
            [
                aws.ec2.SecurityGroupIngressArgs(
                    protocol="tcp",
                    from_port=HTTPS,
                    to_port=HTTPS,
                    cidr_blocks=vpc,
                    description="VPC Link to NLB TLS listener",
                )
            ],
            [
                aws.ec2.SecurityGroupEgressArgs(
                    protocol="tcp",
                    from_port=APP_PORT,
                    to_port=APP_PORT,
                    cidr_blocks=vpc,
                    description="NLB to ECS tasks",
                )
            ],
        )
        self.app_security_group = self._security_group(
            cfg,
            "student-app-sg",
            "ECS tasks: TLS from the NLB only",
            [
                aws.ec2.SecurityGroupIngressArgs(
                    protocol="tcp",
                    from_port=APP_PORT,
                    to_port=APP_PORT,
                    security_groups=[self.nlb_security_group.id],
                    description="NLB to ECS tasks",
                )
            ],
            [
                aws.ec2.SecurityGroupEgressArgs(
                    protocol="tcp",
                    from_port=HTTPS,
                    to_port=HTTPS,
                    cidr_blocks=[ANYWHERE],
                    description="AWS APIs and image pulls through NAT",
                ),
                aws.ec2.SecurityGroupEgressArgs(
                    protocol="tcp", from_port=POSTGRES, to_port=POSTGRES, cidr_blocks=vpc, description="Aurora"
                ),
                aws.ec2.SecurityGroupEgressArgs(
                    protocol="tcp", from_port=REDIS, to_port=REDIS, cidr_blocks=vpc, description="Redis"
                ),
                aws.ec2.SecurityGroupEgressArgs(
                    protocol="tcp", from_port=NFS, to_port=NFS, cidr_blocks=vpc, description="EFS"
                ),
            ],
        )
        self.database_security_group = self._data_group(cfg, "student-db-sg", "Aurora PostgreSQL", POSTGRES)
        self.cache_security_group = self._data_group(cfg, "student-cache-sg", "ElastiCache Redis", REDIS)
        self.efs_security_group = self._data_group(cfg, "student-efs-sg", "EFS mount targets", NFS)

    def _data_group(self, cfg: StackConfig, base: str, what: str, port: int) -> aws.ec2.SecurityGroup:
        return self._security_group(
            cfg,
            base,
            f"{what}: from the ECS tasks only",
            [
                aws.ec2.SecurityGroupIngressArgs(
                    protocol="tcp",
                    from_port=port,
                    to_port=port,
                    security_groups=[self.app_security_group.id],
                    description=f"ECS tasks to {what}",
                )
            ],
            [],
        )
