package cloudformation

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parseError is a syntax error with the line it was found on (0 when the
// parser did not say).
type parseError struct {
	line int
	msg  string
}

func (e *parseError) Error() string { return e.msg }

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

// parserProblems are the messages of go.yaml.in/yaml/v3's parser, whose
// line numbers are 0-based where its scanner's are 1-based.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'": true, "did not find expected ',' or '}'": true,
	"did not find expected '-' indicator": true, "did not find expected <document start>": true,
	"did not find expected <stream-start>": true, "did not find expected key": true,
	"did not find expected node content": true, "found duplicate %TAG directive": true,
	"found duplicate %YAML directive": true, "found incompatible YAML document": true,
	"found undefined tag handle": true,
}

// parseDocument reads YAML or JSON (JSON is read by the YAML parser, which
// accepts it and keeps line numbers) and returns the top-level node.
func parseDocument(src []byte) (root *yaml.Node, multi bool, err error) {
	defer func() {
		// The parser is not expected to panic on any input, but a template
		// must never take the scan down with it.
		if r := recover(); r != nil {
			root, err = nil, &parseError{msg: fmt.Sprintf("cannot parse: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, false, &parseError{msg: "empty document"}
		}
		return nil, false, syntaxError(err)
	}
	var next yaml.Node
	if dec.Decode(&next) == nil {
		multi = true
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return doc.Content[0], multi, nil
	}
	return nil, multi, &parseError{line: doc.Line, msg: "empty document"}
}

// syntaxError turns a parser error into a parseError with its line.
func syntaxError(err error) *parseError {
	msg := err.Error()
	pe := &parseError{msg: msg}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		pe.msg = strings.TrimSpace(msg[len(m[0]):])
		if m[1] != "" {
			pe.line, _ = strconv.Atoi(m[1])
			// The parser (unlike the scanner) reports 0-based lines.
			if parserProblems[pe.msg] {
				pe.line++
			}
		}
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		pe.msg = strings.Join(te.Errors, "; ")
	}
	return pe
}

// deref follows YAML aliases to the anchored node.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	return n
}

// pairs calls fn for each key/value of a mapping node, in source order.
func pairs(n *yaml.Node, fn func(k, v *yaml.Node)) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		fn(n.Content[i], n.Content[i+1])
	}
}

// field returns the value of a key in a mapping node, or nil.
func field(n *yaml.Node, key string) *yaml.Node {
	var out *yaml.Node
	pairs(n, func(k, v *yaml.Node) {
		if out == nil && k.Value == key {
			out = v
		}
	})
	return out
}

// scalarString returns the text of a scalar node.
func scalarString(n *yaml.Node) (string, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	return n.Value, true
}

// endLine is the last line a node's text occupies. The parser records only
// where nodes start, so flow collections (all of JSON) are closed by
// scanning for their bracket, and block scalars by their indentation.
func endLine(n *yaml.Node, lines []string) int {
	if n == nil {
		return 0
	}
	switch n.Kind { // an alias (*name) is not followed: it takes its own line
	case yaml.ScalarNode:
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			return blockScalarEnd(n.Line, lines)
		}
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			if end := quotedEnd(n, lines); end > 0 {
				return end
			}
		}
		return n.Line
	case yaml.MappingNode, yaml.SequenceNode:
		if n.Style&yaml.FlowStyle != 0 {
			if end := flowEnd(n.Line, n.Column, lines); end > 0 {
				return end
			}
		}
		end := n.Line
		for _, c := range n.Content {
			if e := endLine(c, lines); e > end {
				end = e
			}
		}
		return end
	}
	return n.Line
}

// blockScalarEnd finds the last content line of a literal or folded scalar
// whose indicator is on line start: content lines are blank or indented at
// least as much as the first content line.
func blockScalarEnd(start int, lines []string) int {
	end, indent := start, -1
	for i := start; i < len(lines); i++ { // lines[i] is line i+1
		l := lines[i]
		if strings.TrimSpace(l) == "" {
			continue
		}
		ind := len(l) - len(strings.TrimLeft(l, " "))
		if indent < 0 {
			indent = ind
		}
		if ind < indent || (start > 0 && ind <= leadingSpaces(lines[start-1])) {
			break
		}
		end = i + 1
	}
	return end
}

func leadingSpaces(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// quotedEnd finds the line of the closing quote of a quoted scalar.
func quotedEnd(n *yaml.Node, lines []string) int {
	line, col := n.Line-1, n.Column-1
	if line < 0 || line >= len(lines) || col < 0 || col >= len(lines[line]) {
		return 0
	}
	q := lines[line][col]
	if q != '"' && q != '\'' {
		return 0
	}
	col++
	for ; line < len(lines); line, col = line+1, 0 {
		l := lines[line]
		for ; col < len(l); col++ {
			switch {
			case q == '"' && l[col] == '\\':
				col++
			case l[col] == q:
				if q == '\'' && col+1 < len(l) && l[col+1] == '\'' {
					col++
					continue
				}
				return line + 1
			}
		}
	}
	return 0
}

// flowEnd scans from a flow collection's position (or a tag before it) to
// its matching closing bracket, skipping quoted strings; 0 if not found.
func flowEnd(line, col int, lines []string) int {
	depth := 0
	var quote byte
	prev := byte('[') // last significant character: a quote opens a string only where a scalar starts
	for i, c := line-1, col-1; i >= 0 && i < len(lines); i, c = i+1, 0 {
		l := lines[i]
		if c < 0 {
			c = 0
		}
		for ; c < len(l); c++ {
			ch := l[c]
			if quote != 0 {
				switch {
				case quote == '"' && ch == '\\':
					c++
				case quote == '\'' && ch == '\'' && c+1 < len(l) && l[c+1] == '\'':
					c++ // '' is a quote inside single quotes
				case ch == quote:
					quote = 0
				}
				continue
			}
			if ch == ' ' || ch == '\t' {
				continue
			}
			last := prev
			prev = ch
			switch ch {
			case '"', '\'':
				if depth > 0 && strings.IndexByte("[{,:?", last) >= 0 {
					quote = ch
				}
			case '#':
				if depth > 0 && (c == 0 || l[c-1] == ' ' || l[c-1] == '\t') {
					c = len(l) // a YAML comment runs to the end of the line
				}
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
	}
	return 0
}

// splitLines splits source text into lines without their terminators.
func splitLines(src []byte) []string {
	s := strings.ReplaceAll(string(src), "\r\n", "\n")
	return strings.Split(s, "\n")
}
