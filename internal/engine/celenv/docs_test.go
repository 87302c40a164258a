package celenv

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// docs/checks.md documents every helper and its examples must compile.

func readDocs(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../../docs/checks.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDocsDescribeEveryFunction(t *testing.T) {
	doc := readDocs(t)
	for _, f := range Functions() {
		if !strings.Contains(doc, "### `"+f.Signature+"`") {
			t.Errorf("docs/checks.md has no heading ### `%s`", f.Signature)
		}
	}
}

var celBlock = regexp.MustCompile("(?s)```cel\n(.*?)```")

// docExpressions splits a cel block into expressions: a line continues the
// previous one when it is indented or the previous one ends with an
// operator; `//` comments are dropped.
func docExpressions(block string) []string {
	lines := strings.Split(block, "\n")
	indent := -1 // blocks inside list items are indented as a whole
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			if n := len(l) - len(strings.TrimLeft(l, " ")); indent < 0 || n < indent {
				indent = n
			}
		}
	}
	var out []string
	cur := ""
	for _, line := range lines {
		if len(line) >= indent && indent > 0 {
			line = line[indent:]
		}
		if i := strings.Index(line, "//"); i >= 0 && !strings.Contains(line[:i], `"`) {
			line = line[:i]
		} else if i := strings.Index(line, " //"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimRight(line, " ")
		if strings.TrimSpace(line) == "" {
			if cur != "" {
				out = append(out, cur)
				cur = ""
			}
			continue
		}
		prev := strings.TrimSpace(cur)
		cont := strings.HasPrefix(line, " ") || strings.HasSuffix(prev, "&&") || strings.HasSuffix(prev, "||") ||
			strings.HasSuffix(prev, "(") || strings.HasSuffix(prev, ",")
		if cur != "" && !cont {
			out = append(out, cur)
			cur = ""
		}
		cur += line + "\n"
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

func TestDocsExamplesCompile(t *testing.T) {
	n := 0
	for _, m := range celBlock.FindAllStringSubmatch(readDocs(t), -1) {
		for _, expr := range docExpressions(m[1]) {
			n++
			if _, err := Compile(expr); err != nil {
				t.Errorf("example does not compile: %v\n%s", err, expr)
			}
		}
	}
	if n < 30 {
		t.Errorf("found only %d examples", n)
	}
}
