package tfmap

import (
	"fmt"
	"testing"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

// benchModule builds n buckets (each with four split resources) and n
// security groups (each with three rule resources) and n instances.
func benchModule(n int) *tfmodel.Module {
	mod := &tfmodel.Module{}
	add := func(r *tfmodel.Resource) { r.Region = "eu-west-1"; mod.Resources = append(mod.Resources, r) }
	for i := range n {
		b := fmt.Sprintf("b%d", i)
		br := ref("aws_s3_bucket."+b, "id")
		add(res("aws_s3_bucket", b, map[string]any{"bucket": b}))
		add(res("aws_s3_bucket_public_access_block", b, map[string]any{"bucket": br, "block_public_acls": true}))
		add(res("aws_s3_bucket_versioning", b, map[string]any{"bucket": br, "versioning_configuration": blk(map[string]any{"status": "Enabled"})}))
		add(res("aws_s3_bucket_policy", b, map[string]any{"bucket": br, "policy": sslOnlyPolicy}))
		add(res("aws_s3_bucket_server_side_encryption_configuration", b, map[string]any{"bucket": br,
			"rule": blk(map[string]any{"apply_server_side_encryption_by_default": blk(map[string]any{"sse_algorithm": "AES256"})})}))
		g := fmt.Sprintf("g%d", i)
		gr := ref("aws_security_group."+g, "id")
		add(res("aws_security_group", g, map[string]any{"name": g}))
		for p := range 3 {
			add(res("aws_vpc_security_group_ingress_rule", fmt.Sprintf("%s_%d", g, p), map[string]any{"security_group_id": gr,
				"ip_protocol": "tcp", "from_port": int64(8000 + p), "to_port": int64(8000 + p), "cidr_ipv4": "10.0.0.0/8"}))
		}
		add(res("aws_instance", fmt.Sprintf("i%d", i), map[string]any{"ami": "ami-1", "vpc_security_group_ids": list(gr),
			"metadata_options": blk(map[string]any{"http_tokens": "required"})}))
	}
	return mod
}

func BenchmarkMap(b *testing.B) {
	for _, n := range []int{100, 1000} {
		mod := benchModule(n)
		b.Run(fmt.Sprintf("resources=%d", len(mod.Resources)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				as, _ := Map(mod, Options{Root: testRoot, Source: asset.SourceTerraform})
				if len(as) != 4*n {
					b.Fatalf("%d assets", len(as))
				}
			}
		})
	}
}
