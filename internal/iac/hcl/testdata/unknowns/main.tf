variable "enabled" {
  type = bool
}

variable "names" {
  type = set(string)
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "p" {
  statement {
    actions = ["s3:GetObject"]
  }
}

resource "aws_s3_bucket" "counted" {
  count  = var.enabled ? 1 : 0
  bucket = "x-${count.index}"
}

resource "aws_s3_bucket" "each" {
  for_each = var.names
  bucket   = each.key
}

resource "aws_s3_bucket_policy" "p" {
  bucket  = "b-${data.aws_caller_identity.current.account_id}"
  policy  = data.aws_iam_policy_document.p.json
  weird   = not_a_function("x")
  prov    = provider::aws::arn_parse("arn:aws:s3:::x")
  stamp   = timestamp()
}

resource "aws_instance" "web" {
  ami = "ami-123"
  root_block_device {
    encrypted = true
  }
}

resource "aws_ebs_snapshot" "s" {
  volume_id = aws_instance.web.root_block_device[0].volume_id
  size      = aws_instance.web.root_block_device[0].encrypted
  key       = substr(aws_instance.web.id, 0, 4)
  b64       = base64encode(aws_instance.web.id)
  upper     = upper(aws_instance.web.arn)
}

resource "aws_s3_bucket" "odd" {
  quoted = format("%q", aws_instance.web.id)
  big    = 1e400
  key    = { (aws_instance.web.id) = "v" }
}
