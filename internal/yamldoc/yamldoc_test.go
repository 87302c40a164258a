package yamldoc

import (
	"strings"
	"testing"
	"time"
)

func TestParseDays(t *testing.T) {
	for in, want := range map[string]time.Duration{"90d": 90 * 24 * time.Hour, "12w": 84 * 24 * time.Hour, "7": 7 * 24 * time.Hour} {
		if got, err := ParseDays(in); err != nil || got != want {
			t.Errorf("ParseDays(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0d", "-3d", "3h", "d", "1.5w"} {
		if _, err := ParseDays(bad); err == nil {
			t.Errorf("ParseDays(%q) accepted", bad)
		}
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2026-06-30":                time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC),
		"2026-06-30T10:00:00+02:00": time.Date(2026, 6, 30, 8, 0, 0, 0, time.UTC),
		"2026-06-30T10:00:00.5Z":    time.Date(2026, 6, 30, 10, 0, 0, 5e8, time.UTC),
	} {
		if got, err := ParseTime(in); err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"tomorrow", "30/06/2026", "2026-13-01"} {
		if _, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) accepted", bad)
		}
	}
}

func TestReader(t *testing.T) {
	root, err := Parse("f.yaml", []byte("a: 1\nb: [x, y]\na: 2\nc: {k: v}\nd: yes-ish\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := &Reader{File: "f.yaml"}
	m := r.Mapping(root, "top", []string{"a", "b", "c"})
	if got := r.Strings(m["b"].Value, "b"); strings.Join(got, ",") != "x,y" {
		t.Errorf("b = %v", got)
	}
	r.String(m["c"].Value, "c")
	err = r.Err()
	for _, want := range []string{`f.yaml:3: duplicate key "a" in top (first at line 1)`, `f.yaml:5: unknown key "d" in top`, "f.yaml:4: c must be a string, got a mapping"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q: %v", want, err)
		}
	}
	if _, err := Parse("f.yaml", []byte("a: 1\n---\nb: 2\n")); err == nil || !strings.Contains(err.Error(), "f.yaml:2: expected one YAML document") {
		t.Errorf("two documents: %v", err)
	}
	if n, err := Parse("f.yaml", []byte("# only a comment\n")); n != nil || err != nil {
		t.Errorf("empty document: %v, %v", n, err)
	}
}
