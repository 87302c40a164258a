package aws

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/cloudsim"
)

// tagServices are the services whose resources' tags come from a call of
// their own.
var tagServices = []string{"cloudtrail", "kms", "ecr", "opensearch", "elbv2", "elb", "lambda"}

// taggedWorld is the test organization with tags on one resource of each
// of those services in the management account, and the UID, tag call and
// tags expected of each.
func taggedWorld(t *testing.T) (*cloudsim.World, []taggedResource) {
	t.Helper()
	w := loadWorld(t, "org.yaml")
	r := w.Accounts[0].Regions["us-east-1"]
	r.Trails[0].Tags = []cttypes.Tag{{Key: aws.String("team"), Value: aws.String("audit")}}
	r.Keys[0].Tags = []kmstypes.Tag{{TagKey: aws.String("team"), TagValue: aws.String("security")}}
	r.Repositories[0].Tags = []ecrtypes.Tag{{Key: aws.String("parapet:exception"), Value: aws.String("EXC-0001")}}
	r.Domains[0].Tags = []ostypes.Tag{{Key: aws.String("env"), Value: aws.String("prod")}, {Key: aws.String("team"), Value: aws.String("search")}}
	r.LoadBalancers[0].Tags = []elbv2types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}
	r.ClassicLoadBalancers[0].Tags = []elbtypes.Tag{{Key: aws.String("env"), Value: aws.String("legacy")}}
	r.Functions[0].Tags = map[string]string{"env": "prod", "owner": "api-team"}
	m := "111111111111"
	return w, []taggedResource{
		{"arn:aws:cloudtrail:us-east-1:" + m + ":trail/org-trail", "cloudtrail:ListTags", map[string]string{"team": "audit"}},
		{"arn:aws:kms:us-east-1:" + m + ":key/11111111-1111-1111-1111-111111111111", "kms:ListResourceTags", map[string]string{"team": "security"}},
		{"arn:aws:ecr:us-east-1:" + m + ":repository/app", "ecr:ListTagsForResource", map[string]string{"parapet:exception": "EXC-0001"}},
		{"arn:aws:es:us-east-1:" + m + ":domain/logs", "es:ListTags", map[string]string{"env": "prod", "team": "search"}},
		{aws.ToString(r.LoadBalancers[0].LoadBalancerArn), "elasticloadbalancing:DescribeTags", map[string]string{"env": "prod"}},
		{"arn:aws:elasticloadbalancing:us-east-1:" + m + ":loadbalancer/old-web", "elasticloadbalancing:DescribeTags", map[string]string{"env": "legacy"}},
		{"arn:aws:lambda:us-east-1:" + m + ":function:api", "lambda:ListTags", map[string]string{"env": "prod", "owner": "api-team"}},
	}
}

type taggedResource struct {
	uid, action string
	tags        map[string]string
}

func TestCollectTags(t *testing.T) {
	w, want := taggedWorld(t)
	run := simulate(t, w, cloudsim.Faults{}, Options{Regions: []string{"us-east-1"}, Services: tagServices})
	if run.err != nil {
		t.Fatal(run.err)
	}
	if len(run.rec.diags) != 0 {
		t.Errorf("diagnostics %v", run.rec.diagKeys())
	}
	for _, tr := range want {
		a := run.rec.asset(t, tr.uid)
		if !maps.Equal(a.Tags, tr.tags) || len(a.Errors) != 0 {
			t.Errorf("%s: tags %v errors %v, want tags %v", tr.uid, a.Tags, errorPaths(a), tr.tags)
		}
	}
	// Resources without tags have none, rather than an error.
	if a := run.rec.asset(t, "arn:aws:ecr:us-east-1:111111111111:repository/public-images"); a.Tags != nil || slices.ContainsFunc(a.Errors, func(e asset.FieldError) bool { return e.Path == "Tags" }) {
		t.Errorf("untagged repository: tags %v errors %v", a.Tags, errorPaths(a))
	}
}

