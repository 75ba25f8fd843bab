"""Seed defect 3: a REST API VPC Link pointed at an Application Load Balancer.
It constructs (the keyword is right now) but AWS rejects it after minutes of
deployment ("NLB ARN is malformed"): VPC Links need a Network Load Balancer."""

import pulumi
import pulumi_aws as aws

environment_suffix = pulumi.Config().get("environmentSuffix") or "dev"
tags = {"Environment": environment_suffix, "DataClassification": "FERPA"}
vpc_cidr = "10.0.0.0/16"
vpc_id = "vpc-0f00example0000001"
private_subnet_ids = ["subnet-0a11private000001", "subnet-0b22private000002"]
certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-1111-2222-3333-444444444444"

alb_sg = aws.ec2.SecurityGroup(
    f"student-alb-sg-{environment_suffix}",
    vpc_id=vpc_id,
    description="ALB: HTTPS from inside the VPC",
    ingress=[aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=443, to_port=443, cidr_blocks=[vpc_cidr])],
    tags=tags,
)
alb = aws.lb.LoadBalancer(
    f"student-alb-{environment_suffix}",
    name=f"student-alb-{environment_suffix}",
    load_balancer_type="application",
    internal=True,
    subnets=private_subnet_ids,
    security_groups=[alb_sg.id],
    tags=tags,
)
target_group = aws.lb.TargetGroup(
    f"student-tg-{environment_suffix}",
    port=8443,
    protocol="HTTPS",
    target_type="ip",
    vpc_id=vpc_id,
    tags=tags,
)
aws.lb.Listener(
    f"student-alb-https-{environment_suffix}",
    load_balancer_arn=alb.arn,
    port=443,
    protocol="HTTPS",
    certificate_arn=certificate_arn,
    ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06",
    default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)],
)

api_gateway = aws.apigateway.RestApi(f"student-api-{environment_suffix}", name=f"student-api-{environment_suffix}")
vpc_link = aws.apigateway.VpcLink(
    f"student-vpc-link-{environment_suffix}",
    name=f"student-vpc-link-{environment_suffix}",
    target_arn=alb.arn,
    tags={**tags, "Name": f"student-vpc-link-{environment_suffix}"},
    opts=pulumi.ResourceOptions(parent=api_gateway),
)
students = aws.apigateway.Resource(
    f"student-api-students-{environment_suffix}",
    rest_api=api_gateway.id,
    parent_id=api_gateway.root_resource_id,
    path_part="students",
)
get_students = aws.apigateway.Method(
    f"student-api-get-students-{environment_suffix}",
    rest_api=api_gateway.id,
    resource_id=students.id,
    http_method="GET",
    authorization="AWS_IAM",
)
aws.apigateway.Integration(
    f"student-api-integration-{environment_suffix}",
    rest_api=api_gateway.id,
    resource_id=students.id,
    http_method=get_students.http_method,
    integration_http_method="GET",
    type="HTTP_PROXY",
    connection_type="VPC_LINK",
    connection_id=vpc_link.id,
    uri="https://students-api.example.edu/students",
)
