"""A VPC for student records with no flow logs: nothing records who talked to
the data tier (an advisory finding; the gate still exits 0)."""

import pulumi
import pulumi_aws as aws

environment_suffix = pulumi.Config().get("environmentSuffix") or "dev"
tags = {"Environment": environment_suffix, "DataClassification": "FERPA"}

vpc = aws.ec2.Vpc(
    f"student-vpc-{environment_suffix}",
    cidr_block="10.0.0.0/16",
    enable_dns_hostnames=True,
    enable_dns_support=True,
    tags={**tags, "Name": f"student-vpc-{environment_suffix}"},
)
for index, (cidr, zone) in enumerate([("10.0.10.0/24", "us-east-1a"), ("10.0.11.0/24", "us-east-1b")]):
    aws.ec2.Subnet(
        f"student-private-subnet-{index}-{environment_suffix}",
        vpc_id=vpc.id,
        cidr_block=cidr,
        availability_zone=zone,
        map_public_ip_on_launch=False,
        tags={**tags, "Name": f"student-private-subnet-{index}-{environment_suffix}"},
    )
