package celenv

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// policyDoc reads an IAM policy document given as a decoded object, a JSON
// string, or a URL-encoded JSON string (as IAM's GetPolicyVersion and
// GetRolePolicy return it). A null or empty document has no statements.
func policyDoc(v any) (any, error) {
	s, ok := v.(string)
	if !ok {
		if v != nil {
			if _, isMap := v.(map[string]any); !isMap {
				return nil, fmt.Errorf("policy document must be a map or a JSON string, got %s", describe(v))
			}
		}
		return v, nil
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if !strings.HasPrefix(s, "{") {
		u, err := url.QueryUnescape(s)
		if err != nil {
			return nil, fmt.Errorf("policy document is neither JSON nor URL-encoded JSON")
		}
		s = strings.TrimSpace(u)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return nil, fmt.Errorf("policy document is not valid JSON: %v", err)
	}
	return doc, nil
}

// statement is one policy statement; the fields hold the raw values, which
// may be a string or a list.
type statement struct {
	effect                    string
	action, notAction         any
	hasAction, hasNotAction   bool
	resource, notResource     any
	hasResource, hasNotRes    bool
	principal, notPrincipal   any
	hasPrincipal, hasNotPrinc bool
	condition                 any
	conditional               bool
}

func (s *statement) allow() bool { return strings.EqualFold(s.effect, "Allow") }
func (s *statement) deny() bool  { return strings.EqualFold(s.effect, "Deny") }

// statements calls fn for every statement of a document (Statement may be
// one object or a list) until fn returns false. The statement is passed by
// value so that reading a policy allocates nothing.
func statements(v any, fn func(statement) bool) error {
	doc, err := policyDoc(v)
	if err != nil || doc == nil {
		return err
	}
	raw, ok := field(doc, "Statement")
	if !ok || raw == nil {
		return nil
	}
	if _, isMap := raw.(map[string]any); !isMap && !isList(raw) {
		return fmt.Errorf("Statement must be an object or a list, got %s", describe(raw))
	}
	each(raw, func(e any) bool {
		m, ok := e.(map[string]any)
		if !ok {
			err = fmt.Errorf("statement must be an object, got %s", describe(e))
			return false
		}
		var st statement
		st.effect, _ = m["Effect"].(string)
		st.action, st.hasAction = m["Action"]
		st.notAction, st.hasNotAction = m["NotAction"]
		st.resource, st.hasResource = m["Resource"]
		st.notResource, st.hasNotRes = m["NotResource"]
		st.principal, st.hasPrincipal = m["Principal"]
		st.notPrincipal, st.hasNotPrinc = m["NotPrincipal"]
		st.condition = m["Condition"]
		if c, ok := st.condition.(map[string]any); ok && len(c) > 0 {
			st.conditional = true
		}
		return fn(st)
	})
	return err
}

// globMatch matches s against a pattern where * is any run of characters
// and ? any one character; fold compares ASCII letters case-insensitively.
func globMatch(pattern, s string, fold bool) bool {
	var p, i, starP, starI = 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			starP, starI = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || eqByte(pattern[p], s[i], fold)):
			p++
			i++
		case starP >= 0:
			starI++
			p, i = starP+1, starI
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func eqByte(a, b byte, fold bool) bool {
	if a == b {
		return true
	}
	if !fold {
		return false
	}
	if 'A' <= a && a <= 'Z' {
		a += 'a' - 'A'
	}
	if 'A' <= b && b <= 'Z' {
		b += 'a' - 'A'
	}
	return a == b
}

// onlyStars reports whether s is made of one or more '*'.
func onlyStars(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '*' {
			return false
		}
	}
	return true
}

// allActionsPattern reports whether an action pattern matches every action
// of every service: "*", "*:*" and the like.
func allActionsPattern(p string) bool {
	p = strings.TrimSpace(p)
	if onlyStars(p) {
		return true
	}
	svc, op, ok := strings.Cut(p, ":")
	return ok && onlyStars(svc) && onlyStars(op)
}

// serviceWildcardPattern reports whether an action pattern matches every
// action of some service ("s3:*") or of all of them ("*").
func serviceWildcardPattern(p string) bool {
	p = strings.TrimSpace(p)
	if onlyStars(p) {
		return true
	}
	_, op, ok := strings.Cut(p, ":")
	return ok && onlyStars(op)
}

// allResources reports whether a statement applies to every resource:
// Resource "*" (or no resource element at all, which IAM treats as
// invalid; counting it keeps the check on the safe side), or any
// NotResource, which with Allow grants everything not listed.
func (s *statement) allResources() bool {
	if s.hasNotRes {
		return true
	}
	if !s.hasResource {
		return true
	}
	return anyString(s.resource, func(r string) bool { return onlyStars(strings.TrimSpace(r)) })
}

