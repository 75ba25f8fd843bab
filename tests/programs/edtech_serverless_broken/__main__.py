"""The broken twin of examples/edtech-serverless: the same services, each with the weakness
that edtech stacks really ship. Every weakness is named by a rule (tests/stack/)."""

import json

import pulumi
import pulumi_aws as aws

# Transcripts bucket: no public access block, a public-read ACL, a policy open to everyone,
# no customer key, no versioning, no TLS-only policy, no access logging.
transcripts = aws.s3.Bucket("transcripts")
aws.s3.BucketAcl("transcripts-acl", bucket=transcripts.id, acl="public-read")
aws.s3.BucketPolicy(
    "transcripts-policy",
    bucket=transcripts.id,
    policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::transcripts/*"}],
    }),
)

# Grades table: AWS-owned key (the default), no point-in-time recovery, no deletion protection.
grades = aws.dynamodb.Table(
    "grades",
    billing_mode="PAY_PER_REQUEST",
    hash_key="studentId",
    attributes=[{"name": "studentId", "type": "S"}],
)

# Enrolment events: SQS-managed encryption (not a customer key), no TLS-only policy;
# a notification topic with no encryption at all.
events = aws.sqs.Queue("enrolment-events", sqs_managed_sse_enabled=True)
aws.sns.Topic("enrolment-notifications")

role = aws.iam.Role(
    "grades-api-role",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }),
)
aws.iam.RolePolicyAttachment(
    "grades-api-admin", role=role.name, policy_arn="arn:aws:iam::aws:policy/AdministratorAccess"
)
grades_api = aws.lambda_.Function(
    "grades-api",
    runtime="python3.12",
    handler="handler.main",
    code=pulumi.AssetArchive({"handler.py": pulumi.StringAsset("def main(event, context):\n    return {}\n")}),
    role=role.arn,
    # A database password pasted into the environment, with no customer key over it.
    environment={"variables": {"GRADES_TABLE": "grades", "DB_PASSWORD": "Spring2026!grades"}},
)
aws.lambda_.FunctionUrl("grades-api-url", function_name=grades_api.name, authorization_type="NONE")
aws.lambda_.Permission("anyone-invokes", action="lambda:InvokeFunction", function=grades_api.name, principal="*")

api = aws.apigatewayv2.Api("grades-http-api", protocol_type="HTTP")
legacy = aws.apigatewayv2.Integration(
    "legacy-sis",
    api_id=api.id,
    integration_type="HTTP_PROXY",
    integration_method="ANY",
    integration_uri="http://sis.example.edu/students",
    connection_type="INTERNET",
)
aws.apigatewayv2.Route(
    "route-students",
    api_id=api.id,
    route_key="GET /students/{id}",
    target=legacy.id.apply(lambda integration_id: f"integrations/{integration_id}"),
    authorization_type="NONE",
)
aws.apigatewayv2.Stage("grades-http-api-stage", api_id=api.id, name="$default", auto_deploy=True)
aws.cloudwatch.LogGroup("grades-api-logs", retention_in_days=3)

# Portal CDN: plain HTTP allowed, the default certificate (TLSv1), an HTTP-only custom origin.
aws.cloudfront.Distribution(
    "portal-cdn",
    enabled=True,
    origins=[{
        "origin_id": "portal-origin",
        "domain_name": "portal-origin.example.edu",
        "custom_origin_config": {
            "http_port": 80,
            "https_port": 443,
            "origin_protocol_policy": "http-only",
            "origin_ssl_protocols": ["TLSv1", "TLSv1.1", "TLSv1.2"],
        },
    }],
    default_cache_behavior={
        "target_origin_id": "portal-origin",
        "viewer_protocol_policy": "allow-all",
        "allowed_methods": ["GET", "HEAD"],
        "cached_methods": ["GET", "HEAD"],
        "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6",
    },
    viewer_certificate={"cloudfront_default_certificate": True},
    restrictions={"geo_restriction": {"restriction_type": "none"}},
)
