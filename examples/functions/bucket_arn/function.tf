output "bucket_arn" {
  value = provider::s3access::bucket_arn("build-artifacts") # arn:aws:s3:::build-artifacts
}
