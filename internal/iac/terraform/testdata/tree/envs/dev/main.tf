provider "aws" {
  region = "us-east-1"
}

module "logs" {
  source = "../../modules/bucket"
  name   = "dev-logs"
}

resource "aws_s3_bucket" "scratch" {
  bucket = "dev-scratch"
}
