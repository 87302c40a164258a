package aws

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
)

// Relation types between AWS assets.
const (
	RelInVPC         = "in_vpc"
	RelInSubnet      = "in_subnet"
	RelSecurityGroup = "has_security_group"
	RelAttachedTo    = "attached_to"
	RelEncryptedWith = "encrypted_with"
	RelMemberOf      = "member_of"
	RelHasPolicy     = "has_policy"
	RelDeliversTo    = "delivers_to"
)

// meta is the context an adapt function needs besides the SDK output.
type meta struct {
	Partition string
	Account   string
	Region    string
	Time      time.Time
}

// arn builds an ARN in the account, e.g. m.arn("ec2", "vpc/vpc-1").
func (m meta) arn(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", m.Partition, service, m.Region, m.Account, resource)
}

// build assembles an asset. It never modifies its arguments.
func build(m meta, typ, uid, name string, tags map[string]string, shape any, rels []asset.Relation, errs []asset.FieldError) (asset.Asset, error) {
	cfg, err := asset.ToConfig(shape)
	if err != nil {
		return asset.Asset{}, fmt.Errorf("%s %s: %w", typ, uid, err)
	}
	if len(tags) == 0 {
		tags = nil
	}
	a := asset.Asset{
		UID:         uid,
		Provider:    awsshape.Provider,
		Account:     m.Account,
		Region:      m.Region,
		Type:        typ,
		Name:        name,
		Tags:        tags,
		Config:      cfg,
		Relations:   sortRelations(rels),
		Source:      asset.Source{Kind: asset.SourceAPI},
		CollectedAt: m.Time,
		Errors:      sortFieldErrors(append([]asset.FieldError(nil), errs...)),
	}
	if len(a.Errors) == 0 {
		a.Errors = nil
	}
	a.Hash = a.ComputeHash()
	return a, nil
}

func sortRelations(rels []asset.Relation) []asset.Relation {
	if len(rels) == 0 {
		return nil
	}
	out := make([]asset.Relation, 0, len(rels))
	seen := map[asset.Relation]bool{}
	for _, r := range rels {
		if r.Target == "" || seen[r] {
			continue
		}
		seen[r] = true
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Target < out[j].Target
	})
	return out
}

// isARN tells ARNs from bare IDs (KMS key IDs may be either).
func isARN(s string) bool { return strings.HasPrefix(s, "arn:") }

// timeString formats an SDK timestamp as RFC 3339 UTC; "" when absent.
func timeString(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// timePtr is timeString with null for absent.
func timePtr(t *time.Time) *string {
	s := timeString(t)
	if s == "" {
		return nil
	}
	return &s
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func i32(p *int32) int64 {
	if p == nil {
		return 0
	}
	return int64(*p)
}

func boolean(p *bool) bool { return p != nil && *p }

// decodePolicy parses a policy document. IAM returns documents
// URL-encoded (RFC 3986); S3 returns them as plain JSON. Both are
// accepted.
func decodePolicy(doc string) (map[string]any, error) {
	s := strings.TrimSpace(doc)
	if !strings.HasPrefix(s, "{") {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, fmt.Errorf("policy document: %w", err)
		}
		s = u
	}
	if !json.Valid([]byte(s)) {
		return nil, fmt.Errorf("policy document is not valid JSON")
	}
	return asset.DecodeConfig([]byte(s))
}

// fieldErrors repeats one failure for each path it left unknown.
func fieldErrors(fe asset.FieldError, paths ...string) []asset.FieldError {
	out := make([]asset.FieldError, len(paths))
	for i, p := range paths {
		out[i] = fe
		out[i].Path = p
	}
	return out
}

// policyField decodes doc into *dst, returning a FieldError at path when
// the document cannot be read.
func policyField(doc *string, path, action string, dst *map[string]any) *asset.FieldError {
	if doc == nil {
		return nil
	}
	m, err := decodePolicy(*doc)
	if err != nil {
		return &asset.FieldError{Path: path, Action: action, Code: string(collect.CodeInvalidResponse), Message: err.Error()}
	}
	*dst = m
	return nil
}
