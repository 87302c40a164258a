package cloudsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/parapet-dev/parapet/internal/suggest"
	"github.com/parapet-dev/parapet/internal/yamldoc"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/smithy-go/middleware"
	"go.yaml.in/yaml/v3"
)

// decoder turns a YAML node tree into Go values (the world types, which
// embed AWS SDK types), reporting every problem with file:line and the
// path of the field. It remembers the line of every node it decoded so
// that the semantic checks after decoding can point at lines too.
type decoder struct {
	file  string
	lines map[string]int // path -> line
	errs  []posError
	// noLines is set when checking a world built in Go.
	noLines bool
}

type posError struct {
	line int
	msg  string
}

func (d *decoder) errorf(line int, path, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	d.errs = append(d.errs, posError{line, msg})
}

// err returns all problems, in line order, as one error.
func (d *decoder) err() error {
	if len(d.errs) == 0 {
		return nil
	}
	sort.SliceStable(d.errs, func(i, j int) bool { return d.errs[i].line < d.errs[j].line })
	var errs []error
	for i, e := range d.errs {
		if i == 20 {
			errs = append(errs, fmt.Errorf("%s: ... and %d more problems", d.file, len(d.errs)-i))
			break
		}
		if e.line == 0 {
			errs = append(errs, fmt.Errorf("%s: %s", d.file, e.msg))
			continue
		}
		errs = append(errs, fmt.Errorf("%s:%d: %s", d.file, e.line, e.msg))
	}
	return errors.Join(errs...)
}

// line returns the line of the node decoded at path, or of its closest
// decoded ancestor.
func (d *decoder) line(path string) int {
	for p := path; p != ""; {
		if l, ok := d.lines[p]; ok {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	if d.noLines {
		return 0
	}
	return 1
}

// docFields are string fields holding a JSON policy document, which a world
// may write as YAML.
var docFields = map[string]bool{
	"PolicyDocument":           true,
	"AssumeRolePolicyDocument": true,
	"Document":                 true,
	"Policy":                   true,
	"LifecyclePolicy":          true,
	"AccessPolicies":           true,
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
	metadataType = reflect.TypeFor[middleware.Metadata]()
)

type fieldInfo struct {
	name  string
	index []int
}

var fieldCache sync.Map // reflect.Type -> map[string]fieldInfo (lower-case name)

// structFields lists the settable fields of t, including those promoted
// from embedded structs, keyed by lower-case name.
func structFields(t reflect.Type) map[string]fieldInfo {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]fieldInfo)
	}
	m := map[string]fieldInfo{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous && f.Type.Kind() == reflect.Struct || f.Type == metadataType {
			continue
		}
		m[strings.ToLower(f.Name)] = fieldInfo{name: f.Name, index: f.Index}
	}
	fieldCache.Store(t, m)
	return m
}

func fieldNames(t reflect.Type) []string {
	var names []string
	for _, f := range structFields(t) {
		names = append(names, f.name)
	}
	sort.Strings(names)
	return names
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if yamldoc.IsNull(n) {
			return "null"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an unexpected node"
}

// decode sets v from n. path names v for messages ("accounts[0].Regions[us-east-1]").
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	n = yamldoc.Resolve(n)
	if n == nil {
		return
	}
	d.lines[path] = n.Line
	t := v.Type()
	switch {
	case t.Kind() == reflect.Pointer:
		if yamldoc.IsNull(n) {
			v.Set(reflect.Zero(t))
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		d.decode(n, v.Elem(), path)
		return
	case t == timeType:
		d.decodeTime(n, v, path)
		return
	case t == durationType:
		if n.Kind != yaml.ScalarNode {
			d.errorf(n.Line, path, "expected a duration such as 250ms, got %s", kindName(n))
			return
		}
		dur, err := time.ParseDuration(n.Value)
		if err != nil {
			d.errorf(n.Line, path, "expected a duration such as 250ms, got %q", n.Value)
			return
		}
		v.SetInt(int64(dur))
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		if yamldoc.IsNull(n) {
			v.Set(reflect.Zero(t))
			return
		}
		if n.Kind != yaml.SequenceNode {
			d.errorf(n.Line, path, "expected a list, got %s", kindName(n))
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Map:
		if yamldoc.IsNull(n) {
			v.Set(reflect.Zero(t))
			return
		}
		if n.Kind != yaml.MappingNode || t.Key().Kind() != reflect.String {
			d.errorf(n.Line, path, "expected a mapping, got %s", kindName(n))
			return
		}
		m := reflect.MakeMapWithSize(t, len(n.Content)/2)
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := yamldoc.Resolve(n.Content[i]), n.Content[i+1]
			if first, dup := seen[k.Value]; dup {
				d.errorf(k.Line, path, "duplicate key %q (first at line %d)", k.Value, first)
				continue
			}
			seen[k.Value] = k.Line
			ev := reflect.New(t.Elem()).Elem()
			d.decode(val, ev, fmt.Sprintf("%s[%s]", path, k.Value))
			m.SetMapIndex(reflect.ValueOf(k.Value).Convert(t.Key()), ev)
		}
		v.Set(m)
	case reflect.String:
		d.decodeString(n, v, path)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			d.errorf(n.Line, path, "expected true or false, got %s", kindName(n))
			return
		}
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(n.Value, 10, t.Bits())
		if n.Kind != yaml.ScalarNode || err != nil {
			d.errorf(n.Line, path, "expected an integer, got %s", kindName(n))
			return
		}
		v.SetInt(i)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(n.Value, t.Bits())
		if n.Kind != yaml.ScalarNode || err != nil {
			d.errorf(n.Line, path, "expected a number, got %s", kindName(n))
			return
		}
		v.SetFloat(f)
	default:
		d.errorf(n.Line, path, "this field cannot be set in a world")
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n.Line, path, "expected a mapping, got %s", kindName(n))
		return
	}
	fields := structFields(v.Type())
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := yamldoc.Resolve(n.Content[i]), n.Content[i+1]
		f, ok := fields[strings.ToLower(k.Value)]
		if !ok {
			if near := suggest.Closest(k.Value, fieldNames(v.Type())); near != "" {
				d.errorf(k.Line, path, "unknown field %q (did you mean %s?)", k.Value, near)
			} else {
				d.errorf(k.Line, path, "unknown field %q (known fields: %s)", k.Value, strings.Join(fieldNames(v.Type()), ", "))
			}
			continue
		}
		if first, dup := seen[f.name]; dup {
			d.errorf(k.Line, path, "field %s given twice (first at line %d)", f.name, first)
			continue
		}
		seen[f.name] = k.Line
		fp := f.name
		if path != "" {
			fp = path + "." + f.name
		}
		d.decode(val, v.FieldByIndex(f.index), fp)
	}
}

