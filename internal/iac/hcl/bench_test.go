package hcl

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Benchmark tree: 1,000 .tf files holding 10,000 resource blocks. The
// root has 900 files and calls 10 local modules of 10 files each (half
// with count = 2, half with for_each over two keys). Every file holds
// the same realistic mix of ten blocks: a KMS key, a bucket split in four
// resources (public access block, versioning, encryption), a security
// group with a dynamic ingress block, an instance with count, an IAM
// role with a jsonencode policy, a VPC and subnets with for_each.
const (
	benchRootFiles   = 900
	benchModules     = 10
	benchModuleFiles = 10
	benchBlocksFile  = 10
)

const benchHeader = `variable "rotate" {
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

func benchBlocks(i int) string {
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

// writeBenchTree writes the tree and returns the number of files and of
// resource instances a correct load produces.
func writeBenchTree(tb testing.TB, dir string) (files, instances int) {
	perFile := 12 // 10 blocks; the instance and the subnets expand to 2 each
	write := func(p, content string) {
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			tb.Fatal(err)
		}
		files++
	}
	n := 0
	for m := range benchModules {
		mdir := filepath.Join(dir, "modules", fmt.Sprintf("m%d", m))
		if err := os.MkdirAll(mdir, 0o700); err != nil {
			tb.Fatal(err)
		}
		for f := range benchModuleFiles {
			content := benchBlocks(n)
			if f == 0 {
				content = benchHeader + content + "\noutput \"bucket\" {\n  value = aws_s3_bucket.b" + fmt.Sprint(n) + ".id\n}\n"
			}
			write(filepath.Join(mdir, fmt.Sprintf("f%02d.tf", f)), content)
			n++
		}
		instances += 2 * benchModuleFiles * perFile
	}
	var calls strings.Builder
	for m := range benchModules {
		expand := "count = 2"
		if m%2 == 1 {
			expand = `for_each = toset(["blue", "green"])`
		}
		fmt.Fprintf(&calls, "module \"m%d\" {\n  source = \"./modules/m%d\"\n  %s\n  prefix = \"team%d\"\n}\n", m, m, expand, m)
	}
	for f := range benchRootFiles {
		content := benchBlocks(n)
		if f == 0 {
			content = benchHeader + calls.String() + content
		}
		write(filepath.Join(dir, fmt.Sprintf("r%03d.tf", f)), content)
		n++
	}
	instances += benchRootFiles * perFile
	return files, instances
}

func BenchmarkLoadDir(b *testing.B) {
	dir := b.TempDir()
	files, instances := writeBenchTree(b, dir)
	blocks := files * benchBlocksFile
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		m, diags := LoadDir(context.Background(), dir, Options{})
		if len(diags) > 0 || len(m.Resources) != instances {
			b.Fatalf("%d resources, want %d; diagnostics: %v", len(m.Resources), instances, diags)
		}
	}
	perOp := b.Elapsed().Seconds() / float64(b.N)
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	}
	b.ReportMetric(float64(files)/perOp, "files/s")
	b.ReportMetric(float64(blocks)/perOp, "blocks/s")
	b.ReportMetric(float64(instances)/perOp, "resources/s")
}

// TestBenchTreeLoads checks the benchmark's tree loads correctly (the
// benchmark only counts), including the joins across the split bucket.
func TestBenchTreeLoads(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 1,000 files")
	}
	dir := t.TempDir()
	_, instances := writeBenchTree(t, dir)
	m, diags := LoadDir(context.Background(), dir, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags[:min(5, len(diags))])
	}
	if len(m.Resources) != instances {
		t.Fatalf("%d resources, want %d", len(m.Resources), instances)
	}
	checks := []attrWant{
		{"aws_s3_bucket_public_access_block.b100", "bucket", refOf("aws_s3_bucket.b100", "id")},
		{"aws_s3_bucket_server_side_encryption_configuration.b100", "bucket", "acme-data-100"},
		{`module.m1["green"].aws_s3_bucket.b12`, "bucket", "team1-data-12"},
		{"module.m0[1].aws_s3_bucket_versioning.b3", "bucket", refOf("module.m0[1].aws_s3_bucket.b3", "id")},
		{"aws_instance.i100[1]", "root_block_device.0.volume_size", int64(9)},
		{"aws_instance.i100[1]", "subnet_id", refOf(`aws_subnet.s100["eu-west-1a"]`, "id")},
		{"aws_security_group.sg100", "ingress.1.from_port", int64(22)},
		{`aws_subnet.s100["eu-west-1b"]`, "cidr_block", "10.100.32.0/20"},
	}
	for _, c := range checks {
		r := findRes(m, c.addr)
		if r == nil {
			t.Errorf("no %s", c.addr)
			continue
		}
		got, err := path(r.Attributes, c.path)
		if err != nil || !matches(got, c.want) {
			t.Errorf("%s %s = %#v (%v), want %#v", c.addr, c.path, got, err, c.want)
		}
	}
	if len(m.Suppressions) != instances/12 {
		t.Errorf("%d suppressions, want one per file instance (%d)", len(m.Suppressions), instances/12)
	}
}
