# Disable ACLs. If the bucket ACL grants access to other accounts, the plan
# fails and lists them, unless migrate_acl_grants writes equivalent
# bucket-policy statements first.
resource "s3access_ownership_controls" "data" {
  bucket             = "example-data-bucket"
  object_ownership   = "BucketOwnerEnforced"
  migrate_acl_grants = true
}
