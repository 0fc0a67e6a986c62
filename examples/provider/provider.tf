# Offline use (the default): no settings, no credentials, nothing contacted.
provider "s3access" {}

# Live reads (`live = true` on a check) use the AWS SDK's default credential chain, lazily.
provider "s3access" {
  alias   = "live"
  region  = "eu-west-1"
  profile = "audit"

  assume_role {
    role_arn     = "arn:aws:iam::123456789012:role/s3access-reader"
    session_name = "terraform-plan"
  }

  # Organizations policies are read only when asked (member accounts usually cannot read them).
  read_organization_policies = false
}

# A local S3-compatible server for tests.
provider "s3access" {
  alias             = "local"
  region            = "us-east-1"
  s3_use_path_style = true

  endpoints {
    s3  = "http://127.0.0.1:7070"
    iam = "http://127.0.0.1:7071"
    sts = "http://127.0.0.1:7071"
  }
}
