"""Data sources read by public programs; offline, each must answer without breaking the program."""

import pulumi
import pulumi_aws as aws

identity = aws.get_caller_identity()
region = aws.get_region()
partition = aws.get_partition()
zones = aws.get_availability_zones(state="available")
ami = aws.ec2.get_ami(
    most_recent=True, owners=["amazon"], filters=[{"name": "name", "values": ["al2023-ami-*-x86_64"]}]
)
zone = aws.route53.get_zone(name="example.org")
default_vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [default_vpc.id]}])
# Not among the hand-written answers: the result type's fields decide its shape.
key = aws.kms.get_alias(name="alias/aws/s3")

bucket = aws.s3.Bucket("uploads")
# Plain-form data source over a value that is unknown during preview.
read_uploads = aws.iam.get_policy_document(
    statements=[{"actions": ["s3:GetObject"], "resources": [bucket.arn.apply(lambda arn: f"{arn}/*")]}]
)
aws.iam.Policy("read-uploads", policy=read_uploads.json)
# Output form over the same unknown value.
list_uploads = aws.iam.get_policy_document_output(
    statements=[{"actions": ["s3:ListBucket"], "resources": [bucket.arn]}]
)
aws.iam.Policy("list-uploads", policy=list_uploads.json)

aws.ec2.Instance(
    "web",
    ami=ami.id,
    instance_type="t3.micro",
    subnet_id=subnets.ids[0],
    availability_zone=zones.names[1],
)
aws.ec2.SecurityGroup("web", vpc_id=default_vpc.id, description=f"web in {region.name}")
aws.route53.Record("www", zone_id=zone.zone_id, name=f"www.{zone.name}", type="A", ttl=300, records=["192.0.2.10"])
aws.sns.Topic("uploads", kms_master_key_id=key.arn)
pulumi.export("account", identity.account_id)
pulumi.export("partition", partition.partition)
