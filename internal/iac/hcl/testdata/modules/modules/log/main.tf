variable "bucket" {
  type = string
}

resource "aws_s3_bucket_logging" "this" {
  bucket        = var.bucket
  target_bucket = "central-logs"
  target_prefix = "${path.module}/"
}
