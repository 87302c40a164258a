package checktest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/finding"
)

// DefaultNow is the evaluation time of a fixture without `now`, fixed so
// that results never depend on the day the tests run.
var DefaultNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fixture is one parsed fixture file.
type fixture struct {
	now   time.Time
	cases []fixtureCase
}

// fixtureCase is one asset of a fixture and the status it must get.
type fixtureCase struct {
	name   string
	line   int
	expect finding.Status
	asset  asset.Asset
}

var (
	fixtureKeys = []string{"now", "assets"}
	caseKeys    = []string{"name", "uid", "account", "region", "tags", "config", "errors", "expect"}
	errorKeys   = []string{"path", "action", "code", "message"}
)

type fixtureParser struct {
	file string
	errs []error
}

func (p *fixtureParser) errorf(n *yaml.Node, format string, args ...any) {
	e := &check.Error{File: p.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	p.errs = append(p.errs, e)
}

// parseFixture reads a fixture for check c; want is PASS for a .pass.yaml
// file and FAIL for a .fail.yaml file.
func parseFixture(file string, data []byte, c *check.Check, want finding.Status) (*fixture, error) {
	p := &fixtureParser{file: file}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, &check.Error{File: file, Msg: "fixture is empty"}
		}
		return nil, &check.Error{File: file, Msg: "YAML syntax: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "a fixture is a mapping with keys now and assets")
		return nil, errors.Join(p.errs...)
	}
	f := &fixture{now: DefaultNow}
	m := p.mapping(root, "fixture", fixtureKeys)
	if n, ok := m["now"]; ok {
		t, err := time.Parse(time.RFC3339Nano, n.Value)
		if n.Kind != yaml.ScalarNode || err != nil {
			p.errorf(n, "now must be an RFC 3339 timestamp, e.g. 2026-01-01T00:00:00Z")
		} else {
			f.now = t
		}
	}
	typ, _ := asset.LookupType(c.ResourceType)
	list, ok := m["assets"]
	switch {
	case !ok:
		p.errorf(root, "missing required key %q", "assets")
	case list.Kind != yaml.SequenceNode || len(list.Content) == 0:
		p.errorf(list, "assets must be a non-empty list of test cases")
	default:
		for i, n := range list.Content {
			if fc, ok := p.testCase(n, i, c, typ.Provider, want); ok {
				f.cases = append(f.cases, fc)
			}
		}
	}
	if len(p.errs) == 0 {
		found := false
		for _, fc := range f.cases {
			found = found || fc.expect == want
		}
		if !found {
			p.errorf(list, "no case expects %s: a %s fixture needs at least one", want, strings.ToLower(string(want)))
		}
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return f, nil
}

func (p *fixtureParser) mapping(n *yaml.Node, what string, known []string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, dup := out[k.Value]; dup {
			p.errorf(k, "duplicate key %q in %s", k.Value, what)
			continue
		}
		known1 := false
		for _, kk := range known {
			known1 = known1 || kk == k.Value
		}
		if !known1 {
			p.errorf(k, "unknown key %q in %s (known keys: %s)", k.Value, what, strings.Join(known, ", "))
			continue
		}
		out[k.Value] = v
	}
	return out
}

func (p *fixtureParser) scalar(n *yaml.Node, key string) string {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s must be a string", key)
		return ""
	}
	if n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

