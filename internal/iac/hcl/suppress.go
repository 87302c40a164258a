package hcl

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/parapet-dev/parapet/internal/iac"
)

var ignorePattern = regexp.MustCompile(`^parapet:ignore(?::(\S*))?(?:\s+(.*))?$`)

// scanComments finds parapet:ignore comments. Only lines holding the
// marker are examined, and a candidate counts only where the parsed file
// has no string or heredoc: text inside a string is never a comment.
func scanComments(src []byte, body *hclsyntax.Body) ([]ignoreComment, map[int]bool) {
	lines := bytes.Split(src, []byte("\n"))
	offsets := make([]int, len(lines))
	off := 0
	for i, ln := range lines {
		offsets[i] = off
		off += len(ln) + 1
	}
	var out []ignoreComment
	for i, ln := range lines {
		at := bytes.Index(ln, []byte("parapet:ignore"))
		if at < 0 {
			continue
		}
		start := commentStart(ln[:at])
		if start < 0 || inTemplate(body, offsets[i]+start) {
			continue
		}
		m := ignorePattern.FindStringSubmatch(strings.TrimSpace(string(ln[at:])))
		if m == nil {
			continue
		}
		out = append(out, ignoreComment{checkID: m[1], reason: strings.TrimSpace(m[2]), line: i + 1})
	}
	// Comment-only lines, for "directly above": a suppression is attached
	// across other comments but not across blank lines or code.
	commentLines := map[int]bool{}
	for _, c := range out {
		for ln := c.line; ln <= len(lines); ln++ {
			t := bytes.TrimSpace(lines[ln-1])
			if !bytes.HasPrefix(t, []byte("#")) && !bytes.HasPrefix(t, []byte("//")) {
				break
			}
			commentLines[ln] = true
		}
	}
	return out, commentLines
}

// commentStart is where the comment ending a line prefix starts, when
// the prefix ends with "#" or "//" and optional spaces; else -1.
func commentStart(prefix []byte) int {
	t := bytes.TrimRight(prefix, " \t")
	switch {
	case bytes.HasSuffix(t, []byte("//")):
		return len(t) - 2
	case bytes.HasSuffix(t, []byte("#")):
		return len(t) - 1
	}
	return -1
}

// inTemplate reports whether a byte offset lies inside a string, heredoc
// or block label of the body, descending only into the items around it.
func inTemplate(body *hclsyntax.Body, off int) bool {
	contains := func(r hcl.Range) bool { return off >= r.Start.Byte && off < r.End.Byte }
	for _, a := range body.Attributes {
		if !contains(a.SrcRange) {
			continue
		}
		found := false
		_ = hclsyntax.VisitAll(a.Expr, func(n hclsyntax.Node) hcl.Diagnostics {
			if _, ok := n.(*hclsyntax.TemplateExpr); ok && contains(n.Range()) {
				found = true
			}
			return nil
		})
		return found
	}
	for _, b := range body.Blocks {
		for _, lr := range b.LabelRanges {
			if contains(lr) {
				return true
			}
		}
		if contains(b.Range()) {
			return inTemplate(b.Body, off)
		}
	}
	return false
}

// attachIgnores gives each resource block the parapet:ignore comments
// written inside it or on the comment lines directly above it.
func (l *loader) attachIgnores(src *modSource, f *parsedFile) {
	if f.keyedIgnores != nil {
		l.attachKeyedIgnores(src, f)
		return
	}
	if len(f.ignores) == 0 {
		return
	}
	starts := map[int]*resDecl{}
	var blocks []*resDecl
	for _, r := range src.resources {
		if r.file == f {
			starts[r.block.TypeRange.Start.Line] = r
			blocks = append(blocks, r)
		}
	}
	for i := range f.ignores {
		c := &f.ignores[i]
		var target *resDecl
		for _, r := range blocks {
			if c.line >= r.block.TypeRange.Start.Line && c.line <= r.block.CloseBraceRange.End.Line {
				target = r
				break
			}
		}
		if target == nil {
			ln := c.line + 1
			for f.commentLines[ln] {
				ln++
			}
			target = starts[ln]
		}
		l.attachIgnore(f, c, target)
	}
}

// attachKeyedIgnores gives each resource of a JSON file the suppressions
// written inside it.
func (l *loader) attachKeyedIgnores(src *modSource, f *parsedFile) {
	for _, key := range sortedKeys(f.keyedIgnores) {
		target := src.resByKey[key]
		if target != nil && target.file != f {
			target = nil // a duplicate of a resource declared elsewhere: not read
		}
		for i := range f.keyedIgnores[key] {
			l.attachIgnore(f, &f.keyedIgnores[key][i], target)
		}
	}
}

func (l *loader) attachIgnore(f *parsedFile, c *ignoreComment, target *resDecl) {
	switch {
	case c.checkID == "" || c.checkID == "*":
		l.addDiag(iac.Diagnostic{File: f.rel, Line: c.line, Severity: iac.SevWarning,
			Message: "parapet:ignore needs an explicit check id (parapet:ignore:<check-id> <reason>); the comment is ignored"})
	case target == nil:
		l.addDiag(iac.Diagnostic{File: f.rel, Line: c.line, Severity: iac.SevWarning,
			Message: fmt.Sprintf("parapet:ignore:%s is not attached to a resource block; it is ignored", c.checkID)})
	default:
		target.ignores = append(target.ignores, *c)
	}
}
