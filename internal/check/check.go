// Package check defines the check format: a YAML document describing one
// security check, its CEL expressions and the documentation a person needs
// to fix what it finds. Parsing and validation live here; compilation and
// evaluation live in package engine.
package check

import (
	"fmt"
	"strings"
)

// Severity orders how urgently a failed check needs attention.
type Severity int

const (
	Informational Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"informational", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity accepts a severity name in any case ("info" is accepted for
// informational).
func ParseSeverity(s string) (Severity, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	if l == "info" {
		return Informational, nil
	}
	for i, n := range severityNames {
		if n == l {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want one of %s)", s, strings.Join(severityNames[:], ", "))
}

// MarshalText writes the severity name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Remediation tells a person (or, for Action, Parapet) how to fix a failure.
type Remediation struct {
	Text      string `json:"text" yaml:"text"`
	CLI       string `json:"cli,omitempty" yaml:"cli,omitempty"`
	Terraform string `json:"terraform,omitempty" yaml:"terraform,omitempty"`
	// Action names a safe automatic remediation, when one exists.
	Action string `json:"action,omitempty" yaml:"action,omitempty"`
}

// Check is one parsed and validated check definition.
type Check struct {
	ID           string      `json:"id" yaml:"id"`
	Title        string      `json:"title" yaml:"title"`
	Severity     Severity    `json:"severity" yaml:"severity"`
	ResourceType string      `json:"resource" yaml:"resource"`
	When         string      `json:"when,omitempty" yaml:"when,omitempty"`
	Assert       string      `json:"assert" yaml:"assert"`
	Description  string      `json:"description" yaml:"description"`
	Risk         string      `json:"risk" yaml:"risk"`
	Remediation  Remediation `json:"remediation" yaml:"remediation"`
	References   []string    `json:"references,omitempty" yaml:"references,omitempty"`

	// Where the check was defined, for error messages.
	File       string `json:"file,omitempty" yaml:"-"`
	WhenLine   int    `json:"-" yaml:"-"`
	AssertLine int    `json:"-" yaml:"-"`

	idLine int // line of the id, for duplicate-id messages
}
