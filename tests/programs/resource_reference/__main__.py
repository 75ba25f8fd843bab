"""Resource objects passed where an input wants their id or name, as public programs do."""

import json

import pulumi
import pulumi_aws as aws

role = aws.iam.Role(
    "worker",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}
        ],
    }),
)
aws.iam.RolePolicyAttachment(
    "worker-logs", role=role, policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
)

handler = aws.lambda_.Function(
    "handler",
    role=role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return 200\n")}),
)
aws.lambda_.Permission("invoke", action="lambda:InvokeFunction", function=handler, principal="s3.amazonaws.com")

vpc = aws.ec2.Vpc("net", cidr_block="10.1.0.0/16")
aws.ec2.SecurityGroup("app", vpc_id=vpc, description="app tier")
aws.ec2.Subnet("private", vpc_id=vpc, cidr_block="10.1.1.0/24")
