# Cause 3 (spec T42-T44): a bucket-policy Deny with NotIpAddress aws:SourceIp. Requests from the
# office are allowed; from anywhere else, and through a VPC endpoint (no aws:SourceIp at all), the
# Deny applies: a negated condition operator on a missing key is true.

data "s3access_checks" "office_only" {
  bucket              = "finance"
  bucket_account_id   = local.account_a
  block_public_access = local.no_bpa
  bucket_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OfficeOnly"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::finance", "arn:aws:s3:::finance/*"]
      Condition = { NotIpAddress = { "aws:SourceIp" = "198.51.100.0/24" } }
    }]
  })

  principals = {
    (local.alice) = {
      identity_policies = [jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::finance/*" }]
      })]
    }
  }

  requests = [
    { principal = local.alice, action = "s3:GetObject", key = "q1.xlsx", context = local.office, expect = "allowed" },
    { principal = local.alice, action = "s3:GetObject", key = "q1.xlsx", context = { "aws:SourceIp" = ["203.0.113.10"] }, expect = "denied" },
    { principal = local.alice, action = "s3:GetObject", key = "q1.xlsx", context = { "aws:SourceVpce" = ["vpce-1a2b"] }, expect = "denied" },
  ]

  lifecycle {
    postcondition {
      condition     = self.all_as_expected && alltrue([for r in slice(self.results, 1, 3) : r.deciding_layer == "bucket_policy"])
      error_message = join("\n", self.failures)
    }
  }
}
