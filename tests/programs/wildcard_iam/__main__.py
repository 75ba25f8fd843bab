"""The ECS task role given every action on every resource "to get it working":
any compromised container can read every student record in the account."""

import json

import pulumi
import pulumi_aws as aws

environment_suffix = pulumi.Config().get("environmentSuffix") or "dev"
tags = {"Environment": environment_suffix, "DataClassification": "FERPA"}

ecs_task_role = aws.iam.Role(
    f"student-ecs-task-role-{environment_suffix}",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    ),
    tags=tags,
)
aws.iam.RolePolicy(
    f"student-ecs-task-policy-{environment_suffix}",
    role=ecs_task_role.id,
    policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
)
