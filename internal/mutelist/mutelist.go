// Package mutelist imports a Prowler mutelist (the YAML file Prowler reads
// with --mutelist-file) as Parapet exceptions, so that a team can move its
// accepted risks over and govern them from then on: each entry becomes an
// exception with an owner, a reason and an expiry.
//
// The mutelist format: Mutelist (or the older Allowlist) → Accounts →
// account ID or "*" → Checks → check name, "*" or a regular expression →
// Regions, Resources (required lists), Tags, Exceptions (Accounts,
// Regions, Resources, Tags) and Description. Prowler matches regions,
// resources and tags as regular expressions found anywhere in the value,
// a leading "*" meaning ".*"; tags entries must all match the resource's
// "key=value | key=value" text, "|" inside an entry being alternatives.
//
// The conversion never mutes more than the mutelist did; what it cannot
// express exactly it reports and leaves out:
//   - a check becomes the Parapet checks equivalent to it (a table of
//     true equivalents); a check name that is a pattern becomes the
//     equivalents of every Prowler check in the table it matches; checks
//     without an equivalent are reported;
//   - "*" (or ".*") in Regions or Resources means no condition; other
//     regions stay literal when they are region names, and become "re:"
//     patterns otherwise; resources become "re:" patterns, matched
//     against the resource's UID and name;
//   - a tags entry must be "key=value" alternatives of one key; it
//     becomes a tag selector on that key (values as "re:^(?:value)"
//     patterns, the match Prowler makes after "key=");
//   - an entry with an empty Regions or Resources list mutes nothing in
//     Prowler and is skipped.
package mutelist

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/yamldoc"
)

// Entry is one mutelist entry: an account's mute of a check.
type Entry struct {
	Account     string
	Check       string
	Regions     []string
	Resources   []string
	Tags        []string
	Except      *Except
	Description string
	// Line is the line of the check's key; lines holds the lines of its
	// fields by name.
	Line  int
	lines map[string]int
}

// Except is the Exceptions block of an entry.
type Except struct {
	Accounts, Regions, Resources, Tags []string
}

var entryKeys = []string{"Regions", "Resources", "Tags", "Exceptions", "Description"}

