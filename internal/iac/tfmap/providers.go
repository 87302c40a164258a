package tfmap

import (
	"fmt"
	"path/filepath"
	"sort"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/codeshape"
	"github.com/parapet-dev/parapet/internal/iac"
	"github.com/parapet-dev/parapet/internal/secrets"
)

// codeAssets maps what exists only in code: provider blocks and variables
// (where credentials get written) and inline suppressions.
func (ix *index) codeAssets() []asset.Asset {
	var out []asset.Asset
	for _, p := range ix.mod.Providers {
		if p == nil {
			continue
		}
		addr := "provider." + p.Name
		name := p.Name
		if p.Alias != "" {
			addr += "." + p.Alias
			name += "." + p.Alias
		}
		if p.Module != "" {
			addr = p.Module + "." + addr
		}
		shape := codeshape.TerraformProvider{Name: p.Name, Alias: p.Alias, Secrets: scanArguments("", p.Attributes)}
		shape.Region, _ = p.Attributes["region"].(string)
		out = ix.codeAsset(out, codeshape.TypeTerraformProvider, ix.uid(addr), name, shape,
			asset.Source{Kind: ix.opts.Source, File: p.File, StartLine: p.StartLine, EndLine: p.EndLine})
	}
	for _, v := range ix.mod.Variables {
		if v == nil {
			continue
		}
		addr := "var." + v.Name
		if v.Module != "" {
			addr = v.Module + "." + addr
		}
		shape := codeshape.TerraformVariable{Name: v.Name, Sensitive: v.Sensitive, HasDefault: v.HasDefault}
		if v.HasDefault {
			shape.Secrets = scanValue(v.Name, v.Default)
		}
		out = ix.codeAsset(out, codeshape.TypeTerraformVariable, ix.uid(addr), addr, shape,
			asset.Source{Kind: ix.opts.Source, File: v.File, StartLine: v.StartLine, EndLine: v.StartLine})
	}
	for _, s := range ix.mod.Suppressions {
		shape := codeshape.Suppression{CheckID: s.CheckID, Reason: s.Reason}
		if s.Address != "" {
			shape.Resource = ix.uid(s.Address)
		}
		uid := fmt.Sprintf("terraform:%s:%d#parapet:ignore:%s", ix.relFile(s.File), s.Line, s.CheckID)
		out = ix.codeAsset(out, codeshape.TypeSuppression, uid, s.CheckID, shape,
			asset.Source{Kind: ix.opts.Source, File: s.File, StartLine: s.Line, EndLine: s.Line})
	}
	return out
}

func (ix *index) codeAsset(out []asset.Asset, typ, uid, name string, shape any, src asset.Source) []asset.Asset {
	cfg, err := asset.ToConfig(shape)
	if err != nil {
		ix.diags = append(ix.diags, iac.Diagnostic{File: src.File, Line: src.StartLine, Severity: iac.SevError, Message: err.Error()})
		return out
	}
	a := asset.Asset{UID: uid, Provider: codeshape.Provider, Type: typ, Name: name, Config: cfg, Source: src}
	a.Hash = a.ComputeHash()
	return append(out, a)
}

// relFile is a file's path relative to the scanned root, in slash form.
func (ix *index) relFile(file string) string {
	root := ix.opts.Root
	if isFile(root) {
		root = filepath.Dir(root)
	}
	return relTo(root, file)
}

// scanArguments looks for credentials in every string argument of a block
// (access_key, secret_key, token, and any other credential-like or
// credential-shaped value, nested blocks included). Locations are argument
// paths.
func scanArguments(prefix string, args map[string]any) []secrets.Finding {
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := []secrets.Finding{}
	for _, k := range keys {
		out = append(out, scanValue(prefix+k, args[k])...)
	}
	return out
}

// scanValue scans a value under a name, descending into objects and
// lists. Unknown and referenced values are not written in the code.
func scanValue(name string, v any) []secrets.Finding {
	switch t := v.(type) {
	case string:
		return secrets.ScanValue(name, t)
	case map[string]any:
		return scanArguments(name+".", t)
	case []any:
		var out []secrets.Finding
		for i, e := range t {
			loc := fmt.Sprintf("%s[%d]", name, i)
			if m, ok := e.(map[string]any); ok && len(t) == 1 {
				out = append(out, scanArguments(name+".", m)...)
				continue
			}
			out = append(out, scanValue(loc, e)...)
		}
		return out
	}
	return nil
}
