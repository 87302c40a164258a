provider "aws" {
  region = "eu-west-1"
}

resource "aws_kms_key" "logs" {
  description         = "${var.env} logs"
  enable_key_rotation = true
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    status = local.versioning
  }
}
