package check

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/parapet-dev/parapet/internal/suggest"
	"github.com/parapet-dev/parapet/internal/yamldoc"
	"io"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/engine/celenv"
)

// Error is one problem in a check file, located at a line and (when known)
// a column.
type Error struct {
	File   string
	Line   int
	Column int
	Msg    string
}

func (e *Error) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Column == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

const maxIDLen = 128

// knownKeys lists a check's top-level keys in documentation order.
var knownKeys = []string{"id", "title", "severity", "resource", "when", "assert",
	"description", "risk", "remediation", "references"}

var remediationKeys = []string{"text", "cli", "terraform", "action"}

// parser collects every problem of one file instead of stopping at the
// first, so an author fixes a file in one round.
type parser struct {
	file  string
	lines []string
	errs  []error
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	e := &Error{File: p.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	p.errs = append(p.errs, e)
}

// Parse reads and validates one check file: its keys, required fields,
// severity, resource type and id, and compiles its expressions (type errors
// and unknown fields of the resource type are reported at their position in
// the file). Every problem found is returned, joined.
func Parse(filename string, data []byte) (*Check, error) {
	p := &parser{file: filename, lines: strings.Split(string(data), "\n")}
	doc, err := p.document(data)
	if err != nil {
		return nil, err
	}
	c := p.check(doc)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return c, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// document decodes the single YAML document of a file.
func (p *parser) document(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, &Error{File: p.file, Msg: "file is empty"}
		}
		return nil, p.syntaxError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{File: p.file, Line: extra.Line, Msg: "a check file holds one check; found a second YAML document"}
	} else if err != io.EOF {
		return nil, p.syntaxError(err)
	}
	return &doc, nil
}

// syntaxError rewrites yaml's "yaml: line N: msg" as file:N: msg.
func (p *parser) syntaxError(err error) error {
	msg := err.Error()
	var out []error
	for _, part := range strings.Split(msg, "\n") {
		part = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(part), "yaml: unmarshal errors:"))
		if part == "" {
			continue
		}
		if m := yamlLine.FindStringSubmatch(part); m != nil {
			line, _ := strconv.Atoi(m[1])
			if isParserProblem(m[2]) {
				line++
			}
			out = append(out, &Error{File: p.file, Line: line, Msg: "YAML syntax: " + m[2]})
			continue
		}
		out = append(out, &Error{File: p.file, Msg: "YAML syntax: " + strings.TrimPrefix(part, "yaml: ")})
	}
	return errors.Join(out...)
}

// The YAML library numbers lines from 0 in the errors of its parser (but
// from 1 in those of its scanner); these are the parser's problems.
var parserProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected <stream-start>",
	"did not find expected key",
	"did not find expected node content",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

func isParserProblem(msg string) bool {
	for _, p := range parserProblems {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// mapping returns the key/value pairs of a mapping node, reporting unknown
// and duplicate keys.
func (p *parser) mapping(n *yaml.Node, what string, known []string) map[string][2]*yaml.Node {
	out := map[string][2]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := yamldoc.Resolve(n.Content[i]), yamldoc.Resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "%s keys must be strings", what)
			continue
		}
		if prev, dup := out[k.Value]; dup {
			p.errorf(k, "duplicate key %q (first at line %d)", k.Value, prev[0].Line)
			continue
		}
		isKnown := false
		for _, kk := range known {
			if kk == k.Value {
				isKnown = true
				break
			}
		}
		if !isKnown {
			p.errorf(k, "unknown key %q in %s (known keys: %s)", k.Value, what, strings.Join(known, ", "))
			continue
		}
		out[k.Value] = [2]*yaml.Node{k, v}
	}
	return out
}

// str reads a scalar as a string; a null scalar is the empty string.
func (p *parser) str(kv [2]*yaml.Node) string {
	v := kv[1]
	if v == nil {
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		p.errorf(v, "%s must be a string, got %s", kv[0].Value, yamldoc.KindName(v))
		return ""
	}
	if v.Tag == "!!null" {
		return ""
	}
	return v.Value
}

