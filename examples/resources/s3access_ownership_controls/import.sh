# Import by bucket name.
terraform import s3access_ownership_controls.data example-data-bucket
