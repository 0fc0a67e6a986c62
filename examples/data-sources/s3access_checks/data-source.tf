# One bucket, several principals, positive and negative assertions in one plan.
locals {
  bucket = "reports"
}

data "s3access_checks" "reports" {
  bucket            = local.bucket
  bucket_account_id = "111111111111"

  bucket_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PartnerReads"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::222222222222:role/partner" }
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::${local.bucket}/shared/*"
    }]
  })

  principals = {
    "arn:aws:iam::111111111111:role/writer" = {
      identity_policies = [jsonencode({
        Version = "2012-10-17"
        Statement = [{
          Effect   = "Allow"
          Action   = ["s3:PutObject", "s3:GetObject"]
          Resource = "arn:aws:s3:::${local.bucket}/*"
        }]
      })]
    }
    "arn:aws:sts::222222222222:assumed-role/partner/nightly" = {
      identity_policies = [jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
      })]
    }
  }

  requests = [
    { principal = "arn:aws:iam::111111111111:role/writer", action = "s3:PutObject", key = "daily/2024-01-01.csv", expect = "allowed" },
    { principal = "arn:aws:sts::222222222222:assumed-role/partner/nightly", action = "s3:GetObject", key = "shared/summary.csv", expect = "allowed" },
    # Negative assertions: the partner must not read private reports, the public must not read anything.
    { principal = "arn:aws:sts::222222222222:assumed-role/partner/nightly", action = "s3:GetObject", key = "daily/2024-01-01.csv", expect = "denied" },
    { principal = "anonymous", action = "s3:GetObject", key = "shared/summary.csv", expect = "denied" },
    { principal = "anonymous", action = "s3:ListBucket", expect = "denied" },
  ]
}

check "reports_access" {
  assert {
    condition     = data.s3access_checks.reports.all_as_expected
    error_message = join("\n", data.s3access_checks.reports.failures)
  }
}