func (p *fixtureParser) testCase(n *yaml.Node, i int, c *check.Check, provider string, want finding.Status) (fixtureCase, bool) {
	before := len(p.errs)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "a test case is a mapping with keys %s", strings.Join(caseKeys, ", "))
		return fixtureCase{}, false
	}
	m := p.mapping(n, "test case", caseKeys)
	fc := fixtureCase{line: n.Line, expect: want}
	if v, ok := m["name"]; ok {
		fc.name = p.scalar(v, "name")
	}
	if strings.TrimSpace(fc.name) == "" {
		p.errorf(n, "test case needs a name saying what it covers")
	}
	a := asset.Asset{
		UID:      fmt.Sprintf("test:%s:%s:%d", c.ID, strings.ToLower(string(want)), i+1),
		Provider: provider,
		Account:  "123456789012",
		Region:   "us-east-1",
		Type:     c.ResourceType,
		Name:     fc.name,
		Config:   map[string]any{},
		Source:   asset.Source{Kind: asset.SourceSnapshot},
	}
	if v, ok := m["uid"]; ok {
		a.UID = p.scalar(v, "uid")
	}
	if v, ok := m["account"]; ok {
		a.Account = p.scalar(v, "account")
	}
	if v, ok := m["region"]; ok {
		a.Region = p.scalar(v, "region")
	}
	if v, ok := m["tags"]; ok {
		a.Tags = p.tags(v)
	}
	if v, ok := m["config"]; ok {
		switch {
		case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		case v.Kind != yaml.MappingNode:
			p.errorf(v, "config must be a mapping")
		default:
			if cfg, ok := p.value(v).(map[string]any); ok {
				a.Config = asset.Normalize(cfg).(map[string]any)
			}
		}
	}
	if v, ok := m["errors"]; ok {
		a.Errors = p.fieldErrors(v)
	}
	if v, ok := m["expect"]; ok {
		s, err := finding.ParseStatus(p.scalar(v, "expect"))
		switch {
		case err != nil:
			p.errorf(v, "%v", err)
		case s != finding.NotApplicable && s != finding.Error && s != want:
			p.errorf(v, "expect may only be NOT_APPLICABLE or ERROR (a case expecting %s belongs in the other fixture)", s)
		default:
			fc.expect = s
		}
	}
	a.CollectedAt = DefaultNow
	a.Hash = a.ComputeHash()
	fc.asset = a
	return fc, len(p.errs) == before
}

func (p *fixtureParser) tags(n *yaml.Node) map[string]string {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "tags must be a mapping of strings")
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			p.errorf(v, "tag %q must be a string", k.Value)
			continue
		}
		out[k.Value] = v.Value
	}
	return out
}

func (p *fixtureParser) fieldErrors(n *yaml.Node) []asset.FieldError {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "errors must be a list of {path, action, code, message}")
		return nil
	}
	var out []asset.FieldError
	for _, e := range n.Content {
		if e.Kind != yaml.MappingNode {
			p.errorf(e, "an error is a mapping with keys %s", strings.Join(errorKeys, ", "))
			continue
		}
		m := p.mapping(e, "error", errorKeys)
		var fe asset.FieldError
		if v, ok := m["path"]; ok {
			fe.Path = p.scalar(v, "path")
		}
		if v, ok := m["action"]; ok {
			fe.Action = p.scalar(v, "action")
		}
		if v, ok := m["code"]; ok {
			fe.Code = p.scalar(v, "code")
		}
		if v, ok := m["message"]; ok {
			fe.Message = p.scalar(v, "message")
		}
		if fe.Message == "" && fe.Code == "" {
			p.errorf(e, "an error needs a code or a message")
		}
		out = append(out, fe)
	}
	return out
}

// value converts a YAML node into Config data. Timestamps stay the strings
// they were written as (the shapes keep RFC 3339 strings), integers become
// int64.
func (p *fixtureParser) value(n *yaml.Node) any {
	switch n.Kind {
	case yaml.AliasNode:
		return p.value(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				p.errorf(k, "keys must be strings")
				continue
			}
			if _, dup := m[k.Value]; dup {
				p.errorf(k, "duplicate key %q", k.Value)
				continue
			}
			m[k.Value] = p.value(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			l = append(l, p.value(e))
		}
		return l
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err == nil {
				return b
			}
		case "!!int":
			var i int64
			if err := n.Decode(&i); err == nil {
				return i
			}
			p.errorf(n, "integer %s out of range", n.Value)
			return nil
		case "!!float":
			var f float64
			if err := n.Decode(&f); err == nil {
				return f
			}
		}
		return n.Value
	}
	p.errorf(n, "unsupported YAML value")
	return nil
}
