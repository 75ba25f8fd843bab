"""Seed defect 1: VpcLink(target_arns=[...]) -- the keyword does not exist (it is
`target_arn`, singular), so construction raises TypeError before any deployment."""

import pulumi
import pulumi_aws as aws

environment_suffix = pulumi.Config().get("environmentSuffix") or "dev"
tags = {"Environment": environment_suffix, "DataClassification": "FERPA"}
private_subnet_ids = ["subnet-0a11private000001", "subnet-0b22private000002"]

api_gateway = aws.apigateway.RestApi(f"student-api-{environment_suffix}", name=f"student-api-{environment_suffix}")

alb = aws.lb.LoadBalancer(
    f"student-alb-{environment_suffix}",
    name=f"student-alb-{environment_suffix}",
    load_balancer_type="application",
    internal=True,
    subnets=private_subnet_ids,
    tags=tags,
)

vpc_link = aws.apigateway.VpcLink(
    f"student-vpc-link-{environment_suffix}",
    name=f"student-vpc-link-{environment_suffix}",
    target_arns=[alb.arn],
    tags={**tags, "Name": f"student-vpc-link-{environment_suffix}"},
    opts=pulumi.ResourceOptions(parent=api_gateway),
)
