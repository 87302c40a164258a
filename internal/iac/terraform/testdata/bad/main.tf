# A deliberately misconfigured configuration: every resource breaks the
# checks listed in checks_test.go (badFails).

provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIAABCDEFGHIJKLMNOP"
  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
}

variable "db_password" {
  default = "hunter2hunter2"
}

locals {
  name = "bad"
}

# parapet:ignore:aws-s3-bucket-versioning
resource "aws_s3_bucket" "data" {
  bucket = "${local.name}-data"
}

resource "aws_s3_bucket_acl" "data" {
  bucket = aws_s3_bucket.data.id
  acl    = "public-read"
}

resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::bad-data/*"
    }]
  })
}

# Provider v3 style.
resource "aws_s3_bucket" "legacy" {
  bucket = "bad-legacy"
  acl    = "public-read-write"

  versioning {
    enabled = false
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.0.0/24"
  map_public_ip_on_launch = true
}

resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id

  ingress {
    protocol  = -1
    self      = true
    from_port = 0
    to_port   = 0
  }
}

resource "aws_security_group" "open" {
  name   = "open"
  vpc_id = aws_vpc.main.id

  dynamic "ingress" {
    for_each = [22, 3389]
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

resource "aws_security_group_rule" "everything" {
  type              = "ingress"
  security_group_id = aws_security_group.open.id
  from_port         = 0
  to_port           = 65535
  protocol          = "tcp"
  ipv6_cidr_blocks  = ["::/0"]
}

resource "aws_instance" "web" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.public.id
  vpc_security_group_ids = [aws_security_group.open.id]

  user_data = <<-EOT
    #!/bin/bash
    export DB_PASSWORD=${var.db_password}
  EOT
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 20
}

resource "aws_kms_key" "main" {
  description = "no rotation"
}

resource "aws_db_instance" "db" {
  identifier          = "bad-db"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  publicly_accessible = true
  password            = var.db_password
}

resource "aws_iam_role" "admin" {
  name               = "admin"
  assume_role_policy = data.aws_iam_policy_document.anyone.json
}

data "aws_iam_policy_document" "anyone" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_user" "alice" {
  name = "alice"
}

resource "aws_iam_user_policy" "alice" {
  name = "everything"
  user = aws_iam_user.alice.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_cloudtrail" "trail" {
  name           = "trail"
  s3_bucket_name = aws_s3_bucket.data.id
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = aws_iam_role.admin.arn
  runtime       = "python3.8"
  handler       = "app.handler"
  filename      = "fn.zip"

  environment {
    variables = {
      API_TOKEN = "tok_live_1234567890"
    }
  }
}

resource "aws_lambda_permission" "anyone" {
  function_name = aws_lambda_function.fn.function_name
  action        = "lambda:InvokeFunction"
  principal     = "*"
}

resource "aws_ecr_repository" "repo" {
  name = "repo"
}

resource "aws_lb" "web" {
  name = "web"
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/web/1"
  }
}
