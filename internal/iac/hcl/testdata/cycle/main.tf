locals {
  a = "${local.b}-a"
  b = "${local.a}-b"
  ok = "fine"
}

resource "aws_security_group" "a" {
  name        = "a"
  description = aws_security_group.b.id
}

resource "aws_security_group" "b" {
  name        = "b"
  description = aws_security_group.a.id
}

resource "aws_s3_bucket" "uses_cycle" {
  bucket = local.a
  other  = local.ok
}

module "echo" {
  source = "./echo"
  input  = module.echo.output
}

resource "aws_s3_bucket" "uses_echo" {
  bucket = module.echo.output
}
