# A statement is imported by bucket and Sid.
terraform import s3access_bucket_policy_statement.app_read example-config-bucket/AppRead
