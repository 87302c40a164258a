package celenv

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
)

// Pos is a position inside an expression's text: Line is 1-based, Column a
// 0-based byte offset within that line.
type Pos struct {
	Line   int
	Column int
}

// Issue is one problem found in an expression.
type Issue struct {
	Pos
	Message string
}

// Error lists the issues that stopped an expression from compiling.
type Error struct {
	Issues []Issue
}

func (e *Error) Error() string {
	parts := make([]string, len(e.Issues))
	for i, is := range e.Issues {
		parts[i] = fmt.Sprintf("%d:%d: %s", is.Line, is.Column+1, is.Message)
	}
	return strings.Join(parts, "; ")
}

// Path is one chain of field selections rooted at `resource`, e.g.
// resource.config.PublicAccessBlock has Segments [config PublicAccessBlock].
// Pos[i] is where Segments[i] is selected; Optional[i] is true when it is
// selected with `.?` or `[?...]`. TestOnly is true for a has() test.
type Path struct {
	Segments []string
	Pos      []Pos
	Optional []bool
	TestOnly bool
}

// String is the path relative to the resource ("config.Policy"), or
// "resource" for the whole resource.
func (p Path) String() string {
	if len(p.Segments) == 0 {
		return VarResource
	}
	return strings.Join(p.Segments, ".")
}

// Expr is a compiled, type-checked expression. It is immutable and safe to
// share.
type Expr struct {
	Text string
	AST  *cel.Ast
	// Chains lists every maximal selection chain rooted at `resource`, in
	// source order.
	Chains []Path
	// Reads lists the distinct fields the expression reads, sorted, with
	// every path that extends another dropped (reading
	// config.PublicAccessBlock covers config.PublicAccessBlock.BlockPublicAcls).
	Reads [][]string

	progOnce sync.Once
	prog     cel.Program
	progErr  error
}

// Program returns the expression's evaluable program, planned on first use
// and shared afterwards (programs are stateless and safe for concurrent use).
func (e *Expr) Program() (cel.Program, error) {
	e.progOnce.Do(func() {
		e.prog, e.progErr = Env().Program(e.AST, cel.EvalOptions(cel.OptOptimize))
	})
	return e.prog, e.progErr
}

// cache holds compiled expressions by text: a check's expressions are
// compiled when its file is validated and reused when the engine is built.
var (
	cacheMu sync.Mutex
	cache   = map[string]*Expr{}
)

// maxCache bounds the cache for long-running processes that reload edited
// checks many times.
const maxCache = 4096

// Compile parses and type-checks a boolean expression. The error, if any,
// is an *Error with positions inside text.
func Compile(text string) (*Expr, error) {
	cacheMu.Lock()
	e, ok := cache[text]
	cacheMu.Unlock()
	if ok {
		return e, nil
	}
	e, err := compile(text)
	if err != nil {
		return nil, err
	}
	cacheMu.Lock()
	if len(cache) >= maxCache {
		cache = map[string]*Expr{}
	}
	cache[text] = e
	cacheMu.Unlock()
	return e, nil
}

func compile(text string) (*Expr, error) {
	if strings.TrimSpace(text) == "" {
		return nil, &Error{[]Issue{{Pos{1, 0}, "expression is empty"}}}
	}
	checked, iss := Env().Compile(text)
	if iss != nil && iss.Err() != nil {
		var out []Issue
		for _, e := range iss.Errors() {
			out = append(out, Issue{runePos(text, e.Location.Line(), e.Location.Column()), e.Message})
		}
		return nil, &Error{out}
	}
	if t := checked.OutputType(); !t.IsExactType(types.BoolType) && !t.IsExactType(types.DynType) {
		return nil, &Error{[]Issue{{Pos{1, 0}, fmt.Sprintf("expression must be a bool, but it is a %s", t)}}}
	}
	e := &Expr{Text: text, AST: checked}
	w := walker{src: text, info: checked.NativeRep().SourceInfo(), shadow: map[string]int{}}
	w.visit(checked.NativeRep().Expr())
	e.Chains = w.chains
	e.Reads = reads(w.chains)
	return e, nil
}

// runePos converts CEL's 0-based code point column into a byte column.
func runePos(text string, line, col int) Pos {
	if line < 1 {
		return Pos{1, 0}
	}
	lines := strings.Split(text, "\n")
	if line > len(lines) {
		return Pos{line, col}
	}
	l := lines[line-1]
	b := 0
	for i := 0; i < col && b < len(l); i++ {
		_, n := utf8.DecodeRuneInString(l[b:])
		b += n
	}
	return Pos{line, b}
}