func (d *decoder) decodeTime(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.ScalarNode {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
			if t, err := time.Parse(layout, n.Value); err == nil {
				v.Set(reflect.ValueOf(t.UTC()))
				return
			}
		}
	}
	d.errorf(n.Line, path, "expected an RFC 3339 timestamp such as 2026-01-02T15:04:05Z, got %s", kindName(n))
}

func (d *decoder) decodeString(n *yaml.Node, v reflect.Value, path string) {
	name := path[strings.LastIndex(path, ".")+1:]
	if n.Kind != yaml.ScalarNode {
		if docFields[name] && (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) {
			var buf bytes.Buffer
			writeNodeJSON(&buf, n)
			v.SetString(buf.String())
			return
		}
		d.errorf(n.Line, path, "expected a string, got %s", kindName(n))
		return
	}
	if yamldoc.IsNull(n) {
		v.SetString("")
		return
	}
	if docFields[name] && !json.Valid([]byte(n.Value)) {
		d.errorf(n.Line, path, "policy document is not valid JSON")
		return
	}
	if allowed := enumValues(v.Type()); allowed != nil && !contains(allowed, n.Value) {
		d.errorf(n.Line, path, "unknown value %q (expected one of: %s)", n.Value, strings.Join(allowed, ", "))
		return
	}
	v.SetString(n.Value)
}

// enumValues returns the values an SDK enum type declares, or nil.
func enumValues(t reflect.Type) []string {
	if t.PkgPath() == "" {
		return nil
	}
	m, ok := t.MethodByName("Values")
	if !ok || m.Type.NumIn() != 1 || m.Type.NumOut() != 1 || m.Type.Out(0).Kind() != reflect.Slice {
		return nil
	}
	out := m.Func.Call([]reflect.Value{reflect.Zero(t)})[0]
	vals := make([]string, out.Len())
	for i := range vals {
		vals[i] = out.Index(i).String()
	}
	return vals
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// writeNodeJSON writes a YAML node as JSON, keeping mapping order so a
// policy document reads as it was written.
func writeNodeJSON(buf *bytes.Buffer, n *yaml.Node) {
	n = yamldoc.Resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		buf.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				buf.WriteByte(',')
			}
			k, _ := json.Marshal(yamldoc.Resolve(n.Content[i]).Value)
			buf.Write(k)
			buf.WriteByte(':')
			writeNodeJSON(buf, n.Content[i+1])
		}
		buf.WriteByte('}')
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeNodeJSON(buf, c)
		}
		buf.WriteByte(']')
	default:
		switch n.ShortTag() {
		case "!!null":
			buf.WriteString("null")
		case "!!bool":
			buf.WriteString(strings.ToLower(n.Value))
		case "!!int", "!!float":
			if json.Valid([]byte(n.Value)) {
				buf.WriteString(n.Value)
				return
			}
			fallthrough
		default:
			s, _ := json.Marshal(n.Value)
			buf.Write(s)
		}
	}
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlSyntaxError rewrites the YAML library's "yaml: line N: msg" as
// "file:N: msg".
func yamlSyntaxError(file string, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s:%s: %s", file, m[1], msg[len(m[0]):])
	}
	return fmt.Errorf("%s: %s", file, strings.TrimPrefix(msg, "yaml: "))
}
