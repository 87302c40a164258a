module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.1.0"
  name    = "main"
}

module "gone" {
  source = "git::https://example.com/acme/gone.git?ref=v1"
  name   = "x"
}

resource "aws_flow_log" "root" {
  vpc_id    = module.vpc.vpc_id
  other     = module.gone.id
}

module "local_missing" {
  source = "./modules/not-here"
}
