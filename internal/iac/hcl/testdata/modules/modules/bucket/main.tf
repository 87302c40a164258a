variable "name" {
  type = string
}

variable "versioned" {
  type    = bool
  default = false
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = var.versioned ? "Enabled" : "Suspended"
  }
}

module "log" {
  source = "../log"
  bucket = aws_s3_bucket.this.id
}

output "id" {
  value = aws_s3_bucket.this.id
}

output "name" {
  value = aws_s3_bucket.this.bucket
}
