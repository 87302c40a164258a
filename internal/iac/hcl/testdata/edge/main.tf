resource "aws_s3_bucket" "over" {
  bucket = "base"
  acl    = "private"
  versioning {
    enabled = false
  }
}

resource "aws_s3_bucket" "huge" {
  count  = 1000000000
  bucket = "h-${count.index}"
}

resource "aws_s3_bucket" "list_each" {
  for_each = ["x", "y"]
  bucket   = each.value
}

resource "aws_s3_bucket" "outside" {
  bucket = file("/etc/hostname")
  policy = file("../s3_v3/main.tf")
}

resource "aws_s3_bucket" "badref" {
  bucket = var.nope
  acl    = local.nope
  x      = aws_nothing.here.id
  y      = "${1 + "a"}"
}

resource "aws_s3_bucket" "chained" {
  for_each = aws_s3_bucket.over_each
  bucket   = "${each.value.bucket}-copy"
  source   = each.value.arn
}

resource "aws_s3_bucket" "over_each" {
  for_each = { one = "1", two = "2" }
  bucket   = "b${each.value}"
}

module "self" {
  source = "./self"
}
