import pulumi
import pulumi_aws as aws

PASSWORD = "correct-horse-battery-staple"
aws.secretsmanager.SecretVersion("db", secret_id="db", secret_string=pulumi.Output.secret(PASSWORD))
raise ValueError(f"refusing to deploy:\nthe password {PASSWORD} is weak")
