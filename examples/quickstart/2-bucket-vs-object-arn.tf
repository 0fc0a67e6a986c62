# Cause 2 (spec 2.1, T112): object actions are granted on the bucket ARN. s3:GetObject needs
# arn:aws:s3:::bucket/* (objects); arn:aws:s3:::bucket only covers bucket actions such as s3:ListBucket.

locals {
  # The classic mistake: one statement, one resource, both kinds of actions.
  bucket_arn_only = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ReadArtifacts"
      Effect   = "Allow"
      Action   = ["s3:ListBucket", "s3:GetObject"]
      Resource = "arn:aws:s3:::build-artifacts"
    }]
  })
  bucket_and_objects = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ReadArtifacts"
      Effect   = "Allow"
      Action   = ["s3:ListBucket", "s3:GetObject"]
      Resource = ["arn:aws:s3:::build-artifacts", "arn:aws:s3:::build-artifacts/*"]
    }]
  })
}

data "s3access_check" "object_on_bucket_arn" {
  principal           = local.app_role
  action              = "s3:GetObject"
  bucket              = "build-artifacts"
  bucket_account_id   = local.account_a
  key                 = "releases/v1.2.3.tar.gz"
  identity_policies   = [local.bucket_arn_only]
  block_public_access = local.no_bpa

  lifecycle {
    postcondition {
      condition     = self.decision == "implicit_deny" && self.deciding_layer == "identity"
      error_message = "expected an implicit deny by the identity layer:\n${self.explanation}"
    }
  }
}

data "s3access_check" "object_arn_fixed" {
  principal           = local.app_role
  action              = "s3:GetObject"
  bucket              = "build-artifacts"
  bucket_account_id   = local.account_a
  key                 = "releases/v1.2.3.tar.gz"
  identity_policies   = [local.bucket_and_objects]
  block_public_access = local.no_bpa

  lifecycle {
    postcondition {
      condition     = self.allowed
      error_message = self.explanation
    }
  }
}

# The deliberately failing check of the demo: the deploy role's policy still has the mistake.
# A check block reports a warning with the explanation and does not stop the plan.
check "deploy_role_reads_artifacts" {
  data "s3access_check" "deploy" {
    principal           = "arn:aws:sts::111111111111:assumed-role/deploy/pipeline"
    action              = "s3:GetObject"
    bucket              = "build-artifacts"
    bucket_account_id   = local.account_a
    key                 = "releases/v1.2.3.tar.gz"
    identity_policies   = [local.bucket_arn_only]
    block_public_access = local.no_bpa
  }

  assert {
    condition     = data.s3access_check.deploy.allowed
    error_message = data.s3access_check.deploy.explanation
  }
}
