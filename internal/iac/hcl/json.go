package hcl

import (
	"bytes"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"

	"github.com/parapet-dev/parapet/internal/iac"
)

// A .tf.json file is read with HCL's JSON parser and its blocks are
// translated into the same syntax tree a .tf file yields, ranges pointing
// into the JSON. Everything downstream (declarations, overrides, the
// reference graph, unsupported-function stand-ins, dynamic blocks,
// evaluation) then treats both syntaxes alike, and the .tf path is left
// exactly as it was.
//
// JSON cannot tell a nested block from an argument of object type
// without the provider's schema, which Parapet does not have: a JSON
// object or array inside a resource is read as an argument value (a map,
// or a list of maps). The mappers accept a single map wherever they read
// a block, so the assets come out as from the .tf form. Only "dynamic"
// (and "content" inside it) is read as blocks, since Terraform gives it
// that meaning whatever the provider.

// jsonTopSchema lists the top-level block types the loader declares;
// others (terraform, moved, import, check) are skipped, as in .tf.
var jsonTopSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "provider", LabelNames: []string{"name"}},
}}

var (
	jsonDynamicSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "dynamic", LabelNames: []string{"type"}}}}
	jsonContentSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "content"}}}
)

// How a JSON value is read, following Terraform: most arguments are
// expressions (strings are templates); variable settings are literal;
// a few meta-arguments are references written as strings.
type jsonMode int8

const (
	jsonExpr jsonMode = iota
	jsonLiteral
	jsonTraversal // "aws.west"
	jsonType      // "list(string)"
)

// argModes gives the arguments of a block type read other than as
// expressions; def is the mode of the rest.
type argModes struct {
	def     jsonMode
	special map[string]jsonMode
	dynamic bool // the body may hold dynamic blocks
}

var jsonArgs = map[string]argModes{
	"resource": {special: map[string]jsonMode{"provider": jsonTraversal, "depends_on": jsonTraversal}, dynamic: true},
	"data":     {special: map[string]jsonMode{"provider": jsonTraversal, "depends_on": jsonTraversal}, dynamic: true},
	"variable": {def: jsonLiteral, special: map[string]jsonMode{"type": jsonType}},
	"locals":   {},
	"output":   {special: map[string]jsonMode{"depends_on": jsonTraversal}},
	"module":   {special: map[string]jsonMode{"providers": jsonTraversal, "depends_on": jsonTraversal}},
	"provider": {dynamic: true},
}

var (
	jsonDynamicArgs = argModes{special: map[string]jsonMode{"iterator": jsonTraversal}}
	jsonContentArgs = argModes{dynamic: true}
)

type jsonConv struct {
	diags hcl.Diagnostics
}

// parseJSONFile reads one .tf.json file. As with a .tf file, any error
// leaves the whole file out rather than reading part of it wrongly.
func parseJSONFile(src []byte, rel string) (*parsedFile, []iac.Diagnostic) {
	f, diags := hcljson.Parse(src, rel)
	if diags.HasErrors() {
		return nil, convertDiags(diags, iac.SevError)
	}
	content, _, diags := f.Body.PartialContent(jsonTopSchema)
	c := &jsonConv{diags: diags}
	body := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, EndRange: f.Body.MissingItemRange()}
	for _, b := range content.Blocks {
		body.Blocks = append(body.Blocks, c.block(b, jsonArgs[b.Type]))
	}
	if c.diags.HasErrors() {
		return nil, convertDiags(c.diags, iac.SevError)
	}
	pf := &parsedFile{rel: rel, body: body}
	if bytes.Contains(src, []byte("parapet:ignore")) {
		pf.keyedIgnores = jsonIgnores(f.Body)
	}
	return pf, nil
}

// block translates one JSON block. Its header range is its last label
// (the resource name's key), not the shared "resource" key, so that each
// resource is located at its own lines.
func (c *jsonConv) block(b *hcl.Block, modes argModes) *hclsyntax.Block {
	typeRange := b.TypeRange
	if n := len(b.LabelRanges); n > 0 {
		typeRange = b.LabelRanges[n-1]
	}
	closeRange := b.Body.MissingItemRange()
	return &hclsyntax.Block{
		Type:            b.Type,
		Labels:          b.Labels,
		Body:            c.body(b.Body, modes, hcl.RangeBetween(b.DefRange, closeRange)),
		TypeRange:       typeRange,
		LabelRanges:     b.LabelRanges,
		OpenBraceRange:  b.DefRange,
		CloseBraceRange: closeRange,
	}
}

func (c *jsonConv) body(b hcl.Body, modes argModes, rng hcl.Range) *hclsyntax.Body {
	out := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, SrcRange: rng, EndRange: b.MissingItemRange()}
	if modes.dynamic {
		content, rest, diags := b.PartialContent(jsonDynamicSchema)
		c.diags = append(c.diags, diags...)
		for _, db := range content.Blocks {
			out.Blocks = append(out.Blocks, c.dynamicBlock(db))
		}
		b = rest
	}
	attrs, diags := b.JustAttributes()
	c.diags = append(c.diags, diags...)
	for name, a := range attrs {
		mode, ok := modes.special[name]
		if !ok {
			mode = modes.def
		}
		out.Attributes[name] = &hclsyntax.Attribute{Name: name, Expr: c.expr(a.Expr, mode),
			SrcRange: a.Range, NameRange: a.NameRange}
	}
	return out
}

