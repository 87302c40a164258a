resource "aws_s3_bucket" "also_fine" {
  bucket = aws_s3_bucket.fine.bucket
}
