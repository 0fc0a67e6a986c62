# A partner role reads two prefixes of an SSE-KMS bucket.
data "s3access_policy_document" "partner_read" {
  bucket        = "reports"
  prefixes      = ["2024/", "shared/"]
  access        = "read"
  kms_key_arn   = "arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111"
  principal_arn = "arn:aws:iam::222222222222:role/reader"
}

# In the partner account: attach to the role.
output "identity_policy" {
  value = data.s3access_policy_document.partner_read.identity_policy_json
}

# In the bucket owner's account: merge into the bucket policy and the key policy.
output "bucket_policy" {
  value = jsonencode({
    Version   = "2012-10-17"
    Statement = jsondecode(data.s3access_policy_document.partner_read.bucket_policy_statement_json)
  })
}

output "key_policy_statements" {
  value = data.s3access_policy_document.partner_read.key_policy_statement_json
}
