import pulumi
import pulumi_aws as aws


class Inner(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ferpa:net:Inner", name, None, opts)
        self.vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block="10.1.0.0/16", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"vpcId": self.vpc.id})


class Network(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("ferpa:net:Network", name)
        self.inner = Inner(f"{name}-inner", pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


east = aws.Provider("east", region="us-east-2")
network = Network("net")
identity = aws.get_caller_identity()
region = aws.get_region()
zones = aws.get_availability_zones()
doc = aws.iam.get_policy_document(statements=[{"actions": ["s3:GetObject"], "resources": ["*"]}])
aws.s3.Bucket("logs", bucket=f"logs-{identity.account_id}-{region.region}", opts=pulumi.ResourceOptions(provider=east))
pulumi.export("zones", zones.names)
pulumi.export("policy", doc.json)
pulumi.export("partition", aws.get_partition().partition)
