import pulumi_aws as aws
from api import build_api

nlb = aws.lb.LoadBalancer("nlb", load_balancer_type="network", internal=True)
build_api(nlb)
