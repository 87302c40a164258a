package checktest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/internal/check"
)

// The examples of docs/checks.md are real: the checks parse, the custom
// check passes its fixtures, and the error messages shown are the ones
// Parapet prints.

var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

func docBlock(t *testing.T, marker string) string {
	t.Helper()
	b, err := os.ReadFile("../../docs/checks.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range yamlBlock.FindAllStringSubmatch(string(b), -1) {
		if strings.Contains(m[1], marker) {
			return dedent(m[1])
		}
	}
	t.Fatalf("docs/checks.md has no yaml block with %q", marker)
	return ""
}

func dedent(s string) string {
	lines := strings.Split(s, "\n")
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			if n := len(l) - len(strings.TrimLeft(l, " ")); indent < 0 || n < indent {
				indent = n
			}
		}
	}
	for i, l := range lines {
		if len(l) >= indent {
			lines[i] = l[indent:]
		}
	}
	return strings.Join(lines, "\n")
}

func TestDocsExampleCheck(t *testing.T) {
	if _, err := check.Parse("example.yaml", []byte(docBlock(t, "id: aws-s3-bucket-public-access-block"))); err != nil {
		t.Error(err)
	}
}

func TestDocsCustomCheck(t *testing.T) {
	src := docBlock(t, "id: acme-ec2-owner-tag\n")
	fail := docBlock(t, "# my-checks/testdata/acme-ec2-owner-tag.fail.yaml")
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("acme-ec2-owner-tag.yaml", src)
	write("testdata/acme-ec2-owner-tag.fail.yaml", fail)
	write("testdata/acme-ec2-owner-tag.pass.yaml", `assets:
  - name: owned
    tags: {owner: web@acme.example}
    config: {InstanceId: i-1, State: {Name: running}}
  - name: stopped instance
    expect: NOT_APPLICABLE
    config: {InstanceId: i-2, State: {Name: stopped}}
`)
	rep, err := RunDir(dir)
	if err != nil || !rep.OK() || rep.Passed() != 4 {
		t.Fatalf("err %v, report %+v", err, rep.Cases)
	}

	// Each shown load error, produced from the example.
	b, _ := os.ReadFile("../../docs/checks.md")
	doc := string(b)
	mutations := []struct{ old, new string }{
		{"severity: low", "severity: urgent"},
		{"title:", "titel:"},
		{"risk: Nobody answers for an instance without an owner; it is neither patched nor shut down.\n", ""},
		{"resource: aws.ec2.instance", "resource: aws.ec2.instances"},
		{"id: acme-ec2-owner-tag", "id: Acme_Owner"},
		{"when: resource.config", "when: resorce.config"},
		{"State.Name ==", "State.Nmae =="},
		{`resource.tags.?owner.orValue("").endsWith("@acme.example")`, `"owner: " + resource.tags.?owner.orValue("")`},
	}
	for _, m := range mutations {
		if !strings.Contains(src, m.old) {
			t.Fatalf("example lacks %q", m.old)
		}
		_, err := check.Parse("my-checks/acme-ec2-owner-tag.yaml", []byte(strings.Replace(src, m.old, m.new, 1)))
		if err == nil {
			t.Errorf("%s: no error", m.new)
			continue
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			shown := line
			if i := strings.Index(line, " (known types: "); i >= 0 {
				shown = line[:i] + " (known types: ...)"
			}
			if !strings.Contains(doc, shown+"\n") {
				t.Errorf("docs/checks.md does not show the error Parapet prints:\n%s", shown)
			}
		}
	}
}
