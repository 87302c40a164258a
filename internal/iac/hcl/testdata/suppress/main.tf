# parapet:ignore:aws-s3-encryption encrypted by the bucket policy
// parapet:ignore:aws-s3-logging
resource "aws_s3_bucket" "a" {
  # parapet:ignore:aws-s3-versioning   versioning handled by backups
  bucket = "a"
}

# parapet:ignore:aws-s3-public-access

resource "aws_s3_bucket" "b" {
  bucket = "b"
}

resource "aws_s3_bucket" "c" {
  count = 2
  # parapet:ignore:* everything
  bucket = "c-${count.index}" # parapet:ignore:aws-s3-versioning copies of a
}

resource "aws_s3_bucket" "d" {
  bucket      = "d"
  description = "# parapet:ignore:not-a-comment"
  policy      = <<-EOT
    # parapet:ignore:also-not-a-comment
  EOT
}

# parapet:ignore
resource "aws_s3_bucket" "e" {
  bucket = "e"
}
