package tfmap

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/iac"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

// policy reads a policy argument into a document: a JSON string
// (jsonencode, a heredoc, a file), an object, or a reference to an
// aws_iam_policy_document data source, which is rendered here. nil when
// the argument is absent or empty; a FieldError on field when it is
// unknown or not a JSON document.
func (a attrs) policy(name, field string) map[string]any {
	doc, code, msg := a.m.ix.policyValue(a.raw(name), 0)
	if code != "" {
		a.m.fieldError(field, code, a.at+name+": "+msg)
		if code == CodeInvalidPolicy && a.m.r != nil {
			a.m.ix.diag(a.m.r, iac.SevWarning, "%s%s: %s", a.at, name, msg)
		}
		return nil
	}
	return doc
}

// maxPolicyDepth bounds chains of documents built from documents.
const maxPolicyDepth = 8

// policyValue resolves a policy value. code is "" on success, else the
// FieldError code and msg the reason.
func (ix *index) policyValue(v any, depth int) (doc map[string]any, code, msg string) {
	if depth > maxPolicyDepth {
		return nil, CodeInvalidPolicy, "policy documents refer to each other too deeply"
	}
	switch t := v.(type) {
	case nil:
		return nil, "", ""
	case string:
		return decodePolicy(t)
	case map[string]any:
		p, problem := plain(t)
		if problem != "" {
			return nil, CodeUnknown, problem + ": known only at apply time"
		}
		return asset.Normalize(p).(map[string]any), "", ""
	}
	if u, ok := isUnknown(v); ok {
		// A data source is read at apply as far as the evaluator goes; an
		// aws_iam_policy_document needs nothing from the cloud, so its
		// document is rendered here.
		if t := ix.policyDocumentSource(u.Reason); t != nil {
			return ix.renderPolicyDocument(t, depth+1)
		}
		return nil, CodeUnknown, unknownMessage("document", u.Reason)
	}
	if ref, ok := asRef(v); ok {
		target := ix.byAddr[ref.Address]
		switch {
		case target != nil && target.Mode == "data" && target.Type == "aws_iam_policy_document" &&
			(ref.Attribute == "json" || ref.Attribute == "minified_json"):
			return ix.renderPolicyDocument(target, depth+1)
		case target != nil && ix.arg(target, ref.Attribute) != nil:
			if _, isRef := asRef(target.Attributes[ref.Attribute]); !isRef {
				return ix.policyValue(target.Attributes[ref.Attribute], depth+1)
			}
		}
		return nil, CodeUnknown, "set from " + ref.Address + "." + ref.Attribute + ": known only at apply time"
	}
	return nil, CodeInvalidPolicy, "want a JSON policy document, got " + describe(v)
}

// dataDocReason matches the reason the HCL evaluator gives for a value
// read from a data source: "[module.x.]data.<type>.<name> is read at apply".
var dataDocReason = regexp.MustCompile(`^((?:module\.[^.\s]+\.)*data\.aws_iam_policy_document\.[A-Za-z0-9_-]+) is read at apply$`)

// policyDocumentSource returns the aws_iam_policy_document an unknown
// value comes from, when its reason names exactly one (with count or
// for_each, only when it has a single instance).
func (ix *index) policyDocumentSource(reason string) *tfmodel.Resource {
	m := dataDocReason.FindStringSubmatch(strings.TrimSpace(reason))
	if m == nil {
		return nil
	}
	if t := ix.byAddr[m[1]]; t != nil {
		return t
	}
	var found *tfmodel.Resource
	for _, r := range ix.byType["data.aws_iam_policy_document"] {
		if strings.HasPrefix(r.Address, m[1]+"[") {
			if found != nil {
				return nil
			}
			found = r
		}
	}
	return found
}

