"""Policy documents given as dicts, which pulumi-aws accepts (its outputs are JSON strings)."""

import pulumi_aws as aws

role = aws.iam.Role(
    "task",
    assume_role_policy={
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}
        ],
    },
)
aws.iam.RolePolicy(
    "task-everything",
    role=role.id,
    policy={"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
)
bucket = aws.s3.Bucket("records")
aws.s3.BucketPolicy(
    "records",
    bucket=bucket.id,
    policy=bucket.arn.apply(lambda arn: {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"],
                       "Condition": {"Bool": {"aws:SecureTransport": "false"}}}],
    }),
)
# The output the provider returns is a string: programs parse it.
role.assume_role_policy.apply(lambda text: text.startswith("{") or (_ for _ in ()).throw(ValueError(text)))
