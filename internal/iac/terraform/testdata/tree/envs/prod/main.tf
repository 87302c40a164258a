provider "aws" {
  region = "eu-west-1"
}

module "logs" {
  source = "../../modules/bucket"
  name   = "prod-logs"
}