// Parse reads a mutelist file, reporting every problem of form with
// file:line.
func Parse(file string, data []byte) ([]Entry, error) {
	root, err := yamldoc.Parse(file, data)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, &yamldoc.Error{File: file, Line: 1, Msg: "the file is empty; expected a Mutelist mapping"}
	}
	r := &yamldoc.Reader{File: file}
	top := r.Mapping(root, "the file", []string{"Mutelist", "Allowlist"})
	list, ok := top["Mutelist"]
	if !ok {
		list, ok = top["Allowlist"]
	}
	if !ok {
		if !r.Failed() {
			r.Errorf(root, "missing key \"Mutelist\"")
		}
		return nil, r.Err()
	}
	var out []Entry
	ml := r.Mapping(list.Value, "Mutelist", []string{"Accounts"})
	accts, ok := ml["Accounts"]
	if !ok && !r.Failed() {
		r.Errorf(list.Value, "Mutelist needs Accounts")
	}
	if ok {
		for _, a := range r.Pairs(accts.Value, "Accounts") {
			am := r.Mapping(a.Value, "account "+a.Key.Value, []string{"Checks"})
			checks, ok := am["Checks"]
			if !ok {
				r.Errorf(a.Key, "account %s needs Checks", a.Key.Value)
				continue
			}
			for _, c := range r.Pairs(checks.Value, "Checks") {
				out = append(out, readEntry(r, a.Key.Value, c))
			}
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func readEntry(r *yamldoc.Reader, account string, c yamldoc.Field) Entry {
	e := Entry{Account: account, Check: c.Key.Value, Line: c.Key.Line, lines: map[string]int{}}
	what := fmt.Sprintf("check %s of account %s", c.Key.Value, account)
	m := r.Mapping(c.Value, what, entryKeys)
	for k, f := range m {
		e.lines[k] = f.Key.Line
	}
	for _, k := range []string{"Regions", "Resources"} {
		if _, ok := m[k]; !ok && yamldoc.Resolve(c.Value).Kind == yaml.MappingNode {
			r.Errorf(c.Key, "%s needs %s (a list; \"*\" for all)", what, k)
		}
	}
	if f, ok := m["Regions"]; ok {
		e.Regions = r.Strings(f.Value, "Regions")
	}
	if f, ok := m["Resources"]; ok {
		e.Resources = r.Strings(f.Value, "Resources")
	}
	if f, ok := m["Tags"]; ok {
		e.Tags = r.Strings(f.Value, "Tags")
	}
	if f, ok := m["Description"]; ok {
		e.Description = strings.TrimSpace(r.String(f.Value, "Description"))
	}
	if f, ok := m["Exceptions"]; ok {
		xm := r.Mapping(f.Value, "Exceptions", []string{"Accounts", "Regions", "Resources", "Tags"})
		x := &Except{}
		if v, ok := xm["Accounts"]; ok {
			x.Accounts = r.Strings(v.Value, "Exceptions.Accounts")
		}
		if v, ok := xm["Regions"]; ok {
			x.Regions = r.Strings(v.Value, "Exceptions.Regions")
		}
		if v, ok := xm["Resources"]; ok {
			x.Resources = r.Strings(v.Value, "Exceptions.Resources")
		}
		if v, ok := xm["Tags"]; ok {
			x.Tags = r.Strings(v.Value, "Exceptions.Tags")
		}
		if len(x.Accounts)+len(x.Regions)+len(x.Resources)+len(x.Tags) > 0 {
			e.Except = x
		}
	}
	return e
}

// Options control how entries become exceptions.
type Options struct {
	// File names the mutelist in reasons, sources and messages.
	File string
	// Expires gives the expiry of an exception of a severity: a fixed
	// time, or the policy's maximum from Now.
	Expires func(severity string) time.Time
	// RequestedBy is who imports.
	RequestedBy string
	// ApprovedBy and ApproverRole, when set, record the exceptions as
	// approved by them at Now; otherwise they are requested.
	ApprovedBy, ApproverRole string
	// IDPrefix starts every ID (default "MUTE"); the rest is derived from
	// the account and check key, so importing again updates the same
	// exceptions.
	IDPrefix string
	Now      time.Time
	// Severities knows the Parapet checks.
	Severities finding.CheckSeverities
}

// Converted is the outcome of Convert.
type Converted struct {
	Exceptions []finding.Declared
	// Warnings say what was left out and why, with file:line.
	Warnings []string
}

// Convert turns entries into exceptions (not yet validated against the
// policy: declaring them does that).
func Convert(entries []Entry, o Options) Converted {
	if o.IDPrefix == "" {
		o.IDPrefix = "MUTE"
	}
	var out Converted
	warn := func(line int, format string, args ...any) {
		out.Warnings = append(out.Warnings, fmt.Sprintf("%s:%d: %s", o.File, line, fmt.Sprintf(format, args...)))
	}
	for _, en := range entries {
		what := fmt.Sprintf("check %q of account %q", en.Check, en.Account)
		checks, unmapped, err := mapChecks(en.Check)
		if err != nil {
			warn(en.Line, "%s skipped: %v", what, err)
			continue
		}
		if len(checks) == 0 {
			warn(en.Line, "%s skipped: no Parapet check is equivalent to %s", what, strings.Join(unmapped, ", "))
			continue
		}
		if len(unmapped) > 0 {
			warn(en.Line, "%s is a pattern (Prowler matches it anywhere in check names): imported for the %d Parapet checks equivalent to the Prowler checks it matches (%s); Prowler checks it matches that have no equivalent are not covered",
				what, len(checks), strings.Join(checks, ", "))
		}
		if len(en.Regions) == 0 || len(en.Resources) == 0 {
			warn(en.Line, "%s skipped: an empty Regions or Resources list mutes nothing", what)
			continue
		}
		sc := finding.Scope{Checks: checks}
		if en.Account != "*" {
			sc.Accounts = []string{en.Account}
		}
		var problems []string
		sc.Regions = convertList(en.Regions, regionPattern, &problems)
		sc.Assets = convertList(en.Resources, resourcePattern, &problems)
		sc.Tags = convertTags(en.Tags, &problems)
		if x := en.Except; x != nil {
			sx := &finding.ScopeExcept{
				Accounts: convertList(x.Accounts, accountPattern, &problems),
				Regions:  convertList(x.Regions, regionPattern, &problems),
				Assets:   convertList(x.Resources, resourcePattern, &problems),
				Tags:     convertTags(x.Tags, &problems),
			}
			// An exception that matches anything excepts everything: the
			// entry mutes nothing.
			if len(sx.Accounts)+len(sx.Regions)+len(sx.Assets)+len(sx.Tags) == 0 {
				warn(en.lineOf("Exceptions"), "%s skipped: its Exceptions match every resource, so it mutes nothing", what)
				continue
			}
			sc.Except = sx
		}
		if len(problems) > 0 {
			warn(en.Line, "%s skipped: %s", what, strings.Join(problems, "; "))
			continue
		}
		reason := fmt.Sprintf("Imported from Prowler mutelist %s (line %d)", o.File, en.Line)
		if en.Description != "" {
			reason = en.Description + " (" + reason + ")"
		}
		ex := finding.Exception{
			ID: o.IDPrefix + "-" + shortHash(en.Account, en.Check), Scope: sc, Reason: reason, RequestedBy: o.RequestedBy,
			Created: o.Now, State: finding.ExceptionRequested, Source: "prowler-mutelist:" + o.File,
		}
		if sev, err := finding.ScopeSeverity(&sc, o.Severities); err == nil && o.Expires != nil {
			ex.Expires = o.Expires(sev)
		}
		if o.ApprovedBy != "" {
			ex.State, ex.ApprovedBy, ex.ApproverRole, ex.ApprovedAt = finding.ExceptionApproved, o.ApprovedBy, o.ApproverRole, o.Now
		}
		lines := map[string]int{"scope.checks": en.Line, "expires": en.Line, "scope": en.Line,
			"scope.regions": en.lineOf("Regions"), "scope.assets": en.lineOf("Resources"), "scope.tags": en.lineOf("Tags"),
			"scope.except": en.lineOf("Exceptions"), "reason": en.lineOf("Description")}
		out.Exceptions = append(out.Exceptions, finding.NewDeclared(ex, o.File, en.Line, lines))
	}
	return out
}

func (e *Entry) lineOf(key string) int {
	if l, ok := e.lines[key]; ok {
		return l
	}
	return e.Line
}

func shortHash(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:4])
}