// decodePolicy parses a JSON policy document; "" is no policy.
func decodePolicy(s string) (map[string]any, string, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, "", ""
	}
	if !strings.HasPrefix(s, "{") || !json.Valid([]byte(s)) {
		return nil, CodeInvalidPolicy, "not a JSON policy document"
	}
	doc, err := asset.DecodeConfig([]byte(s))
	if err != nil {
		return nil, CodeInvalidPolicy, err.Error()
	}
	return doc, "", ""
}

// plain copies a document, rendering references as strings; problem names
// the first unknown value found.
func plain(v any) (any, string) {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			p, problem := plain(e)
			if problem != "" {
				return nil, k + ": " + problem
			}
			out[k] = p
		}
		return out, ""
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			p, problem := plain(e)
			if problem != "" {
				return nil, fmt.Sprintf("[%d]: %s", i, problem)
			}
			out[i] = p
		}
		return out, ""
	}
	if u, ok := isUnknown(v); ok {
		if u.Reason == "" {
			return nil, "unknown value"
		}
		return nil, u.Reason
	}
	if r, ok := asRef(v); ok {
		return refString(r), ""
	}
	return v, ""
}

// renderPolicyDocument builds the JSON document an aws_iam_policy_document
// data source exports, from its statement blocks and the documents it
// merges, as the AWS provider does: source_policy_documents first, then
// the data source's own statements (a statement with the Sid of a source
// statement replaces it), then override_policy_documents (by Sid, or
// appended).
func (ix *index) renderPolicyDocument(r *tfmodel.Resource, depth int) (map[string]any, string, string) {
	// A plan or state knows the rendered document already.
	if s, ok := r.Attributes["json"].(string); ok && s != "" {
		return decodePolicy(s)
	}
	tmp := &mapping{ix: ix, r: r}
	a := attrs{m: tmp, vals: r.Attributes}
	const field = "PolicyDocument"

	var stmts []map[string]any
	var failCode, failMsg string
	mergeDocs := func(arg string, list []any) {
		for i, v := range list {
			doc, code, msg := ix.policyValue(v, depth+1)
			if code != "" {
				if failCode == "" {
					failCode, failMsg = code, fmt.Sprintf("%s[%d]: %s", arg, i, msg)
				}
				continue
			}
			stmts = mergeStatements(stmts, statementsOf(doc))
		}
	}
	mergeDocs("source_policy_documents", a.values("source_policy_documents", field))
	if a.has("source_json") {
		mergeDocs("source_json", []any{a.raw("source_json")})
	}

	var own []map[string]any
	for _, b := range a.blocks("statement", field) {
		own = append(own, renderStatement(b, field))
	}
	stmts = mergeStatements(stmts, own)

	mergeDocs("override_policy_documents", a.values("override_policy_documents", field))
	if a.has("override_json") {
		mergeDocs("override_json", []any{a.raw("override_json")})
	}

	if len(tmp.errs) > 0 {
		e := tmp.errs[0]
		return nil, e.Code, r.Address + ": " + e.Message
	}
	if failCode != "" {
		return nil, failCode, r.Address + ": " + failMsg
	}
	doc := map[string]any{"Version": a.strOr("version", field, "2012-10-17")}
	if id := a.str("policy_id", field); id != "" {
		doc["Id"] = id
	}
	list := make([]any, len(stmts))
	for i, s := range stmts {
		list[i] = s
	}
	doc["Statement"] = list
	return doc, "", ""
}

