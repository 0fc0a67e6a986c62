# Stop the plan when a policy has a mistake that would cause a 403 (or an exposure) in production.
data "s3access_policy_lint" "app" {
  kind = "identity"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ReadArtifacts"
      Effect   = "Allow"
      Action   = ["s3:ListBucket", "s3:GetObject"]
      Resource = ["arn:aws:s3:::build-artifacts", "arn:aws:s3:::build-artifacts/*"]
    }]
  })

  lifecycle {
    postcondition {
      condition     = self.error_count == 0
      error_message = join("\n", [for f in self.findings : "statement ${f.statement_index} ${f.code}: ${f.message} Fix: ${f.fix}"])
    }
  }
}

# A bucket policy, with cross-account checks.
data "s3access_policy_lint" "bucket" {
  kind              = "bucket"
  bucket_account_id = "111111111111"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PartnerUpload"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::222222222222:role/uploader" }
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::inbox/from-partner/*"
      Condition = { StringEquals = { "s3:x-amz-acl" = "bucket-owner-full-control" } }
    }]
  })
}

output "bucket_policy_findings" {
  value = [for f in data.s3access_policy_lint.bucket.findings : "${f.severity} ${f.code}"]
}
