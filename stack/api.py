"""The edge: a regional REST API, IAM-authorised, that reaches the internal NLB
only through a VPC Link over TLS; access-logged, WAF-protected stage."""

from __future__ import annotations

import hashlib
import json

import pulumi
import pulumi_aws as aws

from .compute import Compute
from .config import StackConfig
from .documents import Account
from .observability import Observability
from .roles import service_role

STAGE = "prod"
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "caller": "$context.identity.caller",
        "user": "$context.identity.user",
        "userArn": "$context.identity.userArn",
        "sourceIp": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "integrationStatus": "$context.integration.status",
    }
)


def _managed_rule(name: str, priority: int) -> aws.wafv2.WebAclRuleArgs:
    return aws.wafv2.WebAclRuleArgs(
        name=name,
        priority=priority,
        override_action=aws.wafv2.WebAclRuleOverrideActionArgs(none=aws.wafv2.WebAclRuleOverrideActionNoneArgs()),
        statement=aws.wafv2.WebAclRuleStatementArgs(
            managed_rule_group_statement=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs(
                name=name, vendor_name="AWS"
            )
        ),
        visibility_config=aws.wafv2.WebAclRuleVisibilityConfigArgs(
            cloudwatch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
        ),
    )


def _rate_limit_rule(priority: int) -> aws.wafv2.WebAclRuleArgs:
    return aws.wafv2.WebAclRuleArgs(
        name="rate-limit-per-ip",
        priority=priority,
        action=aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs()),
        statement=aws.wafv2.WebAclRuleStatementArgs(
            rate_based_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementArgs(
                limit=2000, aggregate_key_type="IP"
            )
        ),
        visibility_config=aws.wafv2.WebAclRuleVisibilityConfigArgs(
            cloudwatch_metrics_enabled=True, metric_name="rate-limit-per-ip", sampled_requests_enabled=True
        ),
    )


class Api(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        cfg: StackConfig,
        account: pulumi.Output[Account],
        compute: Compute,
        observability: Observability,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ferpaguard:reference:Api", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.rest_api = aws.apigateway.RestApi(
            cfg.name("student-api"),
            name=cfg.name("student-api"),
            description="Student records API (FERPA)",
            endpoint_configuration=aws.apigateway.RestApiEndpointConfigurationArgs(types="REGIONAL"),
            tags=cfg.tags_for("student-api"),
            opts=child,
        )
        in_api = pulumi.ResourceOptions(parent=self.rest_api)
        self.vpc_link = aws.apigateway.VpcLink(
            cfg.name("student-vpc-link"),
            name=cfg.name("student-vpc-link"),
            description="Private path from API Gateway to the internal NLB",
            target_arn=compute.load_balancer.arn,
            tags=cfg.tags_for("student-vpc-link"),
            opts=in_api,
        )
        students = aws.apigateway.Resource(
            cfg.name("student-api-students"),
            rest_api=self.rest_api.id,
            parent_id=self.rest_api.root_resource_id,
            path_part="students",
            opts=in_api,
        )
        method = aws.apigateway.Method(
            cfg.name("student-api-get-students"),
            rest_api=self.rest_api.id,
            resource_id=students.id,
            http_method="GET",
            authorization="AWS_IAM",
            opts=pulumi.ResourceOptions(parent=students),
        )
        backend_uri = f"https://{cfg.domain_name}/students"
        integration = aws.apigateway.Integration(
            cfg.name("student-api-integration"),
            rest_api=self.rest_api.id,
            resource_id=students.id,
            http_method=method.http_method,
            integration_http_method="GET",
            type="HTTP_PROXY",
            connection_type="VPC_LINK",
            connection_id=self.vpc_link.id,
            uri=backend_uri,
            timeout_milliseconds=29000,
            opts=pulumi.ResourceOptions(parent=method),
        )
        account_settings = self._account_logging_role(cfg, account)
        deployment = aws.apigateway.Deployment(
            cfg.name("student-api-deployment"),
            rest_api=self.rest_api.id,
            description="Student records API",
            triggers={"routes": hashlib.sha256(f"GET /students -> VPC_LINK {backend_uri}".encode()).hexdigest()},
            opts=pulumi.ResourceOptions(parent=self.rest_api, depends_on=[integration]),
        )
        self.access_log_group = observability.log_group(
            "student-api-access-logs", f"/aws/apigateway/{cfg.name('student-api')}/access", parent=self
        )
        self.stage = aws.apigateway.Stage(
            cfg.name("student-api-stage"),
            rest_api=self.rest_api.id,
            deployment=deployment.id,
            stage_name=STAGE,
            xray_tracing_enabled=True,
            access_log_settings=aws.apigateway.StageAccessLogSettingsArgs(
                destination_arn=self.access_log_group.arn, format=ACCESS_LOG_FORMAT
            ),
            tags=cfg.tags_for("student-api-stage"),
            opts=pulumi.ResourceOptions(parent=deployment, depends_on=[account_settings]),
        )
        aws.apigateway.MethodSettings(
            cfg.name("student-api-method-settings"),
            rest_api=self.rest_api.id,
            stage_name=self.stage.stage_name,
            method_path="*/*",
            settings=aws.apigateway.MethodSettingsSettingsArgs(
                metrics_enabled=True,
                logging_level="ERROR",
                data_trace_enabled=False,
                throttling_burst_limit=100,
                throttling_rate_limit=50,
            ),
            opts=pulumi.ResourceOptions(parent=self.stage),
        )
        self.web_acl = aws.wafv2.WebAcl(
            cfg.name("student-api-waf"),
            name=cfg.name("student-api-waf"),
            scope="REGIONAL",
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rules=[
                _managed_rule("AWSManagedRulesCommonRuleSet", 1),
                _managed_rule("AWSManagedRulesKnownBadInputsRuleSet", 2),
                _managed_rule("AWSManagedRulesSQLiRuleSet", 3),
                _rate_limit_rule(4),
            ],
            visibility_config=aws.wafv2.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True, metric_name=cfg.name("student-api-waf"), sampled_requests_enabled=True
            ),
            tags=cfg.tags_for("student-api-waf"),
            opts=child,
        )
        aws.wafv2.WebAclAssociation(
            cfg.name("student-api-waf-association"),
            resource_arn=self.stage.arn,
            web_acl_arn=self.web_acl.arn,
            opts=pulumi.ResourceOptions(parent=self.web_acl),
        )
        self.register_outputs({"invoke_url": self.stage.invoke_url})

    def _account_logging_role(self, cfg: StackConfig, account: pulumi.Output[Account]) -> aws.apigateway.Account:
        """API Gateway writes stage logs through one account-wide CloudWatch role."""
        role = service_role(cfg, "apigateway-cloudwatch-role", "apigateway.amazonaws.com", account, self)
        aws.iam.RolePolicyAttachment(
            cfg.name("apigateway-cloudwatch-managed"),
            role=role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
            opts=pulumi.ResourceOptions(parent=role),
        )
        return aws.apigateway.Account(
            cfg.name("apigateway-account"),
            cloudwatch_role_arn=role.arn,
            opts=pulumi.ResourceOptions(parent=self),
        )
