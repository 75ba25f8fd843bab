"""A multi-language component (as awsx and eks ship): a provider plugin builds its children."""

import pulumi
import pulumi_aws as aws


class Cluster(pulumi.ComponentResource):
    """What `pulumi_eks.Cluster` or `pulumi_awsx.ec2.Vpc` do: register as a remote component."""

    def __init__(self, name: str, props: dict, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks:index:Cluster", name, {**props, "kubeconfig": None}, opts, remote=True)


vpc = aws.ec2.Vpc("cluster-net", cidr_block="10.2.0.0/16")
cluster = Cluster("records", {"vpcId": vpc.id, "instanceType": "t3.medium"})
pulumi.export("kubeconfig", cluster.kubeconfig)
