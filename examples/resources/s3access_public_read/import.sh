# Import by bucket name (default Sid S3AccessPublicRead) or bucket/sid.
terraform import s3access_public_read.site example-website-bucket
