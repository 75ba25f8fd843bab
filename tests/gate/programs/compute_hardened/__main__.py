"""The services of compute_weak built the way the compute and edge rules ask, with the real SDK
(tests/gate/test_compute_rules.py): none of those rules fails."""

import json

import pulumi
import pulumi_aws as aws

key = aws.kms.Key("workload-key", enable_key_rotation=True)
role = aws.iam.Role(
    "app-role",
    assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
    inline_policies=[aws.iam.RoleInlinePolicyArgs(name="read-records", policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::records/*"}]}))],
)
aws.iam.RolePolicyAttachment("app-vpc-access", role=role.name,
                             policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")

vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
private = aws.ec2.Subnet("private", vpc_id=vpc.id, cidr_block="10.0.1.0/24", map_public_ip_on_launch=False)
db = aws.rds.Cluster("records-db", engine="aurora-postgresql", master_username="app", manage_master_user_password=True,
                     storage_encrypted=True, kms_key_id=key.arn)
secret = aws.secretsmanager.Secret("api-token", kms_key_id=key.arn)
function = aws.lambda_.Function(
    "records-fn",
    role=role.arn,
    runtime="python3.12",
    handler="index.handler",
    s3_bucket="code-bucket",
    s3_key="fn.zip",
    kms_key_arn=key.arn,
    environment=aws.lambda_.FunctionEnvironmentArgs(variables={
        "DB_HOST": db.endpoint,
        "API_TOKEN_SECRET_ARN": secret.arn,
        "DB_PASSWORD": pulumi.Output.secret("from-config"),
    }),
    vpc_config=aws.lambda_.FunctionVpcConfigArgs(subnet_ids=[private.id], security_group_ids=["sg-12345678"]),
)
aws.lambda_.FunctionUrl("records-url", function_name=function.name, authorization_type="AWS_IAM")

api = aws.apigateway.RestApi("records-api", disable_execute_api_endpoint=True,
                             endpoint_configuration=aws.apigateway.RestApiEndpointConfigurationArgs(types="REGIONAL"))
aws.lambda_.Permission("api-invokes", action="lambda:InvokeFunction", function=function.name,
                       principal="apigateway.amazonaws.com", source_arn=api.execution_arn.apply(lambda a: f"{a}/*"))
students = aws.apigateway.Resource("students", rest_api=api.id, parent_id=api.root_resource_id, path_part="students")
aws.apigateway.Method("get-students", rest_api=api.id, resource_id=students.id, http_method="GET",
                      authorization="AWS_IAM")
aws.apigateway.Method("students-preflight", rest_api=api.id, resource_id=students.id, http_method="OPTIONS",
                      authorization="NONE")
aws.apigateway.MethodSettings("cache", rest_api=api.id, stage_name="prod", method_path="*/*",
                              settings=aws.apigateway.MethodSettingsSettingsArgs(caching_enabled=True,
                                                                                 cache_data_encrypted=True))
aws.apigateway.BasePathMapping("mapping", rest_api=api.id, domain_name="api.example.edu", stage_name="prod")

logs = aws.cloudwatch.LogGroup("http-access", retention_in_days=365, kms_key_id=key.arn)
http_api = aws.apigatewayv2.Api("records-http", protocol_type="HTTP", disable_execute_api_endpoint=True)
aws.apigatewayv2.Integration("backend", api_id=http_api.id, integration_type="HTTP_PROXY", integration_method="ANY",
                             integration_uri="https://records.example.edu/{proxy}")
aws.apigatewayv2.Route("students-route", api_id=http_api.id, route_key="GET /students", authorization_type="AWS_IAM")
aws.apigatewayv2.Stage("http-stage", api_id=http_api.id, name="prod",
                       access_log_settings=aws.apigatewayv2.StageAccessLogSettingsArgs(destination_arn=logs.arn,
                                                                                       format="$context.requestId"))

oac = aws.cloudfront.OriginAccessControl("files-oac", origin_access_control_origin_type="s3", signing_behavior="always",
                                         signing_protocol="sigv4")
aws.cloudfront.Distribution(
    "cdn",
    enabled=True,
    origins=[
        aws.cloudfront.DistributionOriginArgs(origin_id="app", domain_name="app.example.edu",
                                              custom_origin_config=aws.cloudfront.DistributionOriginCustomOriginConfigArgs(
                                                  http_port=80, https_port=443, origin_protocol_policy="https-only",
                                                  origin_ssl_protocols=["TLSv1.2"])),
        aws.cloudfront.DistributionOriginArgs(origin_id="files", domain_name="records.s3.us-east-1.amazonaws.com",
                                              origin_access_control_id=oac.id),
    ],
    default_cache_behavior=aws.cloudfront.DistributionDefaultCacheBehaviorArgs(
        target_origin_id="app", viewer_protocol_policy="redirect-to-https", allowed_methods=["GET", "HEAD"],
        cached_methods=["GET", "HEAD"]),
    restrictions=aws.cloudfront.DistributionRestrictionsArgs(
        geo_restriction=aws.cloudfront.DistributionRestrictionsGeoRestrictionArgs(restriction_type="none")),
    viewer_certificate=aws.cloudfront.DistributionViewerCertificateArgs(
        acm_certificate_arn="arn:aws:acm:us-east-1:111122223333:certificate/abc", ssl_support_method="sni-only",
        minimum_protocol_version="TLSv1.2_2021"),
)

aws.elb.LoadBalancer("classic", internal=True, subnets=[private.id], listeners=[aws.elb.LoadBalancerListenerArgs(
    lb_port=443, lb_protocol="HTTPS", instance_port=8443, instance_protocol="HTTPS",
    ssl_certificate_id="arn:aws:acm:us-east-1:111122223333:certificate/abc")])

aws.ebs.EncryptionByDefault("ebs-default", enabled=True)
aws.ebs.DefaultKmsKey("ebs-default-key", key_arn=key.arn)
aws.ebs.Volume("data", availability_zone="us-east-1a", size=10, encrypted=True, kms_key_id=key.arn)
aws.ec2.Instance("worker", ami="ami-12345678", instance_type="t3.micro", subnet_id=private.id,
                 associate_public_ip_address=False,
                 root_block_device=aws.ec2.InstanceRootBlockDeviceArgs(encrypted=True, kms_key_id=key.arn),
                 metadata_options=aws.ec2.InstanceMetadataOptionsArgs(http_tokens="required"))

aws.eks.Cluster("k8s", role_arn=role.arn,
                vpc_config=aws.eks.ClusterVpcConfigArgs(subnet_ids=[private.id], endpoint_public_access=False,
                                                        endpoint_private_access=True),
                encryption_config=aws.eks.ClusterEncryptionConfigArgs(
                    resources=["secrets"], provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=key.arn)))
