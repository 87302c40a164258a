package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/finding"
)

const day = 24 * time.Hour

func TestDefaults(t *testing.T) {
	p := Default().Exceptions
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	for sev, want := range map[string]time.Duration{"critical": 30 * day, "high": 90 * day, "medium": 180 * day, "low": 365 * day, "informational": 365 * day} {
		if got := p.MaxFor(sev); got != want {
			t.Errorf("max %s: %s, want %s", sev, got, want)
		}
	}
	if got := p.RolesFor("critical"); !slices.Equal(got, []string{"global-ciso"}) {
		t.Errorf("critical approvers %v", got)
	}
	if got := p.RolesFor("high"); !slices.Equal(got, []string{"local-ciso", "global-ciso"}) {
		t.Errorf("high approvers %v", got)
	}
	if p.AllowSelfApproval || p.ExpiringNoticeDays != 14 || p.TagKey != "parapet:exception" {
		t.Errorf("defaults %+v", p)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	t.Setenv(EnvConfig, "")

	// No file at the default path: the defaults.
	c, err := Load("")
	if err != nil || c.File != "" || c.Exceptions.TagKey != "parapet:exception" {
		t.Fatalf("without a file: %+v, %v", c, err)
	}
	// A file at the default path is read.
	def, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(def), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(def, []byte("exceptions:\n  tagKey: team:waiver\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err = Load(""); err != nil || c.File != def || c.Exceptions.TagKey != "team:waiver" {
		t.Fatalf("default file: %+v, %v", c, err)
	}
	// The environment and the flag win, and must name a file that exists.
	other := filepath.Join(dir, "other.yaml")
	if err := os.WriteFile(other, []byte("exceptions:\n  expiringNoticeDays: 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvConfig, other)
	if c, err = Load(""); err != nil || c.Exceptions.ExpiringNoticeDays != 3 || c.Exceptions.TagKey != "parapet:exception" {
		t.Fatalf("from the environment: %+v, %v", c, err)
	}
	if c, err = Load(def); err != nil || c.Exceptions.TagKey != "team:waiver" {
		t.Fatalf("from the flag: %+v, %v", c, err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("a missing file named by the flag was accepted")
	}
	t.Setenv(EnvConfig, filepath.Join(dir, "missing.yaml"))
	if _, err := Load(""); err == nil {
		t.Error("a missing file named by the environment was accepted")
	}
}

func TestParse(t *testing.T) {
	c, err := Parse("c.yaml", []byte(`
exceptions:
  approverRoles: [team-lead, ciso]
  approvers:
    critical: [ciso]
    high: ciso
  maxDuration:
    critical: 2w
    low: 400d
  allowSelfApproval: true
  expiringNoticeDays: 0
  tagKey: waiver
`))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Exceptions
	if !slices.Equal(p.ApproverRoles, []string{"team-lead", "ciso"}) || !slices.Equal(p.RolesFor("high"), []string{"ciso"}) ||
		!slices.Equal(p.RolesFor("medium"), []string{"team-lead", "ciso"}) || p.MaxFor("critical") != 14*day || p.MaxFor("low") != 400*day ||
		p.MaxFor("high") != 90*day || !p.AllowSelfApproval || p.ExpiringNoticeDays != 0 || p.TagKey != "waiver" {
		t.Errorf("parsed %+v", p)
	}
	// Renaming the roles drops the default critical rule with its role.
	c, err = Parse("c.yaml", []byte("exceptions:\n  approverRoles: [security]\n"))
	if err != nil || !slices.Equal(c.Exceptions.RolesFor("critical"), []string{"security"}) {
		t.Errorf("roles renamed: %+v, %v", c, err)
	}
	if c, err = Parse("c.yaml", []byte("# nothing yet\n")); err != nil || c.Exceptions.TagKey != finding.DefaultPolicy().TagKey {
		t.Errorf("an empty file: %+v, %v", c, err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"syntax", "exceptions:\n  tagKey: [a\n", []string{"c.yaml:2: YAML syntax"}},
		{"unknown section", "exeptions: {}\n", []string{`c.yaml:1: unknown key "exeptions"`}},
		{"unknown key", "exceptions:\n  maxDays: 3\n", []string{`c.yaml:2: unknown key "maxDays" in exceptions`}},
		{"several at once", `exceptions:
  approverRoles: [a, a]
  approvers:
    severe: [a]
    high: [b]
  maxDuration:
    high: ninety
    low: -3d
  allowSelfApproval: maybe
  expiringNoticeDays: -1
  tagKey: ""
`, []string{"c.yaml:2: exceptions.approverRoles: \"a\" is listed twice", `c.yaml:4: exceptions.approvers: unknown severity "severe"`,
			`c.yaml:5: exceptions.approvers.high: "b" is not one of approverRoles`, `c.yaml:7: exceptions.maxDuration.high: "ninety" is not a positive number of days`,
			`c.yaml:8: exceptions.maxDuration.low`, "c.yaml:9: exceptions.allowSelfApproval must be true or false",
			"c.yaml:10: exceptions.expiringNoticeDays: must not be negative", "c.yaml:11: exceptions.tagKey: must not be empty"}},
		{"approvers with no role", "exceptions:\n  approvers:\n    high: []\n", []string{"c.yaml:3: exceptions.approvers.high: name at least one role"}},
		{"not a mapping", "exceptions: [1]\n", []string{"c.yaml:1: exceptions must be a mapping"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(tc.src))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}
