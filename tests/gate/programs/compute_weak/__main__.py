"""Every weakness the compute and edge rules look for, written with the real SDK so the
wire names the rules read are the SDK's own (tests/gate/test_compute_rules.py)."""

import json

import pulumi_aws as aws

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"

role = aws.iam.Role(
    "app-role",
    assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
    inline_policies=[aws.iam.RoleInlinePolicyArgs(name="everything", policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))],
)
aws.iam.RolePolicyAttachment("app-admin", role=role.name, policy_arn=ADMIN)

db = aws.rds.Cluster("records-db", engine="aurora-postgresql", master_username="app", manage_master_user_password=True,
                     storage_encrypted=True)
function = aws.lambda_.Function(
    "records-fn",
    role=role.arn,
    runtime="python3.12",
    handler="index.handler",
    s3_bucket="code-bucket",
    s3_key="fn.zip",
    environment=aws.lambda_.FunctionEnvironmentArgs(variables={"DB_HOST": db.endpoint, "DB_PASSWORD": "hunter2"}),
)
aws.lambda_.FunctionUrl("records-url", function_name=function.name, authorization_type="NONE")
aws.lambda_.Permission("records-public", action="lambda:InvokeFunction", function=function.name, principal="*")

api = aws.apigateway.RestApi("records-api", endpoint_configuration=aws.apigateway.RestApiEndpointConfigurationArgs(
    types="REGIONAL"))
students = aws.apigateway.Resource("students", rest_api=api.id, parent_id=api.root_resource_id, path_part="students")
aws.apigateway.Method("get-students", rest_api=api.id, resource_id=students.id, http_method="GET",
                      authorization="NONE")
aws.apigateway.MethodSettings("cache", rest_api=api.id, stage_name="prod", method_path="*/*",
                              settings=aws.apigateway.MethodSettingsSettingsArgs(caching_enabled=True))
aws.apigateway.BasePathMapping("mapping", rest_api=api.id, domain_name="api.example.edu", stage_name="prod")

http_api = aws.apigatewayv2.Api("records-http", protocol_type="HTTP")
aws.apigatewayv2.Integration("plain", api_id=http_api.id, integration_type="HTTP_PROXY", integration_method="ANY",
                             integration_uri="http://records.example.edu/{proxy}")
aws.apigatewayv2.Route("open-route", api_id=http_api.id, route_key="GET /students")
aws.apigatewayv2.Stage("http-stage", api_id=http_api.id, name="prod")

aws.cloudfront.Distribution(
    "cdn",
    enabled=True,
    origins=[
        aws.cloudfront.DistributionOriginArgs(origin_id="app", domain_name="app.example.edu",
                                              custom_origin_config=aws.cloudfront.DistributionOriginCustomOriginConfigArgs(
                                                  http_port=80, https_port=443, origin_protocol_policy="http-only",
                                                  origin_ssl_protocols=["TLSv1", "TLSv1.2"])),
        aws.cloudfront.DistributionOriginArgs(origin_id="files", domain_name="records.s3.us-east-1.amazonaws.com",
                                              s3_origin_config=aws.cloudfront.DistributionOriginS3OriginConfigArgs(
                                                  origin_access_identity="origin-access-identity/cloudfront/E1")),
        aws.cloudfront.DistributionOriginArgs(origin_id="public", domain_name="public.s3.us-east-1.amazonaws.com"),
    ],
    default_cache_behavior=aws.cloudfront.DistributionDefaultCacheBehaviorArgs(
        target_origin_id="app", viewer_protocol_policy="allow-all", allowed_methods=["GET", "HEAD"],
        cached_methods=["GET", "HEAD"]),
    restrictions=aws.cloudfront.DistributionRestrictionsArgs(
        geo_restriction=aws.cloudfront.DistributionRestrictionsGeoRestrictionArgs(restriction_type="none")),
    viewer_certificate=aws.cloudfront.DistributionViewerCertificateArgs(cloudfront_default_certificate=True),
)

aws.elb.LoadBalancer("classic", availability_zones=["us-east-1a"], listeners=[aws.elb.LoadBalancerListenerArgs(
    lb_port=80, lb_protocol="HTTP", instance_port=8080, instance_protocol="HTTP")])

aws.ebs.Volume("data", availability_zone="us-east-1a", size=10)
aws.ec2.Instance("worker", ami="ami-12345678", instance_type="t3.micro", associate_public_ip_address=True,
                 root_block_device=aws.ec2.InstanceRootBlockDeviceArgs(encrypted=False),
                 metadata_options=aws.ec2.InstanceMetadataOptionsArgs(http_tokens="optional"))

aws.eks.Cluster("k8s", role_arn=role.arn, vpc_config=aws.eks.ClusterVpcConfigArgs(subnet_ids=["subnet-a", "subnet-b"]))
