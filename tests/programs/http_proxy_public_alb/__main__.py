"""Seed defect 4, the seed's own "fix": drop the VPC Link and proxy plain HTTP
over the internet to an internet-facing ALB. It deploys, and exposes student
records: no TLS anywhere on the path, and the ALB open to the world on port 80."""

import pulumi
import pulumi_aws as aws

environment_suffix = pulumi.Config().get("environmentSuffix") or "dev"
tags = {"Environment": environment_suffix, "DataClassification": "FERPA"}
vpc_id = "vpc-0f00example0000001"
public_subnet_ids = ["subnet-0c33public0000001", "subnet-0d44public0000002"]

alb_sg = aws.ec2.SecurityGroup(
    f"student-alb-sg-{environment_suffix}",
    vpc_id=vpc_id,
    description="ALB security group",
    ingress=[aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=80, to_port=80, cidr_blocks=["0.0.0.0/0"])],
    egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"])],
    tags=tags,
)
alb = aws.lb.LoadBalancer(
    f"student-alb-{environment_suffix}",
    name=f"student-alb-{environment_suffix}",
    load_balancer_type="application",
    internal=False,
    subnets=public_subnet_ids,
    security_groups=[alb_sg.id],
    tags=tags,
)
target_group = aws.lb.TargetGroup(
    f"student-tg-{environment_suffix}",
    port=8080,
    protocol="HTTP",
    target_type="ip",
    vpc_id=vpc_id,
    health_check=aws.lb.TargetGroupHealthCheckArgs(path="/health"),
    tags=tags,
)
aws.lb.Listener(
    f"student-alb-listener-{environment_suffix}",
    load_balancer_arn=alb.arn,
    port=80,
    protocol="HTTP",
    default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)],
)

api_gateway = aws.apigateway.RestApi(f"student-api-{environment_suffix}", name=f"student-api-{environment_suffix}")
api_resource_students = aws.apigateway.Resource(
    f"student-api-students-{environment_suffix}",
    rest_api=api_gateway.id,
    parent_id=api_gateway.root_resource_id,
    path_part="students",
)
api_method_get_students = aws.apigateway.Method(
    f"student-api-get-students-{environment_suffix}",
    rest_api=api_gateway.id,
    resource_id=api_resource_students.id,
    http_method="GET",
    authorization="NONE",
)
aws.apigateway.Integration(
    f"student-api-integration-{environment_suffix}",
    rest_api=api_gateway.id,
    resource_id=api_resource_students.id,
    http_method=api_method_get_students.http_method,
    integration_http_method="GET",
    type="HTTP_PROXY",
    uri=alb.dns_name.apply(lambda dns: f"http://{dns}/students"),
    opts=pulumi.ResourceOptions(parent=api_method_get_students),
)
