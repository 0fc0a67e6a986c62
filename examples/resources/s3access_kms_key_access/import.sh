# Import by key ARN and Sid.
terraform import s3access_kms_key_access.uploader "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab/S3AccessKeyAccess example-encrypted-bucket write"
