# Cause 4 (spec T55, T56): a public-read website policy under Block Public Access. New buckets have
# all four BPA settings on; RestrictPublicBuckets then refuses anonymous requests despite the policy.

locals {
  website_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PublicRead"
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::www.example.com/*"
    }]
  })
}

data "s3access_check" "website_blocked" {
  principal         = "anonymous"
  action            = "s3:GetObject"
  bucket            = "www.example.com"
  bucket_account_id = local.account_a
  key               = "index.html"
  bucket_policy     = local.website_policy
  # block_public_access unset: all four settings true, the AWS default.

  lifecycle {
    postcondition {
      condition     = !self.allowed && self.deciding_layer == "block_public_access"
      error_message = "expected Block Public Access to refuse:\n${self.explanation}"
    }
  }
}

# Fixed: lift only the policy settings, keep the ACL blocks. And the public still cannot write or list.
data "s3access_checks" "website_public" {
  bucket            = "www.example.com"
  bucket_account_id = local.account_a
  bucket_policy     = local.website_policy
  block_public_access = {
    block_public_acls       = true
    ignore_public_acls      = true
    block_public_policy     = false
    restrict_public_buckets = false
  }

  requests = [
    { principal = "anonymous", action = "s3:GetObject", key = "index.html", expect = "allowed" },
    { principal = "anonymous", action = "s3:PutObject", key = "index.html", expect = "denied" },
    { principal = "anonymous", action = "s3:ListBucket", expect = "denied" },
  ]

  lifecycle {
    postcondition {
      condition     = self.all_as_expected
      error_message = join("\n", self.failures)
    }
  }
}
