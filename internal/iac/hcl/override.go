package hcl

import (
	"fmt"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// override merges an override file into the module, as Terraform does:
// arguments replace arguments, and nested blocks of a type present in the
// override replace all blocks of that type.
func (l *loader) override(src *modSource, f *parsedFile) {
	for _, b := range f.body.Blocks {
		switch b.Type {
		case "resource", "data":
			if len(b.Labels) != 2 {
				continue
			}
			key := b.Labels[0] + "." + b.Labels[1]
			if b.Type == "data" {
				key = "data." + key
			}
			base, ok := src.resByKey[key]
			if !ok {
				l.warnAt(b.DefRange(), fmt.Sprintf("override for %s has no base definition; it is ignored", key))
				continue
			}
			base.block = mergeBlock(base.block, b)
			base.indexBody()
		case "locals":
			for n, a := range b.Body.Attributes {
				if d, ok := src.locals[n]; ok {
					d.attr = a
					d.file = f
				}
			}
		case "output":
			if len(b.Labels) == 1 {
				if o, ok := src.outputs[b.Labels[0]]; ok {
					if a, ok := b.Body.Attributes["value"]; ok {
						o.expr, o.file = a.Expr, f
					}
				}
			}
		case "module":
			if len(b.Labels) == 1 {
				if c, ok := src.callByKey[b.Labels[0]]; ok {
					c.block = mergeBlock(c.block, b)
					c.index()
				}
			}
		case "variable":
			if len(b.Labels) == 1 {
				if v, ok := src.varByName[b.Labels[0]]; ok {
					merged := mergeBlock(v.block, b)
					delete(src.varByName, v.name)
					for i, x := range src.vars {
						if x == v {
							src.vars = append(src.vars[:i], src.vars[i+1:]...)
							break
						}
					}
					l.declareVariable(src, v.file, merged)
				}
			}
		}
	}
}

func mergeBlock(base, over *hclsyntax.Block) *hclsyntax.Block {
	nb := *base
	body := *base.Body
	body.Attributes = hclsyntax.Attributes{}
	for n, a := range base.Body.Attributes {
		body.Attributes[n] = a
	}
	for n, a := range over.Body.Attributes {
		body.Attributes[n] = a
	}
	replaced := map[string]bool{}
	for _, ob := range over.Body.Blocks {
		replaced[blockTypeOf(ob)] = true
	}
	body.Blocks = nil
	for _, bb := range base.Body.Blocks {
		if !replaced[blockTypeOf(bb)] {
			body.Blocks = append(body.Blocks, bb)
		}
	}
	body.Blocks = append(body.Blocks, over.Body.Blocks...)
	nb.Body = &body
	return &nb
}

func blockTypeOf(b *hclsyntax.Block) string {
	if b.Type == "dynamic" && len(b.Labels) == 1 {
		return b.Labels[0]
	}
	return b.Type
}