func (p *parser) check(doc *yaml.Node) *Check {
	root := yamldoc.Resolve(doc)
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = yamldoc.Resolve(root.Content[0])
	}
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "a check is a mapping with keys %s; got %s", strings.Join(knownKeys, ", "), yamldoc.KindName(root))
		return nil
	}
	m := p.mapping(root, "check", knownKeys)
	c := &Check{File: p.file}
	required := func(key string) string {
		kv, ok := m[key]
		if !ok {
			p.errorf(root, "missing required key %q", key)
			return ""
		}
		s := p.str(kv)
		if strings.TrimSpace(s) == "" && kv[1].Kind == yaml.ScalarNode {
			p.errorf(kv[1], "%s must not be empty", key)
		}
		return s
	}

	c.ID = required("id")
	if kv, ok := m["id"]; ok && c.ID != "" {
		c.idLine = kv[1].Line
		if !idPattern.MatchString(c.ID) || len(c.ID) > maxIDLen {
			p.errorf(kv[1], "invalid id %q: use lowercase letters, digits and single dashes (e.g. aws-s3-bucket-versioning), at most %d characters", c.ID, maxIDLen)
		}
	}
	c.Title = required("title")
	if kv, ok := m["title"]; ok && strings.Contains(strings.TrimSpace(c.Title), "\n") {
		p.errorf(kv[1], "title must be a single line")
	}
	if sev := required("severity"); sev != "" {
		s, err := ParseSeverity(sev)
		if err != nil {
			p.errorf(m["severity"][1], "%v", err)
		}
		c.Severity = s
	}
	var typ asset.TypeInfo
	typeOK := false
	if rt := required("resource"); rt != "" {
		c.ResourceType = rt
		if typ, typeOK = asset.LookupType(rt); !typeOK {
			p.errorf(m["resource"][1], "unknown resource type %q%s", rt, knownTypes(rt))
		}
	}
	c.Description = required("description")
	c.Risk = required("risk")
	c.Assert = required("assert")
	if kv, ok := m["when"]; ok {
		c.When = p.str(kv)
		if strings.TrimSpace(c.When) == "" && kv[1].Kind == yaml.ScalarNode {
			p.errorf(kv[1], "when must not be empty (leave the key out to apply to every resource)")
		}
	}

	if kv, ok := m["remediation"]; !ok {
		p.errorf(root, "missing required key %q", "remediation")
	} else if v := kv[1]; v.Kind != yaml.MappingNode {
		p.errorf(v, "remediation must be a mapping with keys %s; got %s", strings.Join(remediationKeys, ", "), yamldoc.KindName(v))
	} else {
		rm := p.mapping(v, "remediation", remediationKeys)
		if t, ok := rm["text"]; !ok {
			p.errorf(v, "missing required key %q in remediation", "text")
		} else if c.Remediation.Text = p.str(t); strings.TrimSpace(c.Remediation.Text) == "" && t[1].Kind == yaml.ScalarNode {
			p.errorf(t[1], "remediation text must not be empty")
		}
		if t, ok := rm["cli"]; ok {
			c.Remediation.CLI = p.str(t)
		}
		if t, ok := rm["terraform"]; ok {
			c.Remediation.Terraform = p.str(t)
		}
		if t, ok := rm["action"]; ok {
			c.Remediation.Action = strings.TrimSpace(p.str(t))
			if strings.ContainsAny(c.Remediation.Action, " \t\n") {
				p.errorf(t[1], "remediation action must be an action id without spaces, got %q", c.Remediation.Action)
			}
		}
	}

	if kv, ok := m["references"]; ok {
		c.References = p.references(kv[1])
	}

	// Expressions last: field checks need the resource type.
	var when *celenv.Expr
	if kv, ok := m["when"]; ok && strings.TrimSpace(c.When) != "" {
		c.WhenLine = firstLine(kv[1])
		when = p.expr("when", kv[1], c.When, typ, typeOK, nil)
	}
	if kv, ok := m["assert"]; ok && strings.TrimSpace(c.Assert) != "" {
		c.AssertLine = firstLine(kv[1])
		p.expr("assert", kv[1], c.Assert, typ, typeOK, when)
	}
	return c
}

