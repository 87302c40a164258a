// Package yamldoc reads hand-written YAML documents (configuration,
// exceptions as code, imported lists) node by node, so that every problem
// is reported with the file and line it comes from, and all problems of a
// file are reported at once.
package yamldoc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Error is one problem at a place in a file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Parse decodes the single YAML document of a file and returns its root
// node (nil for an empty file). Syntax errors name the file and line.
func Parse(file string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, syntaxError(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{File: file, Line: extra.Line, Msg: "expected one YAML document, found a second"}
	} else if !errors.Is(err, io.EOF) {
		return nil, syntaxError(file, err)
	}
	root := Resolve(&doc)
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, nil
		}
		root = Resolve(root.Content[0])
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	return root, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// syntaxError rewrites the YAML library's "yaml: line N: msg" as file:N.
func syntaxError(file string, err error) error {
	var out []error
	for _, part := range strings.Split(err.Error(), "\n") {
		part = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(part), "yaml: unmarshal errors:"))
		if part == "" {
			continue
		}
		if m := yamlLine.FindStringSubmatch(part); m != nil {
			line, _ := strconv.Atoi(m[1])
			if parserProblem(m[2]) {
				line++ // the library's parser counts lines from 0
			}
			out = append(out, &Error{File: file, Line: line, Msg: "YAML syntax: " + m[2]})
			continue
		}
		out = append(out, &Error{File: file, Msg: "YAML syntax: " + strings.TrimPrefix(part, "yaml: ")})
	}
	return errors.Join(out...)
}

// parserProblem recognises the messages of the YAML library's parser,
// whose line numbers start at 0 (those of its scanner start at 1).
func parserProblem(msg string) bool {
	for _, p := range []string{"did not find expected", "found duplicate %", "found incompatible YAML document", "found undefined tag handle"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// Resolve follows aliases.
func Resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// KindName describes a node's kind for messages.
func KindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return "a scalar"
	}
	return "nothing"
}

// IsNull reports whether n is absent or an explicit null.
func IsNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// Reader collects the problems of one file.
type Reader struct {
	File string
	errs []error
}

// Errorf records a problem at n (line 0 when n is nil).
func (r *Reader) Errorf(n *yaml.Node, format string, args ...any) {
	e := &Error{File: r.File, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line = n.Line
	}
	r.errs = append(r.errs, e)
}

// Add records a problem found elsewhere, at a line.
func (r *Reader) Add(line int, msg string) {
	r.errs = append(r.errs, &Error{File: r.File, Line: line, Msg: msg})
}

// Err returns every recorded problem joined, or nil.
func (r *Reader) Err() error { return errors.Join(r.errs...) }

// Failed reports whether a problem was recorded.
func (r *Reader) Failed() bool { return len(r.errs) > 0 }

// Field is one key of a mapping with its value.
type Field struct {
	Key, Value *yaml.Node
}

// Mapping returns the fields of a mapping node by key, reporting a node
// that is not a mapping and unknown or duplicate keys. known nil accepts
// any key.
func (r *Reader) Mapping(n *yaml.Node, what string, known []string) map[string]Field {
	out := map[string]Field{}
	n = Resolve(n)
	if IsNull(n) {
		return out
	}
	if n.Kind != yaml.MappingNode {
		r.Errorf(n, "%s must be a mapping, got %s", what, KindName(n))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := Resolve(n.Content[i]), Resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			r.Errorf(k, "%s keys must be strings", what)
			continue
		}
		if prev, dup := out[k.Value]; dup {
			r.Errorf(k, "duplicate key %q in %s (first at line %d)", k.Value, what, prev.Key.Line)
			continue
		}
		if known != nil && !slices.Contains(known, k.Value) {
			r.Errorf(k, "unknown key %q in %s (known keys: %s)", k.Value, what, strings.Join(known, ", "))
			continue
		}
		out[k.Value] = Field{k, v}
	}
	return out
}

// Pairs returns a mapping's keys and values in file order, reporting
// duplicates.
func (r *Reader) Pairs(n *yaml.Node, what string) []Field {
	n = Resolve(n)
	if IsNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		r.Errorf(n, "%s must be a mapping, got %s", what, KindName(n))
		return nil
	}
	var out []Field
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := Resolve(n.Content[i]), Resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			r.Errorf(k, "%s keys must be strings", what)
			continue
		}
		if line, dup := seen[k.Value]; dup {
			r.Errorf(k, "duplicate key %q in %s (first at line %d)", k.Value, what, line)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, Field{k, v})
	}
	return out
}

// String reads a scalar; null is "".
func (r *Reader) String(n *yaml.Node, what string) string {
	n = Resolve(n)
	if IsNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		r.Errorf(n, "%s must be a string, got %s", what, KindName(n))
		return ""
	}
	return n.Value
}

// Strings reads a list of scalars, or one scalar as a list of one.
func (r *Reader) Strings(n *yaml.Node, what string) []string {
	n = Resolve(n)
	switch {
	case IsNull(n):
		return nil
	case n.Kind == yaml.ScalarNode:
		return []string{n.Value}
	case n.Kind != yaml.SequenceNode:
		r.Errorf(n, "%s must be a list of strings, got %s", what, KindName(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, e := range n.Content {
		e = Resolve(e)
		if e.Kind != yaml.ScalarNode || IsNull(e) {
			r.Errorf(e, "%s: each entry must be a string, got %s", what, KindName(e))
			continue
		}
		out = append(out, e.Value)
	}
	return out
}

// Bool reads a boolean scalar.
func (r *Reader) Bool(n *yaml.Node, what string) bool {
	n = Resolve(n)
	if IsNull(n) {
		return false
	}
	var b bool
	if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
		r.Errorf(n, "%s must be true or false, got %q", what, n.Value)
	}
	return b
}

// Int reads an integer scalar.
func (r *Reader) Int(n *yaml.Node, what string) int {
	n = Resolve(n)
	if IsNull(n) {
		return 0
	}
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		r.Errorf(n, "%s must be a whole number, got %q", what, n.Value)
	}
	return v
}

// Time reads an RFC 3339 time or a date (midnight UTC); null is the zero
// time.
func (r *Reader) Time(n *yaml.Node, what string) time.Time {
	s := strings.TrimSpace(r.String(n, what))
	if s == "" {
		return time.Time{}
	}
	t, err := ParseTime(s)
	if err != nil {
		r.Errorf(n, "%s: %v", what, err)
	}
	return t
}

// ParseTime accepts RFC 3339 (with or without fractional seconds) or a
// date, which means midnight UTC.
func ParseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time (RFC 3339, e.g. 2026-03-01T00:00:00Z, or a date, 2026-03-01)", s)
}

// Days reads a duration given in days ("30d", "12w" or a bare number of
// days).
func (r *Reader) Days(n *yaml.Node, what string) time.Duration {
	s := strings.TrimSpace(r.String(n, what))
	if s == "" {
		r.Errorf(n, "%s must not be empty", what)
		return 0
	}
	d, err := ParseDays(s)
	if err != nil {
		r.Errorf(n, "%s: %v", what, err)
	}
	return d
}

// ParseDays reads a whole number of days or weeks: "90d", "12w", "90".
func ParseDays(s string) (time.Duration, error) {
	num, unit := s, 1
	switch {
	case strings.HasSuffix(s, "d"):
		num = s[:len(s)-1]
	case strings.HasSuffix(s, "w"):
		num, unit = s[:len(s)-1], 7
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a positive number of days (e.g. 90d) or weeks (12w)", s)
	}
	return time.Duration(n*unit) * 24 * time.Hour, nil
}
