import pulumi
import pulumi_aws as aws

config = pulumi.Config()
aws_config = pulumi.Config("aws")
bucket = aws.s3.Bucket(
    "records",
    bucket=f"{config.require('bucketPrefix')}-{aws_config.require('region')}",
    tags=config.require_object("tags") | {"retention": str(config.require_int("retentionDays"))},
)
password = config.get_secret("dbPassword")
if password is not None:
    aws.secretsmanager.SecretVersion("db", secret_id="db", secret_string=password)
pulumi.export("versioned", config.require_bool("versioned"))
pulumi.export("region", aws.get_region().region)
aws.ssm.Parameter("token", type="SecureString", value=config.require_secret("apiToken"))
