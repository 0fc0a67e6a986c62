# Let the application role read objects under app/, without touching the
# other statements of the bucket policy (managed elsewhere or by hand).
resource "s3access_bucket_policy_statement" "app_read" {
  bucket = "example-config-bucket"
  sid    = "AppRead"
  statement = jsonencode({
    Effect    = "Allow"
    Principal = { AWS = "arn:aws:iam::123456789012:role/app" }
    Action    = ["s3:GetObject"]
    Resource  = "arn:aws:s3:::example-config-bucket/app/*"
  })
}

# A second statement on the same bucket: both land in one apply.
resource "s3access_bucket_policy_statement" "deny_insecure_transport" {
  bucket = "example-config-bucket"
  sid    = "DenyInsecureTransport"
  statement = jsonencode({
    Effect    = "Deny"
    Principal = "*"
    Action    = "s3:*"
    Resource  = ["arn:aws:s3:::example-config-bucket", "arn:aws:s3:::example-config-bucket/*"]
    Condition = { Bool = { "aws:SecureTransport" = "false" } }
  })
}