// escalationActions are IAM actions that let a principal grant itself any
// permission. An Allow with NotAction that leaves all of them allowed is as
// good as "*:*"; one that excludes them (PowerUserAccess excludes iam:*) is
// broad but not administrator access.
var escalationActions = []string{
	"iam:AttachUserPolicy", "iam:AttachRolePolicy", "iam:AttachGroupPolicy",
	"iam:PutUserPolicy", "iam:PutRolePolicy", "iam:PutGroupPolicy",
	"iam:CreatePolicyVersion", "iam:UpdateAssumeRolePolicy", "iam:CreateAccessKey",
}

// iamAllowsAdmin: some Allow statement grants every action on every
// resource, or (with NotAction) everything but a list that leaves the IAM
// escalation actions allowed. Conditions are ignored.
func iamAllowsAdmin(doc any) (bool, error) {
	found := false
	err := statements(doc, func(s statement) bool {
		if !s.allow() || !s.allResources() {
			return true
		}
		if anyString(s.action, allActionsPattern) || (s.hasNotAction && !s.excludesAny(escalationActions)) {
			found = true
		}
		return !found
	})
	return found, err
}

// excludesAny reports whether the statement's NotAction covers one of the
// actions.
func (s *statement) excludesAny(actions []string) bool {
	for _, a := range actions {
		if anyString(s.notAction, func(p string) bool { return globMatch(strings.TrimSpace(p), a, true) }) {
			return true
		}
	}
	return false
}

// iamAllowsServiceWildcard: some Allow statement grants every action of a
// service ("svc:*", or broader) on every resource.
func iamAllowsServiceWildcard(doc any) (bool, error) {
	found := false
	err := statements(doc, func(s statement) bool {
		if !s.allow() || !s.allResources() {
			return true
		}
		if s.hasNotAction || anyString(s.action, serviceWildcardPattern) {
			found = true
		}
		return !found
	})
	return found, err
}

// appliesTo reports whether a statement covers an action on a resource.
// Actions match case-insensitively, resources case-sensitively (ARNs are).
func (s *statement) appliesTo(action, resource string) bool {
	matchAction := func(p string) bool { return globMatch(strings.TrimSpace(p), action, true) }
	switch {
	case s.hasAction:
		if !anyString(s.action, matchAction) {
			return false
		}
	case s.hasNotAction:
		if anyString(s.notAction, matchAction) {
			return false
		}
	default:
		return false
	}
	matchRes := func(p string) bool { return globMatch(strings.TrimSpace(p), resource, false) }
	switch {
	case s.hasResource:
		return anyString(s.resource, matchRes)
	case s.hasNotRes:
		return !anyString(s.notResource, matchRes)
	}
	return true
}

// iamAllows evaluates a document for one action on one resource: some
// Allow covers it and no unconditional Deny does. Conditions are not
// evaluated: a conditional Allow counts as allowing and a conditional Deny
// as not denying, so the answer errs towards "allowed". Principals are
// ignored.
func iamAllows(doc any, action, resource string) (bool, error) {
	allowed, denied := false, false
	err := statements(doc, func(s statement) bool {
		if !s.appliesTo(action, resource) {
			return true
		}
		switch {
		case s.deny() && !s.conditional:
			denied = true
			return false
		case s.allow():
			allowed = true
		}
		return true
	})
	return allowed && !denied, err
}

// principalIsEveryone reports whether a Principal element names everyone:
// "*" or a map whose value (for "AWS" or any other key) is or holds "*".
func principalIsEveryone(p any) bool {
	isStar := func(s string) bool { return strings.TrimSpace(s) == "*" }
	switch t := p.(type) {
	case string:
		return isStar(t)
	case map[string]any:
		for _, v := range t {
			if anyString(v, isStar) {
				return true
			}
		}
	}
	return false
}

// Condition keys that tie a request to a known caller, network or
// organisation. A positive condition on any of them keeps a "*" principal
// from being public. Compared in lower case.
var restrictingKeys = map[string]bool{
	"aws:sourcearn":         true,
	"aws:sourceaccount":     true,
	"aws:sourceowner":       true,
	"aws:sourcevpc":         true,
	"aws:sourcevpce":        true,
	"aws:sourceorgid":       true,
	"aws:sourceorgpaths":    true,
	"aws:principalorgid":    true,
	"aws:principalorgpaths": true,
	"aws:principalaccount":  true,
	"aws:principalarn":      true,
	"aws:userid":            true,
	"aws:username":          true,
	"kms:calleraccount":     true,
}

