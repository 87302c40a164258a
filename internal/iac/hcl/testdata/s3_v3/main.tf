# AWS provider v3 style: everything inline on the bucket.
provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
  acl    = "log-delivery-write"

  versioning {
    enabled    = true
    mfa_delete = false
  }

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "AES256"
      }
    }
  }

  logging {
    target_bucket = "acme-audit"
    target_prefix = "logs/"
  }

  lifecycle {
    prevent_destroy = true
  }

  tags = {
    Team = "platform"
  }
}
