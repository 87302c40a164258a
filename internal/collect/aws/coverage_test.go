package aws

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/parapet-dev/parapet/internal/cloudsim"
	"github.com/parapet-dev/parapet/internal/collect"
)

func coverageKeys(cs []collect.Coverage) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s %s %q [%s]", c.Provider, c.Account, c.Region, strings.Join(c.ResourceTypes, ",")))
	}
	return out
}

// A unit vouches for the types it listed completely, and only for them:
// a failed listing leaves its types out, in its own scope only.
func TestCoverageNamesCompleteListings(t *testing.T) {
	w := loadWorld(t, "org.yaml")
	w.Accounts[0].Deny = []string{"iam:ListUsers", "ec2:DescribeVolumes"}
	run := simulate(t, w, cloudsim.Faults{}, Options{Regions: []string{"us-east-1", "eu-west-1"}, Services: []string{"iam", "ec2", "s3", "kms"}})
	if run.err != nil {
		t.Fatal(run.err)
	}
	sameStrings(t, "coverage", coverageKeys(run.rec.covered), []string{
		`aws 111111111111 "" [aws.iam.role,aws.iam.group,aws.iam.policy]`,
		`aws 111111111111 "" [aws.s3.bucket]`,
		`aws 111111111111 "us-east-1" [aws.ec2.vpc,aws.ec2.subnet,aws.ec2.security_group,aws.ec2.instance,aws.ec2.snapshot]`,
		`aws 111111111111 "eu-west-1" [aws.ec2.vpc,aws.ec2.subnet,aws.ec2.security_group,aws.ec2.instance,aws.ec2.snapshot]`,
		`aws 111111111111 "us-east-1" [aws.kms.key]`,
		`aws 111111111111 "eu-west-1" [aws.kms.key]`,
	})
}

// A unit whose account could not be entered, or a scan cancelled before
// its units ran, vouches for nothing.
func TestCoverageNothingWithoutListing(t *testing.T) {
	run := simulate(t, loadWorld(t, "org.yaml"), cloudsim.Faults{}, Options{Accounts: []string{sandbox}, Role: "ParapetAudit"})
	if len(run.rec.covered) != 0 {
		t.Errorf("coverage of an account that could not be entered: %v", coverageKeys(run.rec.covered))
	}

	s := cloudsim.NewServer(loadWorld(t, "org.yaml"))
	url, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id, secret := s.Credentials()
	c, err := New(Options{EndpointURL: url, Regions: []string{"us-east-1"}, Credentials: credentials.NewStaticCredentialsProvider(id, secret, "")})
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = c.Collect(ctx, rec)
	if len(rec.covered) != 0 {
		t.Errorf("coverage from a cancelled scan: %v", coverageKeys(rec.covered))
	}
}
