data "s3access_bucket_exposure" "website" {
  bucket            = "www.example.com"
  bucket_account_id = "111111111111"
  bucket_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PublicRead"
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::www.example.com/*"
    }]
  })
  # Only the policy settings are lifted; ACL blocks stay on.
  block_public_access = {
    block_public_acls       = true
    ignore_public_acls      = true
    block_public_policy     = false
    restrict_public_buckets = false
  }

  lifecycle {
    postcondition {
      condition     = !contains(self.public_actions, "s3:PutObject") && length(self.public_acl_grants) == 0
      error_message = "the website bucket must only be publicly readable"
    }
  }
}

output "website_public" {
  value = data.s3access_bucket_exposure.website.is_public
}
