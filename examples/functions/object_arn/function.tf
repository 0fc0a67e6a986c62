output "every_report" {
  value = provider::s3access::object_arn("build-artifacts", "reports/*") # arn:aws:s3:::build-artifacts/reports/*
}