// mapChecks maps a mutelist check key to Parapet checks: "*" to every
// check, otherwise the equivalents of every Prowler check in the table
// that the key matches as a regular expression found anywhere in the
// name, which is how Prowler matches it (so a Prowler name also matches
// the longer names that contain it).
func mapChecks(key string) (checks, unmapped []string, err error) {
	key = strings.TrimSpace(key)
	// Prowler renamed its Lambda checks; mutelists may use either name.
	if strings.HasPrefix(key, "lambda") {
		key = "aws" + key
	}
	if key == "*" {
		return []string{finding.AnyCheck}, nil, nil
	}
	re, err := regexp.Compile(prowlerRegex(key))
	if err != nil {
		if ids, ok := equivalents[key]; ok {
			return slices.Clone(ids), nil, nil
		}
		return nil, nil, fmt.Errorf("check pattern %q: %v", key, err)
	}
	set := map[string]bool{}
	for name, ids := range equivalents {
		if re.MatchString(name) {
			for _, id := range ids {
				set[id] = true
			}
		}
	}
	for id := range set {
		checks = append(checks, id)
	}
	sort.Strings(checks)
	switch _, exact := equivalents[key]; {
	case len(checks) == 0:
		unmapped = []string{key}
	case !exact:
		unmapped = []string{key + " (as a pattern)"}
	}
	return checks, unmapped, nil
}

