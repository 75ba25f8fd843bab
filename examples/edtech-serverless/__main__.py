"""edtech-serverless: a student portal on S3 + CloudFront, an HTTP API on Lambda, grades in
DynamoDB and enrolment events on SQS, built the way FERPA data needs it.

`ferpaguard gate examples/edtech-serverless` exits 0 (no mandatory violation); its twin
with every weakness, `tests/programs/edtech_serverless_broken/`, shows what each rule catches.
"""

import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
env = config.get("environment") or "dev"
tags = {"project": "edtech-serverless", "environment": env, "data-classification": "ferpa"}

caller = aws.get_caller_identity()
region = aws.get_region().region
account_root = f"arn:aws:iam::{caller.account_id}:root"
# Names chosen here, not by the provider, so that the policies below are known at preview time
# and every rule can read them before anything is deployed.
prefix = f"edtech-{env}-{caller.account_id}"

# One customer-managed key for every store: rotated, usable only by this account's principals.
records_key = aws.kms.Key(
    "records-key",
    description="Customer-managed key for student records",
    enable_key_rotation=True,
    deletion_window_in_days=30,
    policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AccountAdministers",
            "Effect": "Allow",
            "Principal": {"AWS": account_root},
            "Action": "kms:*",
            "Resource": "*",
        }, {
            "Sid": "ServicesInThisAccount",
            "Effect": "Allow",
            "Principal": {"Service": ["logs.amazonaws.com", "sqs.amazonaws.com", "cloudfront.amazonaws.com"]},
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": caller.account_id}},
        }],
    }),
    tags=tags,
)
aws.kms.Alias("records-key-alias", name=f"alias/edtech-records-{env}", target_key_id=records_key.key_id)


