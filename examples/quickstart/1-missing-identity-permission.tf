# Cause 1 (spec T06, T08): the caller's identity policy does not grant the action.
# The role may list the bucket but nobody gave it s3:GetObject.

locals {
  list_only = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "List"
      Effect   = "Allow"
      Action   = "s3:ListBucket"
      Resource = "arn:aws:s3:::app-data"
    }]
  })
  list_and_read = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "List", Effect = "Allow", Action = "s3:ListBucket", Resource = "arn:aws:s3:::app-data" },
      { Sid = "Read", Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::app-data/*" },
    ]
  })
}

data "s3access_check" "missing_permission" {
  principal           = local.app_role
  action              = "s3:GetObject"
  bucket              = "app-data"
  bucket_account_id   = local.account_a
  key                 = "reports/today.csv"
  identity_policies   = [local.list_only]
  block_public_access = local.no_bpa

  lifecycle {
    postcondition {
      condition     = self.decision == "implicit_deny" && self.deciding_layer == "identity"
      error_message = "expected an implicit deny by the identity layer:\n${self.explanation}"
    }
  }
}

data "s3access_check" "permission_added" {
  principal           = local.app_role
  action              = "s3:GetObject"
  bucket              = "app-data"
  bucket_account_id   = local.account_a
  key                 = "reports/today.csv"
  identity_policies   = [local.list_and_read]
  block_public_access = local.no_bpa

  lifecycle {
    postcondition {
      condition     = self.allowed
      error_message = self.explanation
    }
  }
}
