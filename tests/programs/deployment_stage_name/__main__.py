"""Seed defect 2: Deployment(stage_name="prod") -- pulumi-aws 7 removed the
argument (stages are aws.apigateway.Stage resources), so construction raises TypeError."""

import pulumi
import pulumi_aws as aws

environment_suffix = pulumi.Config().get("environmentSuffix") or "dev"

api_gateway = aws.apigateway.RestApi(f"student-api-{environment_suffix}", name=f"student-api-{environment_suffix}")
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
integration = aws.apigateway.Integration(
    f"student-api-integration-{environment_suffix}",
    rest_api=api_gateway.id,
    resource_id=students.id,
    http_method=get_students.http_method,
    type="MOCK",
    request_templates={"application/json": '{"statusCode": 200}'},
)

api_deployment = aws.apigateway.Deployment(
    f"student-api-deployment-{environment_suffix}",
    rest_api=api_gateway.id,
    stage_name="prod",
    opts=pulumi.ResourceOptions(parent=api_gateway, depends_on=[integration]),
)
