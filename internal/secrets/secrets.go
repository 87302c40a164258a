// Package secrets finds hard-coded credentials in text (instance user
// data, templates) and in named values (environment variables, provider
// arguments, variable defaults). It reports where and what kind, never the
// value, so its findings can be stored, logged and printed.
package secrets

import (
	"bufio"
	"regexp"
	"strings"
)

// Finding is one hard-coded secret. The secret itself is never kept.
type Finding struct {
	// Kind names what was found: aws-access-key-id, aws-secret-access-key,
	// private-key, password, token, github-token, slack-token.
	Kind string `json:"Kind"`
	// Location is where: a variable or argument name, or "line N".
	Location string `json:"Location"`
	// Line is the 1-based line within the scanned text, 0 for a named value.
	Line int `json:"Line,omitempty"`
}

// valuePatterns recognise a secret by its form wherever it appears.
var valuePatterns = []struct {
	kind string
	re   *regexp.Regexp
}{
	{"aws-access-key-id", regexp.MustCompile(`\b(?:AKIA|ABIA|ACCA)[A-Z2-7]{16}\b`)},
	{"private-key", regexp.MustCompile(`-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----`)},
	{"github-token", regexp.MustCompile(`\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{60,}\b`)},
	{"slack-token", regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9-]{10,}\b`)},
}

// assignment finds NAME=VALUE, NAME: VALUE and NAME = "VALUE" in text.
var assignment = regexp.MustCompile(`(?i)([A-Za-z0-9_.\-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)[A-Za-z0-9_.\-]*)["']?\s*(?:=|:)\s*["']?([^\s"'#;,]+)`)

// sensitiveName recognises names whose value is a credential.
var sensitiveName = regexp.MustCompile(`(?i)(password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential)`)

// ScanText reports the secrets in a multi-line text, with their lines.
func ScanText(text string) []Finding {
	var out []Finding
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		l := sc.Text()
		seen := map[string]bool{}
		for _, p := range valuePatterns {
			if p.re.MatchString(l) && !seen[p.kind] {
				seen[p.kind] = true
				out = append(out, Finding{Kind: p.kind, Location: lineLoc(line), Line: line})
			}
		}
		for _, m := range assignment.FindAllStringSubmatch(l, -1) {
			if knownForm(m[2]) {
				continue // already reported by its form
			}
			if k := kindOf(m[1], m[2]); k != "" && !seen[k] {
				seen[k] = true
				out = append(out, Finding{Kind: k, Location: lineLoc(line), Line: line})
			}
		}
	}
	return out
}

// ScanValue reports a secret held by a named value: its name says it is a
// credential and it holds a literal, or its form is a known credential.
func ScanValue(name, value string) []Finding {
	v := strings.TrimSpace(value)
	if v == "" {
		return nil
	}
	for _, p := range valuePatterns {
		if p.re.MatchString(v) {
			return []Finding{{Kind: p.kind, Location: name}}
		}
	}
	if k := kindOf(name, v); k != "" {
		return []Finding{{Kind: k, Location: name}}
	}
	return nil
}

func knownForm(v string) bool {
	for _, p := range valuePatterns {
		if p.re.MatchString(v) {
			return true
		}
	}
	return false
}

// kindOf classifies a name/value pair, or returns "" when the value is not
// a literal secret (empty, a reference, a placeholder).
func kindOf(name, value string) string {
	if !sensitiveName.MatchString(name) || !literal(value) {
		return ""
	}
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "secret") && strings.Contains(n, "access"), strings.Contains(n, "secret_key"), strings.Contains(n, "secretkey"):
		return "aws-secret-access-key"
	case strings.Contains(n, "private") && strings.Contains(n, "key"):
		return "private-key"
	case strings.Contains(n, "pass") || strings.Contains(n, "pwd"):
		return "password"
	default:
		return "token"
	}
}

// placeholders are values that name a secret without being one.
var placeholder = regexp.MustCompile(`(?i)^(?:\$\{.*\}|\$\(.*\)|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*\}\}|<[^>]*>|%[A-Za-z_]+%|arn:aws[a-z-]*:(?:secretsmanager|ssm|kms):.*|(?:resolve:)?(?:ssm|ssm-secure|secretsmanager):.*|\*+|x+|changeme_?in_?vault|null|none|nil|true|false|var\..*|local\..*|data\..*|module\..*|aws_[a-z0-9_]+\..*)$`)

// literal reports whether a value is a hard-coded literal long enough to
// be a credential, rather than a reference to one.
func literal(v string) bool {
	v = strings.Trim(strings.TrimSpace(v), `"'`)
	if len(v) < 6 || placeholder.MatchString(v) {
		return false
	}
	return true
}

func lineLoc(n int) string { return "line " + itoa(n) }

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