// walker collects selection chains rooted at the resource variable,
// tracking comprehension variables that shadow it.
type walker struct {
	src    string
	info   *ast.SourceInfo
	shadow map[string]int
	chains []Path
}

func (w *walker) pos(id int64) Pos {
	loc := w.info.GetStartLocation(id)
	return runePos(w.src, loc.Line(), loc.Column())
}

// link reports whether e selects a constant field of an operand: a.f,
// a["f"] or a[?"f"] with a string literal, or a.?f.
func link(e ast.Expr) (operand ast.Expr, field string, optional, ok bool) {
	switch e.Kind() {
	case ast.SelectKind:
		s := e.AsSelect()
		return s.Operand(), s.FieldName(), false, true
	case ast.CallKind:
		c := e.AsCall()
		switch fn := c.FunctionName(); fn {
		case operators.Index, operators.OptIndex, operators.OptSelect:
			args := c.Args()
			if len(args) == 2 && args[1].Kind() == ast.LiteralKind {
				if s, isStr := args[1].AsLiteral().(types.String); isStr {
					return args[0], string(s), fn != operators.Index, true
				}
			}
		}
	}
	return nil, "", false, false
}

func (w *walker) isResource(e ast.Expr) bool {
	return e.Kind() == ast.IdentKind && e.AsIdent() == VarResource && w.shadow[VarResource] == 0
}

func (w *walker) visit(e ast.Expr) {
	if _, _, _, ok := link(e); ok {
		var p Path
		p.TestOnly = e.Kind() == ast.SelectKind && e.AsSelect().IsTestOnly()
		cur := e
		for {
			op, f, opt, ok := link(cur)
			if !ok {
				break
			}
			p.Segments = append(p.Segments, f)
			p.Pos = append(p.Pos, w.pos(cur.ID()))
			p.Optional = append(p.Optional, opt)
			cur = op
		}
		if w.isResource(cur) {
			slices.Reverse(p.Segments)
			slices.Reverse(p.Pos)
			slices.Reverse(p.Optional)
			w.chains = append(w.chains, p)
			return
		}
		w.visit(cur)
		return
	}
	switch e.Kind() {
	case ast.IdentKind:
		if w.isResource(e) {
			w.chains = append(w.chains, Path{})
		}
	case ast.CallKind:
		c := e.AsCall()
		if c.IsMemberFunction() {
			w.visit(c.Target())
		}
		for _, a := range c.Args() {
			w.visit(a)
		}
	case ast.ComprehensionKind:
		c := e.AsComprehension()
		w.visit(c.IterRange())
		w.visit(c.AccuInit())
		vars := []string{c.IterVar(), c.AccuVar()}
		if c.HasIterVar2() {
			vars = append(vars, c.IterVar2())
		}
		for _, v := range vars {
			w.shadow[v]++
		}
		w.visit(c.LoopCondition())
		w.visit(c.LoopStep())
		w.visit(c.Result())
		for _, v := range vars {
			w.shadow[v]--
		}
	case ast.ListKind:
		for _, el := range e.AsList().Elements() {
			w.visit(el)
		}
	case ast.MapKind:
		for _, en := range e.AsMap().Entries() {
			me := en.AsMapEntry()
			w.visit(me.Key())
			w.visit(me.Value())
		}
	case ast.StructKind:
		for _, f := range e.AsStruct().Fields() {
			w.visit(f.AsStructField().Value())
		}
	}
}

// reads reduces chains to the distinct, sorted paths no other path is a
// prefix of.
func reads(chains []Path) [][]string {
	var out [][]string
	for _, c := range chains {
		covered := false
		for _, o := range chains {
			if isPrefix(o.Segments, c.Segments) && (len(o.Segments) < len(c.Segments)) {
				covered = true
				break
			}
		}
		if covered {
			continue
		}
		dup := false
		for _, o := range out {
			if equal(o, c.Segments) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, c.Segments)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.Join(out[i], ".") < strings.Join(out[j], ".") })
	return out
}

func isPrefix(p, s []string) bool {
	if len(p) > len(s) {
		return false
	}
	for i := range p {
		if p[i] != s[i] {
			return false
		}
	}
	return true
}

func equal(a, b []string) bool { return len(a) == len(b) && isPrefix(a, b) }
