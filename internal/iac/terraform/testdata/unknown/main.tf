variable "encrypted" {
  type = bool
}

variable "admin_cidr" {
  type = string
}

resource "aws_db_instance" "db" {
  identifier        = "db"
  engine            = "mysql"
  instance_class    = "db.t3.micro"
  storage_encrypted = var.encrypted
}

resource "aws_security_group" "admin" {
  name = "admin"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }
}

resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = aws_iam_user.u.arn }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_user" "u" {
  name = "u"
}