// conditionRestricts reports whether a Condition block limits who can make
// the request. Only positive operators restrict: negated operators
// (StringNotEquals, NotIpAddress, ...), ...IfExists variants and
// ForAllValues: all pass when the key is absent, Null and Bool say nothing
// about the caller, and a value of "*" matches anyone.
func conditionRestricts(cond any) bool {
	ops, ok := cond.(map[string]any)
	if !ok {
		return false
	}
	for op, kv := range ops {
		o := strings.ToLower(strings.TrimSpace(op))
		if strings.HasPrefix(o, "forallvalues:") {
			continue
		}
		o = strings.TrimPrefix(o, "foranyvalue:")
		if strings.HasSuffix(o, "ifexists") || strings.Contains(o, "not") ||
			o == "null" || o == "bool" {
			continue
		}
		keys, ok := kv.(map[string]any)
		if !ok {
			continue
		}
		for k, vals := range keys {
			key := strings.ToLower(strings.TrimSpace(k))
			switch {
			case restrictingKeys[key]:
				if (strings.HasPrefix(o, "string") || strings.HasPrefix(o, "arn")) &&
					!anyString(vals, func(s string) bool { return onlyStars(strings.TrimSpace(s)) }) &&
					!emptyValues(vals) {
					return true
				}
			case key == "aws:sourceip" && o == "ipaddress":
				if !emptyValues(vals) && !anyString(vals, func(s string) bool {
					pub, err := cidrIsPublic(s)
					return err != nil || pub
				}) {
					return true
				}
			}
		}
	}
	return false
}

// emptyValues reports whether a condition value lists nothing.
func emptyValues(v any) bool {
	n := 0
	each(v, func(any) bool { n++; return true })
	return n == 0
}

// iamPublicPrincipal: some Allow statement is open to everyone (a "*"
// principal, or NotPrincipal, which with Allow means everyone not listed)
// and no condition restricts the caller.
func iamPublicPrincipal(doc any) (bool, error) {
	found := false
	err := statements(doc, func(s statement) bool {
		if !s.allow() {
			return true
		}
		if (s.hasNotPrinc || principalIsEveryone(s.principal)) && !conditionRestricts(s.condition) {
			found = true
		}
		return !found
	})
	return found, err
}

// policyDeniesInsecureTransport: some Deny statement applies to everyone,
// covers every S3 action, and has Bool (or BoolIfExists)
// aws:SecureTransport = false.
func policyDeniesInsecureTransport(doc any) (bool, error) {
	found := false
	err := statements(doc, func(s statement) bool {
		if !s.deny() || !principalIsEveryone(s.principal) {
			return true
		}
		if !anyString(s.action, coversS3) {
			return true
		}
		if insecureTransportCondition(s.condition) {
			found = true
		}
		return !found
	})
	return found, err
}

// coversS3 reports whether an action pattern matches every S3 action.
func coversS3(p string) bool {
	p = strings.TrimSpace(p)
	if onlyStars(p) {
		return true
	}
	svc, op, ok := strings.Cut(p, ":")
	return ok && globMatch(svc, "s3", true) && onlyStars(op)
}

func insecureTransportCondition(cond any) bool {
	ops, ok := cond.(map[string]any)
	if !ok {
		return false
	}
	for op, kv := range ops {
		o := strings.ToLower(strings.TrimSpace(op))
		if o != "bool" && o != "boolifexists" {
			continue
		}
		v, ok := fieldFold(kv, "aws:SecureTransport")
		if !ok {
			continue
		}
		isFalse := false
		each(v, func(e any) bool {
			if b, ok := truthy(e); ok && !b {
				isFalse = true
			}
			return !isFalse
		})
		if isFalse {
			return true
		}
	}
	return false
}

// iamStatements returns a document's statements in one normal form: every
// Action, NotAction, Resource and NotResource a list (absent ones empty),
// Principal and Condition as written (null when absent).
func iamStatements(doc any) ([]any, error) {
	var out []any
	asList := func(v any) []any {
		l := []any{}
		each(v, func(e any) bool { l = append(l, e); return true })
		return l
	}
	err := statements(doc, func(s statement) bool {
		m := map[string]any{
			"Effect":       s.effect,
			"Action":       asList(s.action),
			"NotAction":    asList(s.notAction),
			"Resource":     asList(s.resource),
			"NotResource":  asList(s.notResource),
			"Principal":    s.principal,
			"NotPrincipal": s.notPrincipal,
			"Condition":    s.condition,
		}
		out = append(out, m)
		return true
	})
	if out == nil {
		out = []any{}
	}
	return out, err
}
