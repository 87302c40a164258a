package finding

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// RegexPrefix marks a scope pattern that is a regular expression.
const RegexPrefix = "re:"

// pattern is one compiled scope value.
type pattern struct {
	literal string // set when the value has no wildcard
	re      *regexp.Regexp
	regex   bool // written as "re:": matches anywhere, and asset names too
}

// compilePattern reads a scope value: "re:" and a regular expression
// (unanchored), a glob with * and ?, or a literal.
func compilePattern(s string) (pattern, error) {
	if expr, ok := strings.CutPrefix(s, RegexPrefix); ok {
		if expr == "" {
			return pattern{}, fmt.Errorf("%q: empty regular expression", s)
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return pattern{}, fmt.Errorf("%q: %v", s, err)
		}
		return pattern{re: re, regex: true}, nil
	}
	if s == "" {
		return pattern{}, fmt.Errorf("empty value")
	}
	if !strings.ContainsAny(s, "*?") {
		return pattern{literal: s}, nil
	}
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for _, r := range s {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return pattern{re: regexp.MustCompile(b.String())}, nil
}

func (p *pattern) match(v string) bool {
	if p.re == nil {
		return p.literal == v
	}
	return p.re.MatchString(v)
}

// matchesAnything reports a pattern that narrows nothing.
func (p *pattern) matchesAnything() bool {
	return p.re != nil && p.re.MatchString("") && p.re.MatchString("\x00parapet-probe:arn/1") && p.re.MatchString("222222222222")
}

func anyMatch(ps []pattern, v string) bool {
	for i := range ps {
		if ps[i].match(v) {
			return true
		}
	}
	return false
}

func anyAssetMatch(ps []pattern, uid, name string) bool {
	for i := range ps {
		if ps[i].match(uid) || (ps[i].regex && name != "" && ps[i].match(name)) {
			return true
		}
	}
	return false
}

type tagSelector struct {
	key    string
	values []pattern
}

func matchTags(sel []tagSelector, tags map[string]string) bool {
	for _, s := range sel {
		v, ok := tags[s.key]
		if !ok || !anyMatch(s.values, v) {
			return false
		}
	}
	return true
}

// selector is the compiled form of the pattern fields of a scope (or of
// its exceptions).
type selector struct {
	assets, accounts, regions []pattern
	tags                      []tagSelector
}

func (s *selector) set() bool {
	return len(s.assets)+len(s.accounts)+len(s.regions)+len(s.tags) > 0
}

// match reports whether every field that is set matches.
func (s *selector) match(r *Result, tags map[string]string) bool {
	return (len(s.accounts) == 0 || anyMatch(s.accounts, r.Account)) &&
		(len(s.regions) == 0 || anyMatch(s.regions, r.Region)) &&
		(len(s.assets) == 0 || anyAssetMatch(s.assets, r.AssetUID, r.AssetName)) &&
		matchTags(s.tags, tags)
}

// Problem is what is wrong with one field of an exception. Field is its
// path in the exception's document (e.g. "scope.assets[1]").
type Problem struct {
	Field string
	Msg   string
}

func (p Problem) Error() string { return p.Field + ": " + p.Msg }

func compileSelector(prefix string, assets, accounts, regions []string, tags map[string][]string, errs *[]Problem) selector {
	var s selector
	list := func(field string, vals []string) []pattern {
		var out []pattern
		for i, v := range vals {
			f := fmt.Sprintf("%s%s[%d]", prefix, field, i)
			p, err := compilePattern(v)
			if err != nil {
				*errs = append(*errs, Problem{f, err.Error()})
				continue
			}
			if p.matchesAnything() {
				*errs = append(*errs, Problem{f, fmt.Sprintf("%q matches every value; leave %s out instead", v, field)})
				continue
			}
			out = append(out, p)
		}
		return out
	}
	s.assets = list("assets", assets)
	s.accounts = list("accounts", accounts)
	s.regions = list("regions", regions)
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		f := prefix + "tags." + k
		if strings.TrimSpace(k) == "" {
			*errs = append(*errs, Problem{prefix + "tags", "empty tag key"})
			continue
		}
		if len(tags[k]) == 0 {
			*errs = append(*errs, Problem{f, "no values (use \"*\" to require only that the tag is present)"})
			continue
		}
		sel := tagSelector{key: k}
		for i, v := range tags[k] {
			p, err := compilePattern(v)
			if err != nil {
				*errs = append(*errs, Problem{fmt.Sprintf("%s[%d]", f, i), err.Error()})
				continue
			}
			sel.values = append(sel.values, p)
		}
		s.tags = append(s.tags, sel)
	}
	return s
}