func (p *parser) references(n *yaml.Node) []string {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "references must be a list of URLs, got %s", yamldoc.KindName(n))
		return nil
	}
	var out []string
	for _, e := range n.Content {
		e = yamldoc.Resolve(e)
		if e.Kind != yaml.ScalarNode {
			p.errorf(e, "reference must be a URL, got %s", yamldoc.KindName(e))
			continue
		}
		u, err := url.Parse(strings.TrimSpace(e.Value))
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.errorf(e, "reference %q is not an http(s) URL", e.Value)
			continue
		}
		out = append(out, strings.TrimSpace(e.Value))
	}
	return out
}

// knownTypes lists the registered types for an unknown-type message.
func knownTypes(got string) string {
	ts := asset.Types()
	if len(ts) == 0 {
		return " (no resource types are registered: the provider's shape package is not linked in)"
	}
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	sort.Strings(names)
	best := suggest.Closest(got, names)
	s := " (known types: " + strings.Join(names, ", ") + ")"
	if best != "" {
		s = fmt.Sprintf("; did you mean %q?", best) + s
	}
	return s
}

// firstLine is the file line where a scalar's text begins: the line after
// the indicator for block scalars (| and >).
func firstLine(n *yaml.Node) int {
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return n.Line + 1
	}
	return n.Line
}

// expr compiles an expression and reports its issues at their position in
// the file.
func (p *parser) expr(key string, n *yaml.Node, text string, typ asset.TypeInfo, typeOK bool, guard *celenv.Expr) *celenv.Expr {
	e, err := celenv.Compile(text)
	if err != nil {
		var ce *celenv.Error
		if errors.As(err, &ce) {
			for _, is := range ce.Issues {
				p.exprError(key, n, text, is)
			}
		} else {
			p.errorf(n, "%s: %v", key, err)
		}
		return nil
	}
	if typeOK {
		for _, is := range e.CheckFields(typ, guard) {
			p.exprError(key, n, text, is)
		}
	}
	return e
}

func (p *parser) exprError(key string, n *yaml.Node, text string, is celenv.Issue) {
	line, col := p.filePos(n, text, is.Pos)
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Column: col,
		Msg: fmt.Sprintf("%s: %s (expression %d:%d)", key, is.Message, is.Line, is.Column+1)})
}

// filePos maps a position inside a scalar's value to the file. Block
// scalars drop their indentation; flow scalars start at the node's column
// (after the quote) and continue on lines with leading blanks dropped. Each
// source line contributes its text plus one character for the line break,
// which is exact for literal blocks and single lines, and close for folded
// text.
func (p *parser) filePos(n *yaml.Node, text string, pos celenv.Pos) (int, int) {
	exprLines := strings.Split(text, "\n")
	off := 0
	for i := 0; i < pos.Line-1 && i < len(exprLines); i++ {
		off += len(exprLines[i]) + 1
	}
	off += pos.Column

	line := func(i int) string { // 1-based file line without CR
		if i < 1 || i > len(p.lines) {
			return ""
		}
		return strings.TrimSuffix(p.lines[i-1], "\r")
	}
	block := n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
	if block {
		indent := -1
		for i := n.Line + 1; i <= len(p.lines); i++ {
			l := line(i)
			if strings.TrimSpace(l) != "" {
				indent = len(l) - len(strings.TrimLeft(l, " "))
				break
			}
		}
		if indent < 0 {
			return n.Line, n.Column
		}
		for i := n.Line + 1; i <= len(p.lines); i++ {
			l := line(i)
			content := ""
			if len(l) > indent {
				content = l[indent:]
			}
			if off <= len(content) {
				return i, indent + off + 1
			}
			off -= len(content) + 1
		}
		return n.Line, n.Column
	}
	start := n.Column // 1-based column of the first character
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		start++
	}
	for i := n.Line; i <= len(p.lines); i++ {
		l := line(i)
		lead := start - 1
		if i != n.Line {
			lead = len(l) - len(strings.TrimLeft(l, " \t"))
		}
		content := ""
		if len(l) > lead {
			content = l[lead:]
		}
		if off <= len(content) {
			return i, lead + off + 1
		}
		off -= len(content) + 1
	}
	return n.Line, n.Column
}