// dynamicBlock translates {"dynamic": {"ingress": {"for_each": ...,
// "content": {...}}}}.
func (c *jsonConv) dynamicBlock(db *hcl.Block) *hclsyntax.Block {
	content, rest, diags := db.Body.PartialContent(jsonContentSchema)
	c.diags = append(c.diags, diags...)
	out := c.block(&hcl.Block{Type: db.Type, Labels: db.Labels, Body: rest, DefRange: db.DefRange,
		TypeRange: db.TypeRange, LabelRanges: db.LabelRanges}, jsonDynamicArgs)
	for _, cb := range content.Blocks {
		out.Body.Blocks = append(out.Body.Blocks, c.block(cb, jsonContentArgs))
	}
	return out
}

// expr translates a JSON value. Objects and arrays become object and
// tuple constructors so that their members keep their own ranges.
func (c *jsonConv) expr(e hcl.Expression, mode jsonMode) hclsyntax.Expression {
	rng := e.Range()
	if mode == jsonLiteral {
		v, diags := e.Value(nil)
		c.diags = append(c.diags, diags...)
		return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: rng}
	}
	if m, ok := e.(interface{ ExprMap() []hcl.KeyValuePair }); ok {
		if pairs := m.ExprMap(); pairs != nil {
			obj := &hclsyntax.ObjectConsExpr{SrcRange: rng, OpenRange: e.StartRange()}
			for _, p := range pairs {
				obj.Items = append(obj.Items, hclsyntax.ObjectConsItem{
					KeyExpr:   &hclsyntax.ObjectConsKeyExpr{Wrapped: c.expr(p.Key, mode)},
					ValueExpr: c.expr(p.Value, mode),
				})
			}
			return obj
		}
	}
	if l, ok := e.(interface{ ExprList() []hcl.Expression }); ok {
		if items := l.ExprList(); items != nil {
			tup := &hclsyntax.TupleConsExpr{SrcRange: rng, OpenRange: e.StartRange()}
			for _, it := range items {
				tup.Exprs = append(tup.Exprs, c.expr(it, mode))
			}
			return tup
		}
	}
	v, diags := e.Value(nil)
	c.diags = append(c.diags, diags...)
	if v.Type() != cty.String || v.IsNull() || !v.IsKnown() {
		return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: rng}
	}
	s := v.AsString()
	// Like HCL's JSON decoder, parse the string's contents as if they
	// started just after the opening quote.
	start := hcl.Pos{Line: rng.Start.Line, Column: rng.Start.Column + 1, Byte: rng.Start.Byte + 1}
	switch mode {
	case jsonTraversal:
		if t, diags := hclsyntax.ParseTraversalAbs([]byte(s), rng.Filename, start); !diags.HasErrors() {
			return &hclsyntax.ScopeTraversalExpr{Traversal: t, SrcRange: rng}
		}
	case jsonType:
		x, diags := hclsyntax.ParseExpression([]byte(s), rng.Filename, start)
		c.diags = append(c.diags, diags...)
		if !diags.HasErrors() {
			return x
		}
		return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: rng}
	}
	// Without "${" or "%{" a template is the string itself: skip the
	// parse (escapes "$${" and "%%{" contain the markers, so they are
	// still parsed).
	if !strings.Contains(s, "${") && !strings.Contains(s, "%{") {
		return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: rng}
	}
	x, diags := hclsyntax.ParseTemplate([]byte(s), rng.Filename, start)
	c.diags = append(c.diags, diags...)
	if diags.HasErrors() {
		return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: rng}
	}
	return x
}

// jsonIgnores finds suppressions in a JSON file. JSON has no comments;
// Terraform ignores a "//" property in a block, so a "//" string (or
// array of strings) inside a resource that reads
// "parapet:ignore:<check-id> <reason>" is the JSON form of the comment.
// Other "//" values (CDK for Terraform writes an object there) are left
// alone. The result is keyed by resource address (data.x.y for data
// sources).
func jsonIgnores(body hcl.Body) map[string][]ignoreComment {
	attrs, _ := body.JustAttributes()
	out := map[string][]ignoreComment{}
	for _, mode := range []string{"resource", "data"} {
		a, ok := attrs[mode]
		if !ok {
			continue
		}
		for _, byType := range exprPairs(a.Expr) {
			typ := literalString(byType.Key)
			for _, byName := range exprPairs(byType.Value) {
				key := typ + "." + literalString(byName.Key)
				if mode == "data" {
					key = "data." + key
				}
				for _, obj := range exprItems(byName.Value) {
					for _, p := range exprPairs(obj) {
						if literalString(p.Key) != "//" {
							continue
						}
						for _, s := range exprItems(p.Value) {
							if ig, ok := jsonIgnore(s); ok {
								out[key] = append(out[key], ig)
							}
						}
					}
				}
			}
		}
	}
	return out
}

func jsonIgnore(e hcl.Expression) (ignoreComment, bool) {
	m := ignorePattern.FindStringSubmatch(strings.TrimSpace(literalString(e)))
	if m == nil {
		return ignoreComment{}, false
	}
	return ignoreComment{checkID: m[1], reason: strings.TrimSpace(m[2]), line: e.Range().Start.Line}, true
}

func exprPairs(e hcl.Expression) []hcl.KeyValuePair {
	if m, ok := e.(interface{ ExprMap() []hcl.KeyValuePair }); ok {
		return m.ExprMap()
	}
	return nil
}

func exprList(e hcl.Expression) ([]hcl.Expression, bool) {
	if l, ok := e.(interface{ ExprList() []hcl.Expression }); ok {
		if items := l.ExprList(); items != nil {
			return items, true
		}
	}
	return nil, false
}

// exprItems reads a value written once or as an array: a block body
// (object or array of objects), a "//" comment (string or array).
func exprItems(e hcl.Expression) []hcl.Expression {
	if items, ok := exprList(e); ok {
		return items
	}
	return []hcl.Expression{e}
}
