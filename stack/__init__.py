"""The reference stack: the seed's FERPA student-records system built the way
its own post-mortem recommended ("Option B"): API Gateway -> VPC Link ->
internal NLB (TLS) -> ECS Fargate in private subnets -> Aurora PostgreSQL
Serverless v2, ElastiCache Redis, Kinesis and EFS, every store under a
customer-managed KMS key of the stack."""