def tls_only_policy(service: str, resources: list[str]) -> str:
    """A resource policy that refuses every request made without TLS."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyPlaintextTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": f"{service}:*",
            "Resource": resources,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }],
    })


def private_bucket(name: str, *, kms: bool, log_target: aws.s3.Bucket | None) -> aws.s3.Bucket:
    """A bucket with all four public-access blocks, versioning, a TLS-only policy and (for data) a CMK."""
    bucket_name = f"{prefix}-{name}"
    bucket_arn = f"arn:aws:s3:::{bucket_name}"
    bucket = aws.s3.Bucket(name, bucket=bucket_name, force_destroy=False, tags=tags)
    aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access-block",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    aws.s3.BucketOwnershipControls(
        f"{name}-ownership", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}
    )
    aws.s3.BucketVersioning(f"{name}-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
    encryption = (
        {"sse_algorithm": "aws:kms", "kms_master_key_id": records_key.arn}
        if kms
        # S3 server access logs can only be delivered to SSE-S3 buckets.
        else {"sse_algorithm": "AES256"}
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": encryption, "bucket_key_enabled": kms}],
    )
    if log_target is not None:
        aws.s3.BucketLogging(
            f"{name}-logging", bucket=bucket.id, target_bucket=log_target.id, target_prefix=f"{name}/"
        )
    aws.s3.BucketPolicy(
        f"{name}-policy",
        bucket=bucket.id,
        policy=tls_only_policy("s3", [bucket_arn, f"{bucket_arn}/*"]),
    )
    return bucket


access_logs = private_bucket("access-logs", kms=False, log_target=None)
transcripts = private_bucket("transcripts", kms=True, log_target=access_logs)
portal = private_bucket("portal", kms=True, log_target=access_logs)

grades = aws.dynamodb.Table(
    "grades",
    name=f"{prefix}-grades",
    billing_mode="PAY_PER_REQUEST",
    hash_key="studentId",
    range_key="courseId",
    attributes=[{"name": "studentId", "type": "S"}, {"name": "courseId", "type": "S"}],
    server_side_encryption={"enabled": True, "kms_key_arn": records_key.arn},
    point_in_time_recovery={"enabled": True},
    deletion_protection_enabled=True,
    tags=tags,
)

enrolment_dlq = aws.sqs.Queue(
    "enrolment-events-dlq",
    name=f"{prefix}-enrolment-events-dlq",
    kms_master_key_id=records_key.arn,
    message_retention_seconds=1209600,
    tags=tags,
)
enrolment_events = aws.sqs.Queue(
    "enrolment-events",
    name=f"{prefix}-enrolment-events",
    kms_master_key_id=records_key.arn,
    kms_data_key_reuse_period_seconds=300,
    redrive_policy=enrolment_dlq.arn.apply(lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 5})),
    tags=tags,
)
for queue_name, queue in (("enrolment-events", enrolment_events), ("enrolment-events-dlq", enrolment_dlq)):
    aws.sqs.QueuePolicy(
        f"{queue_name}-tls-only",
        queue_url=queue.url,
        policy=tls_only_policy("sqs", [f"arn:aws:sqs:{region}:{caller.account_id}:{prefix}-{queue_name}"]),
    )

notifications = aws.sns.Topic(
    "enrolment-notifications", name=f"{prefix}-enrolment-notifications", kms_master_key_id=records_key.arn, tags=tags
)
aws.sns.TopicPolicy(
    "enrolment-notifications-tls-only",
    arn=notifications.arn,
    policy=tls_only_policy("sns", [f"arn:aws:sns:{region}:{caller.account_id}:{prefix}-enrolment-notifications"]),
)

api_role = aws.iam.Role(
    "grades-api-role",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }),
    tags=tags,
)
aws.iam.RolePolicy(
    "grades-api-access",
    role=api_role.id,
    policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
             "Resource": f"arn:aws:dynamodb:{region}:{caller.account_id}:table/{prefix}-grades"},
            {"Effect": "Allow", "Action": ["sqs:SendMessage"],
             "Resource": f"arn:aws:sqs:{region}:{caller.account_id}:{prefix}-enrolment-events"},
            # The key's ARN is only known once it exists; the grant is limited to use through these services.
            {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
             "Condition": {"StringEquals": {"kms:ViaService": [f"dynamodb.{region}.amazonaws.com",
                                                               f"sqs.{region}.amazonaws.com"]}}},
            {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": f"arn:aws:logs:{region}:{caller.account_id}:log-group:/aws/lambda/grades-api-{env}:*"},
        ],
    }),
)

function_logs = aws.cloudwatch.LogGroup(
    "grades-api-logs", name=f"/aws/lambda/grades-api-{env}", retention_in_days=400, kms_key_id=records_key.arn,
    tags=tags,
)
grades_api = aws.lambda_.Function(
    "grades-api",
    name=f"grades-api-{env}",
    runtime="python3.12",
    handler="handler.main",
    code=pulumi.AssetArchive({"handler.py": pulumi.StringAsset("def main(event, context):\n    return {}\n")}),
    role=api_role.arn,
    kms_key_arn=records_key.arn,
    environment={"variables": {"GRADES_TABLE": grades.name, "EVENTS_QUEUE_URL": enrolment_events.url}},
    tracing_config={"mode": "Active"},
    opts=pulumi.ResourceOptions(depends_on=[function_logs]),
    tags=tags,
)

# Staff sign in through Cognito; the HTTP API accepts only their JWTs.
staff = aws.cognito.UserPool(
    "staff",
    mfa_configuration="ON",
    software_token_mfa_configuration={"enabled": True},
    password_policy={"minimum_length": 14, "require_lowercase": True, "require_uppercase": True,
                     "require_numbers": True, "require_symbols": True},
    tags=tags,
)
staff_client = aws.cognito.UserPoolClient("staff-portal", user_pool_id=staff.id, generate_secret=False)

api = aws.apigatewayv2.Api("grades-http-api", protocol_type="HTTP", tags=tags)
authorizer = aws.apigatewayv2.Authorizer(
    "staff-jwt",
    api_id=api.id,
    authorizer_type="JWT",
    identity_sources=["$request.header.Authorization"],
    jwt_configuration={
        "audiences": [staff_client.id],
        "issuer": staff.endpoint.apply(lambda endpoint: f"https://{endpoint}"),
    },
)
integration = aws.apigatewayv2.Integration(
    "grades-lambda",
    api_id=api.id,
    integration_type="AWS_PROXY",
    integration_uri=grades_api.invoke_arn,
    payload_format_version="2.0",
)
for route_key in ("GET /grades/{studentId}", "POST /grades"):
    aws.apigatewayv2.Route(
        f"route-{route_key.split()[0].lower()}",
        api_id=api.id,
        route_key=route_key,
        target=integration.id.apply(lambda integration_id: f"integrations/{integration_id}"),
        authorization_type="JWT",
        authorizer_id=authorizer.id,
    )
api_logs_name = f"/aws/apigateway/grades-http-api-{env}"
api_logs = aws.cloudwatch.LogGroup(
    "grades-http-api-access-logs", name=api_logs_name, retention_in_days=400, kms_key_id=records_key.arn, tags=tags
)
aws.apigatewayv2.Stage(
    "grades-http-api-stage",
    api_id=api.id,
    name="$default",
    auto_deploy=True,
    access_log_settings={
        "destination_arn": f"arn:aws:logs:{region}:{caller.account_id}:log-group:{api_logs_name}",
        "format": json.dumps({"requestId": "$context.requestId", "ip": "$context.identity.sourceIp",
                              "route": "$context.routeKey", "status": "$context.status",
                              "user": "$context.authorizer.claims.sub"}),
    },
    opts=pulumi.ResourceOptions(depends_on=[api_logs]),
    tags=tags,
)
aws.lambda_.Permission(
    "http-api-invokes-grades",
    action="lambda:InvokeFunction",
    function=grades_api.name,
    principal="apigateway.amazonaws.com",
    source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/*"),
)

# The portal's static files, served only through CloudFront with origin access control.
portal_oac = aws.cloudfront.OriginAccessControl(
    "portal-oac",
    origin_access_control_origin_type="s3",
    signing_behavior="always",
    signing_protocol="sigv4",
)
certificate_arn = config.get("certificateArn") or (
    f"arn:aws:acm:us-east-1:{caller.account_id}:certificate/00000000-0000-0000-0000-000000000000"
)
aws.cloudfront.Distribution(
    "portal-cdn",
    enabled=True,
    default_root_object="index.html",
    aliases=[config.get("portalDomain") or "portal.example.edu"],
    origins=[{
        "origin_id": "portal-s3",
        "domain_name": f"{prefix}-portal.s3.{region}.amazonaws.com",
        "origin_access_control_id": portal_oac.id,
    }],
    default_cache_behavior={
        "target_origin_id": "portal-s3",
        "viewer_protocol_policy": "redirect-to-https",
        "allowed_methods": ["GET", "HEAD"],
        "cached_methods": ["GET", "HEAD"],
        "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        "compress": True,
    },
    viewer_certificate={
        "acm_certificate_arn": certificate_arn,
        "ssl_support_method": "sni-only",
        "minimum_protocol_version": "TLSv1.2_2021",
    },
    restrictions={"geo_restriction": {"restriction_type": "none"}},
    logging_config={"bucket": access_logs.bucket_domain_name, "prefix": "cloudfront/"},
    tags=tags,
)

# Daily backups of the grades table, kept in a vault under the records key.
backup_vault = aws.backup.Vault("records-vault", kms_key_arn=records_key.arn, tags=tags)
backup_plan = aws.backup.Plan(
    "records-daily",
    rules=[{
        "rule_name": "daily",
        "target_vault_name": backup_vault.name,
        "schedule": "cron(0 5 * * ? *)",
        "lifecycle": {"delete_after": 400},
    }],
    tags=tags,
)
backup_role = aws.iam.Role(
    "backup-role",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }),
    tags=tags,
)
aws.iam.RolePolicyAttachment(
    "backup-role-policy",
    role=backup_role.name,
    policy_arn="arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
)
aws.backup.Selection(
    "records-selection", plan_id=backup_plan.id, iam_role_arn=backup_role.arn, resources=[grades.arn]
)

pulumi.export("api_endpoint", api.api_endpoint)
pulumi.export("grades_table", grades.name)