// renderStatement renders one statement block. Lists of one element
// become a string, as in the provider's output.
func renderStatement(b attrs, field string) map[string]any {
	s := map[string]any{"Effect": b.strOr("effect", field, "Allow")}
	if sid := b.str("sid", field); sid != "" {
		s["Sid"] = sid
	}
	for _, e := range []struct{ arg, key string }{{"actions", "Action"}, {"not_actions", "NotAction"}} {
		if v := b.strs(e.arg, field); len(v) > 0 {
			s[e.key] = oneOrList(v)
		}
	}
	for _, e := range []struct{ arg, key string }{{"resources", "Resource"}, {"not_resources", "NotResource"}} {
		if v := b.derivedStrs(e.arg, field); len(v) > 0 {
			s[e.key] = oneOrList(v)
		}
	}
	for _, e := range []struct{ arg, key string }{{"principals", "Principal"}, {"not_principals", "NotPrincipal"}} {
		if p := renderPrincipals(b.blocks(e.arg, field), field); p != nil {
			s[e.key] = p
		}
	}
	cond := map[string]any{}
	for _, c := range b.blocks("condition", field) {
		test, variable := c.str("test", field), c.str("variable", field)
		vals := c.derivedStrs("values", field)
		m, _ := cond[test].(map[string]any)
		if m == nil {
			m = map[string]any{}
			cond[test] = m
		}
		if prev, ok := m[variable]; ok {
			vals = append(toStrings(prev), vals...)
		}
		m[variable] = oneOrList(vals)
	}
	if len(cond) > 0 {
		s["Condition"] = cond
	}
	return s
}

// renderPrincipals renders principals blocks: type "*" with identifier "*"
// is the bare "*" principal; otherwise a map by type.
func renderPrincipals(blocks []attrs, field string) any {
	if len(blocks) == 0 {
		return nil
	}
	byType := map[string][]string{}
	var order []string
	for _, p := range blocks {
		typ := p.str("type", field)
		ids := p.strs("identifiers", field)
		if typ == "*" {
			return "*"
		}
		if _, seen := byType[typ]; !seen {
			order = append(order, typ)
		}
		byType[typ] = append(byType[typ], ids...)
	}
	out := make(map[string]any, len(order))
	for _, t := range order {
		out[t] = oneOrList(byType[t])
	}
	return out
}

// derivedStrs is strs for the ARNs of a statement's resources and
// condition values, where a string built from an apply-time value
// ("${aws_s3_bucket.b.arn}/*") is kept as a placeholder naming what it
// was built from: it contains a reference, so it is no wildcard, which is
// all the policy checks need to know of a resource. Other unknown values
// make the document unknown.
func (a attrs) derivedStrs(name, field string) []string {
	items, ok := listOf(a.raw(name))
	if !ok {
		return a.strs(name, field)
	}
	out := make([]string, 0, len(items))
	for i, e := range items {
		if u, unknown := isUnknown(e); unknown && strings.HasPrefix(u.Reason, "derived from ") {
			out = append(out, "${"+strings.TrimSuffix(u.Reason, " (known after apply)")+"}")
			continue
		}
		if e == nil {
			continue
		}
		if a.unusable(fmt.Sprintf("%s[%d]", name, i), field, e) {
			return nil
		}
		s, ok := stringOf(e)
		if !ok {
			a.m.invalid(field, fmt.Sprintf("%s%s[%d]", a.at, name, i), "want a string, got "+describe(e))
			return nil
		}
		out = append(out, s)
	}
	return out
}

func oneOrList(v []string) any {
	if len(v) == 1 {
		return v[0]
	}
	out := make([]any, len(v))
	for i, s := range v {
		out[i] = s
	}
	return out
}

func toStrings(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// statementsOf lists a document's statements (Statement may be one
// object or a list).
func statementsOf(doc map[string]any) []map[string]any {
	var out []map[string]any
	switch t := doc["Statement"].(type) {
	case map[string]any:
		out = append(out, t)
	case []any:
		for _, e := range t {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// mergeStatements adds statements to a list: one whose Sid is already
// there replaces that statement, the others are appended.
func mergeStatements(base, add []map[string]any) []map[string]any {
	for _, s := range add {
		sid, _ := s["Sid"].(string)
		replaced := false
		if sid != "" {
			for i, b := range base {
				if bs, _ := b["Sid"].(string); bs == sid {
					base[i], replaced = s, true
					break
				}
			}
		}
		if !replaced {
			base = append(base, s)
		}
	}
	return base
}
