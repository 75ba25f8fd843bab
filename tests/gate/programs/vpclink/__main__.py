import pulumi
import pulumi_aws as aws

print("hello from the program; the password is hunter2-not-a-real-password")
vpc = aws.ec2.Vpc("main", cidr_block="10.0.0.0/16", enable_dns_hostnames=True)
subnet = aws.ec2.Subnet("private", vpc_id=vpc.id, cidr_block="10.0.1.0/24")
nlb = aws.lb.LoadBalancer("nlb", load_balancer_type="network", internal=True, subnets=[subnet.id])
link = aws.apigateway.VpcLink("link", target_arn=nlb.arn, name="student-records")
secret = aws.secretsmanager.Secret("db", name="db-credentials")
aws.secretsmanager.SecretVersion(
    "db", secret_id=secret.id, secret_string=pulumi.Output.secret("hunter2-not-a-real-password")
)
pulumi.export("vpc_cidr", vpc.cidr_block)
pulumi.export("link", link.id)
