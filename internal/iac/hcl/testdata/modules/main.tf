provider "aws" {
  region = "eu-central-1"
}

provider "aws" {
  alias  = "use1"
  region = "us-east-1"
}

module "bucket" {
  source    = "./modules/bucket"
  count     = 2
  name      = "data-${count.index}"
  versioned = count.index == 0
}

module "site" {
  source   = "./modules/bucket"
  for_each = { blog = true, shop = false }
  name     = "site-${each.key}"
  versioned = each.value
  providers = {
    aws = aws.use1
  }
}

module "net" {
  source = "./modules/net"
  cidr   = "10.0.0.0/16"
}

resource "aws_s3_bucket_policy" "first" {
  bucket = module.bucket[0].id
  note   = module.site["blog"].name
  names  = [for s in module.site : s.name]
}
