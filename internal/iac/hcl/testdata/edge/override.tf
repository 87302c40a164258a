resource "aws_s3_bucket" "over" {
  bucket = "overridden"
  versioning {
    enabled = true
  }
}
