# Quickstart: `make demo` plans this configuration offline through a dev override of the provider.
# No AWS account and no credentials are needed: nothing here contacts AWS.
#
# Placeholder until the s3access_check data source lands; it will then hold real checks.

terraform {
  required_version = ">= 1.8.0"
  required_providers {
    s3access = {
      source = "s3access/s3access"
    }
  }
}

provider "s3access" {
  region = "us-east-1"
}

output "bucket_arn" {
  description = "The ARN that object and bucket checks evaluate against."
  value       = "arn:aws:s3:::example-config-bucket"
}
