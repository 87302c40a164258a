package aws

import (
	"encoding/json"
	"slices"
	"strings"
)

// services is every AWS service the collector reads, in the order units
// are planned. Global services run once per account, the others once per
// region.
var services = []service{
	iamService,
	s3Service,
	ec2Service,
	kmsService,
	rdsService,
	cloudtrailService,
	configService,
	guarddutyService,
	ecrService,
	eksService,
	opensearchService,
	elbv2Service,
	elbService,
	lambdaService,
}

// policyDocument is an IAM policy document.
type policyDocument struct {
	Version   string            `json:"Version"`
	Statement []policyStatement `json:"Statement"`
}

type policyStatement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource string   `json:"Resource"`
}

// Actions lists every IAM action the collector may call, sorted.
func Actions() []string {
	var out []string
	for _, s := range append([]service{discovery}, services...) {
		out = append(out, s.actions...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Policy returns the least-privilege, read-only IAM policy the collector
// needs, generated from the actions each service declares: one statement
// per service, so an operator can drop services they do not scan. The
// discovery statement (STS, Organizations) is only needed by the identity
// that starts the scan.
func Policy() ([]byte, error) {
	doc := policyDocument{Version: "2012-10-17"}
	for _, s := range append([]service{discovery}, services...) {
		acts := slices.Clone(s.actions)
		slices.Sort(acts)
		acts = slices.Compact(acts)
		doc.Statement = append(doc.Statement, policyStatement{
			Sid:      "Parapet" + sidName(s.name),
			Effect:   "Allow",
			Action:   acts,
			Resource: "*",
		})
	}
	return json.MarshalIndent(doc, "", "  ")
}

// sidName turns a service name into the alphanumeric Sid IAM accepts.
func sidName(name string) string {
	var b strings.Builder
	up := true
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z':
			if up {
				r -= 'a' - 'A'
			}
			up = false
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			up = false
			b.WriteRune(r)
		default:
			up = true
		}
	}
	return b.String()
}
