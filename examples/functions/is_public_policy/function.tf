variable "bucket_policy" {
  type = string
}

output "bucket_policy_is_public" {
  value = provider::s3access::is_public_policy(var.bucket_policy)
}

check "no_public_bucket_policy" {
  assert {
    condition     = !provider::s3access::is_public_policy(var.bucket_policy)
    error_message = "the bucket policy grants the public access"
  }
}
