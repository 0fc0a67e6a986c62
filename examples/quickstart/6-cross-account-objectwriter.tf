# Cause 6 (spec T82-T87): a partner account uploads into our bucket under Object Ownership
# ObjectWriter without an ACL. The partner owns the object; only its ACL can grant us access, so
# even the bucket owner's admin is refused. Fixes: BucketOwnerEnforced (ACLs disabled, the bucket
# owner owns every object) or uploads with bucket-owner-full-control.

locals {
  admin_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Admin", Effect = "Allow", Action = "s3:*", Resource = "*" }]
  })
}

data "s3access_check" "uploaded_by_partner" {
  principal               = local.alice
  action                  = "s3:GetObject"
  bucket                  = "inbox"
  bucket_account_id       = local.account_a
  key                     = "from-partner/batch-17.csv"
  identity_policies       = [local.admin_policy]
  block_public_access     = local.no_bpa
  object_ownership        = "ObjectWriter"
  object_owner_account_id = local.account_b
  object_acl              = { canned = "private" }

  lifecycle {
    postcondition {
      condition     = self.decision == "implicit_deny" && self.deciding_layer == "object_ownership"
      error_message = "expected an implicit deny by the object_ownership layer:\n${self.explanation}"
    }
  }
}

data "s3access_check" "uploaded_with_full_control" {
  principal               = local.alice
  action                  = "s3:GetObject"
  bucket                  = "inbox"
  bucket_account_id       = local.account_a
  key                     = "from-partner/batch-17.csv"
  identity_policies       = [local.admin_policy]
  block_public_access     = local.no_bpa
  object_ownership        = "ObjectWriter"
  object_owner_account_id = local.account_b
  object_acl              = { canned = "bucket-owner-full-control" }

  lifecycle {
    postcondition {
      condition     = self.allowed
      error_message = self.explanation
    }
  }
}
