import pulumi_aws as aws


def build_api(nlb: aws.lb.LoadBalancer) -> aws.apigateway.VpcLink:
    return aws.apigateway.VpcLink(
        "link",
        target_arns=[nlb.arn],
    )