// prowlerRegex applies Prowler's one rewrite: a leading "*" is ".*".
func prowlerRegex(s string) string {
	if strings.HasPrefix(s, "*") {
		return ".*" + s[1:]
	}
	return s
}

// everything reports a mutelist value that matches any value.
func everything(s string) bool {
	s = strings.TrimSpace(s)
	return s == "*" || s == ".*" || s == "" || s == "^.*$" || s == ".+"
}

var (
	regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	accountID  = regexp.MustCompile(`^\d{12}$`)
)

func regionPattern(s string) (string, error) {
	if regionName.MatchString(s) {
		return s, nil
	}
	return asRegex(s)
}

func accountPattern(s string) (string, error) {
	if accountID.MatchString(s) {
		return s, nil
	}
	return asRegex(s)
}

func resourcePattern(s string) (string, error) { return asRegex(s) }

// asRegex keeps a value as Prowler reads it: a regular expression found
// anywhere (so a plain word matches every value containing it).
func asRegex(s string) (string, error) {
	expr := prowlerRegex(s)
	if _, err := regexp.Compile(expr); err != nil {
		return "", fmt.Errorf("%q is not a regular expression Parapet can run (RE2): %v", s, err)
	}
	return finding.RegexPrefix + expr, nil
}

// convertList converts values; a value matching everything empties the
// list (no condition).
func convertList(vals []string, conv func(string) (string, error), problems *[]string) []string {
	var out []string
	for _, v := range vals {
		if everything(v) {
			return nil
		}
		p, err := conv(strings.TrimSpace(v))
		if err != nil {
			*problems = append(*problems, err.Error())
			continue
		}
		out = append(out, p)
	}
	return out
}

var tagKey = regexp.MustCompile(`^[\pL\pN _.:/=+@-]+$`)

// convertTags converts tags entries (all must hold) into a selector: each
// entry one key with alternative values.
func convertTags(entries []string, problems *[]string) map[string][]string {
	out := map[string][]string{}
	for _, en := range entries {
		if everything(en) {
			continue
		}
		if strings.ContainsAny(en, "()[]") {
			*problems = append(*problems, fmt.Sprintf("tags entry %q: groups and classes cannot be converted; write it as key=value|key=value", en))
			continue
		}
		key := ""
		var vals []string
		ok := true
		for _, alt := range strings.Split(en, "|") {
			k, v, found := strings.Cut(strings.TrimSpace(alt), "=")
			if !found || k == "" || !tagKey.MatchString(k) || strings.ContainsAny(k, "=") {
				*problems = append(*problems, fmt.Sprintf("tags entry %q: %q is not key=value with a literal key", en, alt))
				ok = false
				break
			}
			if key != "" && k != key {
				*problems = append(*problems, fmt.Sprintf("tags entry %q: alternatives over different keys (%s, %s) cannot be converted", en, key, k))
				ok = false
				break
			}
			key = k
			if everything(v) {
				vals = append(vals, "*")
				continue
			}
			expr := "^(?:" + prowlerRegex(v) + ")"
			if _, err := regexp.Compile(expr); err != nil {
				*problems = append(*problems, fmt.Sprintf("tags entry %q: %v", en, err))
				ok = false
				break
			}
			vals = append(vals, finding.RegexPrefix+expr)
		}
		if !ok {
			continue
		}
		if _, dup := out[key]; dup {
			*problems = append(*problems, fmt.Sprintf("tags: two entries on key %q (both must hold) cannot be converted", key))
			continue
		}
		out[key] = vals
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
