resource "aws_s3_bucket" "ok" {
  bucket = "still-read"
}
