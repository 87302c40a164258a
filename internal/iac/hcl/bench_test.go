package hcl

import (
	"context"
	"github.com/parapet-dev/parapet/internal/iac/hcl/hcltest"
	"testing"
)

func BenchmarkLoadDir(b *testing.B) {
	dir := b.TempDir()
	files, instances := mustWriteTree(b, dir)
	blocks := files * hcltest.BlocksPerFile
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
	_, instances := mustWriteTree(t, dir)
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

func mustWriteTree(tb testing.TB, dir string) (files, instances int) {
	files, instances, err := hcltest.WriteTree(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return files, instances
}
