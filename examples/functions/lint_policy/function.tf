variable "policy" {
  type = string
}

locals {
  lint_errors = [for f in provider::s3access::lint_policy(var.policy) : "${f.code}: ${f.message}" if f.severity == "error"]
}

check "policy_lints_clean" {
  assert {
    condition     = length(local.lint_errors) == 0
    error_message = join("\n", local.lint_errors)
  }
}