// compiledException is an exception ready to match results.
type compiledException struct {
	e      *Exception
	scope  selector
	except selector
}

func compileException(e *Exception) (*compiledException, []Problem) {
	var errs []Problem
	c := &compiledException{e: e}
	s := &e.Scope
	c.scope = compileSelector("scope.", s.Assets, s.Accounts, s.Regions, s.Tags, &errs)
	if x := s.Except; x != nil {
		c.except = compileSelector("scope.except.", x.Assets, x.Accounts, x.Regions, x.Tags, &errs)
	}
	return c, errs
}

// covers reports whether the exception's scope (not its state) accepts a
// failure of r on a resource with tags.
func (c *compiledException) covers(r *Result, tags map[string]string, tagKey string) bool {
	s := &c.e.Scope
	if !s.AllChecks() && !slices.Contains(s.Checks, r.CheckID) {
		return false
	}
	if s.ByTag && (tagKey == "" || tags[tagKey] != c.e.ID) {
		return false
	}
	if !c.scope.match(r, tags) {
		return false
	}
	return !(c.except.set() && c.except.match(r, tags))
}

// ExceptionSet is a Suppressor over a set of exceptions: a FAIL result is
// suppressed by an active exception (approved, unexpired at the time of
// evaluation) whose scope covers it.
type ExceptionSet struct {
	tagKey  string
	byCheck map[string][]*compiledException
	all     []*compiledException // exceptions of every check
}

// NewExceptionSet compiles the approved exceptions of exs; those in other
// states are left out. tagKey is the policy's exception tag.
func NewExceptionSet(exs []Exception, tagKey string) (*ExceptionSet, error) {
	s := &ExceptionSet{tagKey: tagKey, byCheck: map[string][]*compiledException{}}
	for i := range exs {
		e := exs[i]
		if e.State != ExceptionApproved {
			continue
		}
		c, errs := compileException(&e)
		if len(errs) > 0 {
			return nil, fmt.Errorf("exception %s: %v", e.ID, errs[0])
		}
		if e.Scope.AllChecks() {
			s.all = append(s.all, c)
			continue
		}
		for _, id := range e.Scope.Checks {
			s.byCheck[id] = append(s.byCheck[id], c)
		}
	}
	return s, nil
}

// Len is the number of exceptions in the set.
func (s *ExceptionSet) Len() int {
	seen := map[string]bool{}
	for _, cs := range s.byCheck {
		for _, c := range cs {
			seen[c.e.ID] = true
		}
	}
	return len(seen) + len(s.all)
}

// Match returns the active exception that accepts r, or nil. When several
// do, the one expiring last wins (then the lowest ID), so the finding
// stays suppressed as long as any of them lasts.
func (s *ExceptionSet) Match(r *Result, tags map[string]string, now time.Time) *Exception {
	var best *Exception
	consider := func(cs []*compiledException) {
		for _, c := range cs {
			if !c.e.Active(now) || !c.covers(r, tags, s.tagKey) {
				continue
			}
			if best == nil || cmp.Or(c.e.Expires.Compare(best.Expires), strings.Compare(best.ID, c.e.ID)) > 0 {
				best = c.e
			}
		}
	}
	consider(s.byCheck[r.CheckID])
	consider(s.all)
	return best
}

// Suppress implements Suppressor.
func (s *ExceptionSet) Suppress(r *Result, tags map[string]string, now time.Time) (string, bool) {
	if e := s.Match(r, tags, now); e != nil {
		return e.ID, true
	}
	return "", false
}

var _ Suppressor = (*ExceptionSet)(nil)

// FirstOf is a Suppressor that asks each of ss in turn (nil ones are
// skipped); the first to accept a failure suppresses it.
func FirstOf(ss ...Suppressor) Suppressor {
	var out suppressors
	for _, s := range ss {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

type suppressors []Suppressor

func (ss suppressors) Suppress(r *Result, tags map[string]string, now time.Time) (string, bool) {
	for _, s := range ss {
		if id, ok := s.Suppress(r, tags, now); ok {
			return id, true
		}
	}
	return "", false
}