// A tag call that fails is a diagnostic and an error on the asset's Tags,
// never a silently untagged asset, and never a missing one.
func TestCollectTagsDenied(t *testing.T) {
	w, want := taggedWorld(t)
	w.Accounts[0].Deny = []string{"cloudtrail:ListTags", "kms:ListResourceTags", "ecr:ListTagsForResource", "es:ListTags", "elasticloadbalancing:DescribeTags", "lambda:ListTags"}
	run := simulate(t, w, cloudsim.Faults{}, Options{Regions: []string{"us-east-1"}, Services: tagServices})
	if run.err != nil {
		t.Fatal(run.err)
	}
	diags := strings.Join(run.rec.diagKeys(), "\n")
	for _, tr := range want {
		a := run.rec.asset(t, tr.uid)
		if a.Tags != nil || !slices.Contains(errorPaths(a), "Tags "+tr.action+" AccessDenied") {
			t.Errorf("%s: tags %v errors %v", tr.uid, a.Tags, errorPaths(a))
		}
		if !strings.Contains(diags, fmt.Sprintf(" %s AccessDenied %s []", tr.action, tr.uid)) {
			t.Errorf("no diagnostic for %s on %s", tr.action, tr.uid)
		}
	}
	// AWS managed keys cannot carry tags, so theirs are not asked for.
	if a := run.rec.asset(t, "arn:aws:kms:us-east-1:111111111111:key/44444444-4444-4444-4444-444444444444"); len(a.Errors) != 0 {
		t.Errorf("AWS managed key: errors %v", errorPaths(a))
	}
	// A failed detail call leaves the listing complete: every type is
	// still covered, so nothing is taken as deleted.
	var covered []string
	for _, c := range run.rec.covered {
		covered = append(covered, c.ResourceTypes...)
	}
	c, _ := New(Options{Services: tagServices})
	sameStrings(t, "covered types", covered, c.regionalTypes())
}

// DescribeTags names up to 20 load balancers a call, in both APIs.
func TestCollectLoadBalancerTagsBatched(t *testing.T) {
	w := loadWorld(t, "org.yaml")
	r := w.Accounts[0].Regions["us-east-1"]
	r.LoadBalancers, r.ClassicLoadBalancers = nil, nil
	const n = 45
	for i := range n {
		name := fmt.Sprintf("lb-%02d", i)
		tags := []elbv2types.Tag{{Key: aws.String("n"), Value: aws.String(name)}}
		r.LoadBalancers = append(r.LoadBalancers, &cloudsim.LoadBalancer{LoadBalancer: elbv2types.LoadBalancer{LoadBalancerName: aws.String(name)}, Tags: tags})
		r.ClassicLoadBalancers = append(r.ClassicLoadBalancers, &cloudsim.ClassicLoadBalancer{
			LoadBalancerDescription: elbtypes.LoadBalancerDescription{LoadBalancerName: aws.String(name)},
			Tags:                    []elbtypes.Tag{{Key: aws.String("n"), Value: aws.String(name)}},
		})
	}
	run := simulate(t, w, cloudsim.Faults{}, Options{Regions: []string{"us-east-1"}, Services: []string{"elb", "elbv2"}})
	if run.err != nil {
		t.Fatal(run.err)
	}
	for _, op := range []string{"elb.DescribeTags", "elbv2.DescribeTags"} {
		if got := run.stats.Requests[op]; got != 3 {
			t.Errorf("%s: %d calls for %d load balancers, want 3", op, got, n)
		}
	}
	tagged := 0
	for _, a := range run.rec.assets {
		if strings.Contains(a.Type, "load_balancer") {
			if a.Tags["n"] != a.Name {
				t.Errorf("%s: tags %v", a.UID, a.Tags)
			}
			tagged++
		}
	}
	if tagged != 2*n {
		t.Errorf("%d load balancers, want %d", tagged, 2*n)
	}
}
