# Quickstart: the classic causes of S3 "403 Access Denied", each decided offline at plan time.
#
#   make demo        # builds the provider and runs `terraform plan` here
#
# No AWS account and no credentials are needed: only s3access data sources, which evaluate the
# policies written below without contacting AWS.
#
# Every scenario has a broken configuration, whose postcondition asserts that the check finds the
# cause (the decision and the layer that decided), and a fixed one, whose postcondition asserts that
# the request is allowed. Those pass silently. One `check` block (in 2-bucket-vs-object-arn.tf)
# fails on purpose: a check block only warns, so the plan succeeds and prints its explanation.

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

locals {
  account_a = "111111111111" # owns every bucket here
  account_b = "222222222222" # a partner account

  app_role = "arn:aws:sts::111111111111:assumed-role/app/i-0abc" # a session of role "app"
  alice    = "arn:aws:iam::111111111111:user/alice"

  # Scenarios that are not about Block Public Access use a bucket without it.
  no_bpa = {
    block_public_acls       = false
    ignore_public_acls      = false
    block_public_policy     = false
    restrict_public_buckets = false
  }
  office = { "aws:SourceIp" = ["198.51.100.7"] }
}

output "decisions" {
  description = "Decision and deciding layer of every broken scenario."
  value = {
    missing_identity_permission = "${data.s3access_check.missing_permission.decision} (${data.s3access_check.missing_permission.deciding_layer})"
    bucket_vs_object_arn        = "${data.s3access_check.object_on_bucket_arn.decision} (${data.s3access_check.object_on_bucket_arn.deciding_layer})"
    source_ip_deny              = [for r in data.s3access_checks.office_only.results : "${r.decision} (${r.deciding_layer})"]
    block_public_access         = "${data.s3access_check.website_blocked.decision} (${data.s3access_check.website_blocked.deciding_layer})"
    sse_kms_without_decrypt     = "${data.s3access_check.kms_no_decrypt.decision} (${data.s3access_check.kms_no_decrypt.deciding_layer})"
    cross_account_objectwriter  = "${data.s3access_check.uploaded_by_partner.decision} (${data.s3access_check.uploaded_by_partner.deciding_layer})"
  }
}

output "fixed" {
  description = "Every fixed scenario, as its postcondition verified."
  value = {
    permission_added           = data.s3access_check.permission_added.allowed
    object_arn_fixed           = data.s3access_check.object_arn_fixed.allowed
    office_only_as_expected    = data.s3access_checks.office_only.all_as_expected
    website_public_as_expected = data.s3access_checks.website_public.all_as_expected
    kms_decrypt_added          = data.s3access_check.kms_decrypt_added.allowed
    uploaded_with_full_control = data.s3access_check.uploaded_with_full_control.allowed
  }
}
