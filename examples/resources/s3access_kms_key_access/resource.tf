# Let a role write SSE-KMS objects to one bucket through S3: kms:GenerateDataKey
# and kms:Decrypt, only via s3.eu-west-1.amazonaws.com and only for this bucket.
resource "s3access_kms_key_access" "uploader" {
  key_arn            = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  principal          = "arn:aws:iam::123456789012:role/uploader"
  bucket             = "example-encrypted-bucket"
  access             = "write"
  bucket_key_enabled = true
}
