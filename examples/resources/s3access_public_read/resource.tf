# Anyone may read objects under public/ and assets/ (never list, never write).
# Bucket-level block_public_policy / restrict_public_buckets are lifted only if
# on, and restored on destroy.
resource "s3access_public_read" "site" {
  bucket   = "example-website-bucket"
  prefixes = ["public/", "assets/"]
}
