# Cause 5 (spec T91, T92): the object is encrypted with SSE-KMS and the caller lacks kms:Decrypt.
# S3 calls KMS on the caller's behalf; the key policy delegates to the account's IAM policies
# (the default key policy), so the identity policy must allow kms:Decrypt on the key.

locals {
  key_arn = "arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111"
  default_key_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EnableIAMUserPermissions"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
  read_ledger = { Sid = "ReadLedger", Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::ledger/*" }
}

data "s3access_check" "kms_no_decrypt" {
  principal           = local.app_role
  action              = "s3:GetObject"
  bucket              = "ledger"
  bucket_account_id   = local.account_a
  key                 = "2024/01.json"
  block_public_access = local.no_bpa
  identity_policies   = [jsonencode({ Version = "2012-10-17", Statement = [local.read_ledger] })]
  encryption          = { sse = "aws:kms", kms_key_arn = local.key_arn, key_policy = local.default_key_policy }

  lifecycle {
    postcondition {
      condition     = self.decision == "implicit_deny" && self.deciding_layer == "kms"
      error_message = "expected an implicit deny by the kms layer:\n${self.explanation}"
    }
  }
}

data "s3access_check" "kms_decrypt_added" {
  principal           = local.app_role
  action              = "s3:GetObject"
  bucket              = "ledger"
  bucket_account_id   = local.account_a
  key                 = "2024/01.json"
  block_public_access = local.no_bpa
  identity_policies = [jsonencode({
    Version = "2012-10-17"
    Statement = [
      local.read_ledger,
      { Sid = "DecryptLedger", Effect = "Allow", Action = "kms:Decrypt", Resource = local.key_arn },
    ]
  })]
  encryption = { sse = "aws:kms", kms_key_arn = local.key_arn, key_policy = local.default_key_policy }

  lifecycle {
    postcondition {
      condition     = self.allowed
      error_message = self.explanation
    }
  }
}
