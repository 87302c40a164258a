// Package hcltest generates the Terraform tree the loader and scan
// benchmarks read: 1,000 files and 10,000 resource blocks in a realistic
// mix, so every benchmark measures the same input.
package hcltest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Benchmark tree: 1,000 .tf files holding 10,000 resource blocks. The
// root has 900 files and calls 10 local modules of 10 files each (half
// with count = 2, half with for_each over two keys). Every file holds
// the same realistic mix of ten blocks: a KMS key, a bucket split in four
// resources (public access block, versioning, encryption), a security
// group with a dynamic ingress block, an instance with count, an IAM
// role with a jsonencode policy, a VPC and subnets with for_each.
const (
	rootFiles     = 900
	modules       = 10
	moduleFiles   = 10
	BlocksPerFile = 10
)

const header = `variable "rotate" {
  type    = bool
  default = true
}
variable "versioning" {
  type    = bool
  default = true
}
variable "prefix" {
  type    = string
  default = "acme"
}
variable "instance_count" {
  type    = number
  default = 2
}
variable "rules" {
  type = list(object({ port = number, cidrs = list(string) }))
  default = [
    { port = 443, cidrs = ["0.0.0.0/0"] },
    { port = 22, cidrs = ["10.0.0.0/8"] },
  ]
}
locals {
  tags = { Owner = "platform", Env = "prod", Prefix = var.prefix }
  azs  = { "eu-west-1a" = 1, "eu-west-1b" = 2 }
}
`

func blocks(i int) string {
	r := strings.NewReplacer("%d", fmt.Sprint(i), "%n", fmt.Sprint(i%256))
	return r.Replace(`
resource "aws_kms_key" "k%d" {
  description         = "key %d"
  enable_key_rotation = var.rotate
  tags                = local.tags
}

resource "aws_s3_bucket" "b%d" {
  bucket = "${var.prefix}-data-%d"
  tags   = merge(local.tags, { Index = "%d" })
}

resource "aws_s3_bucket_public_access_block" "b%d" {
  bucket                  = aws_s3_bucket.b%d.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "b%d" {
  bucket = aws_s3_bucket.b%d.id
  versioning_configuration {
    status = var.versioning ? "Enabled" : "Suspended"
  }
}

# parapet:ignore:aws-s3-bucket-key legacy clients
resource "aws_s3_bucket_server_side_encryption_configuration" "b%d" {
  bucket = aws_s3_bucket.b%d.bucket
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.k%d.arn
    }
  }
}

resource "aws_security_group" "sg%d" {
  name   = "sg-%d"
  vpc_id = aws_vpc.v%d.id
  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidrs
    }
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "i%d" {
  count                  = var.instance_count
  ami                    = "ami-%d"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.s%d["eu-west-1a"].id
  vpc_security_group_ids = [aws_security_group.sg%d.id]
  metadata_options {
    http_tokens = "required"
  }
  root_block_device {
    encrypted   = true
    volume_size = 8 + count.index
  }
  tags = merge(local.tags, { Name = "web-%d-${count.index}" })
}

resource "aws_iam_role" "r%d" {
  name = "role-%d"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_vpc" "v%d" {
  cidr_block = cidrsubnet("10.0.0.0/8", 8, %n)
  tags       = local.tags
}

resource "aws_subnet" "s%d" {
  for_each          = local.azs
  vpc_id            = aws_vpc.v%d.id
  cidr_block        = cidrsubnet(aws_vpc.v%d.cidr_block, 4, each.value)
  availability_zone = each.key
}
`)
}

// WriteTree writes the tree and returns the number of files and of
// resource instances a correct load produces.
func WriteTree(dir string) (files, instances int, err error) {
	perFile := 12 // 10 blocks; the instance and the subnets expand to 2 each
	write := func(p, content string) {
		if err == nil {
			err = os.WriteFile(p, []byte(content), 0o600)
		}
		files++
	}
	n := 0
	for m := range modules {
		mdir := filepath.Join(dir, "modules", fmt.Sprintf("m%d", m))
		if err := os.MkdirAll(mdir, 0o700); err != nil {
			return 0, 0, err
		}
		for f := range moduleFiles {
			content := blocks(n)
			if f == 0 {
				content = header + content + "\noutput \"bucket\" {\n  value = aws_s3_bucket.b" + fmt.Sprint(n) + ".id\n}\n"
			}
			write(filepath.Join(mdir, fmt.Sprintf("f%02d.tf", f)), content)
			n++
		}
		instances += 2 * moduleFiles * perFile
	}
	var calls strings.Builder
	for m := range modules {
		expand := "count = 2"
		if m%2 == 1 {
			expand = `for_each = toset(["blue", "green"])`
		}
		fmt.Fprintf(&calls, "module \"m%d\" {\n  source = \"./modules/m%d\"\n  %s\n  prefix = \"team%d\"\n}\n", m, m, expand, m)
	}
	for f := range rootFiles {
		content := blocks(n)
		if f == 0 {
			content = header + calls.String() + content
		}
		write(filepath.Join(dir, fmt.Sprintf("r%03d.tf", f)), content)
		n++
	}
	instances += rootFiles * perFile
	return files, instances, err
}
