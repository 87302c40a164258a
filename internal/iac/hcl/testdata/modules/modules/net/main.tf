variable "cidr" {
  type = string
}

locals {
  subnets = cidrsubnets(var.cidr, 8, 8)
}

resource "aws_vpc" "main" {
  cidr_block = var.cidr
}

resource "aws_subnet" "private" {
  count      = length(local.subnets)
  vpc_id     = aws_vpc.main.id
  cidr_block = local.subnets[count.index]
}
