# Can the app role's sessions read their settings file? Decided offline at plan time.
data "s3access_check" "app_reads_config" {
  principal = "arn:aws:sts::111111111111:assumed-role/app/i-0abc"
  action    = "s3:GetObject"
  bucket    = "config"
  key       = "app/settings.json"

  identity_policies = [jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ReadSettings"
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Resource = "arn:aws:s3:::config/app/*"
    }]
  })]

  bucket_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OfficeOnly"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::config", "arn:aws:s3:::config/*"]
      Condition = { NotIpAddress = { "aws:SourceIp" = "198.51.100.0/24" } }
    }]
  })

  # The request comes from the office network.
  context = {
    "aws:SourceIp" = ["198.51.100.7"]
  }

  lifecycle {
    postcondition {
      condition     = self.allowed
      error_message = self.explanation
    }
  }
}

output "app_reads_config" {
  value = {
    decision       = data.s3access_check.app_reads_config.decision
    deciding_layer = data.s3access_check.app_reads_config.deciding_layer
  }
}
