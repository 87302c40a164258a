package tfplan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/parapet-dev/parapet/internal/iac"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

// stateV4 is the terraform.tfstate format Terraform has written since
// 0.12 ("version": 4).
type stateV4 struct {
	Version          *int            `json:"version"`
	FormatVersion    string          `json:"format_version"` // set in terraform show -json output
	PlannedValues    json.RawMessage `json:"planned_values"` // set in plans only
	TerraformVersion string          `json:"terraform_version"`
	Resources        []struct {
		Module    string `json:"module"`
		Mode      string `json:"mode"`
		Type      string `json:"type"`
		Name      string `json:"name"`
		Provider  string `json:"provider"`
		Instances []struct {
			IndexKey       any               `json:"index_key"`
			Deposed        string            `json:"deposed"`
			Attributes     map[string]any    `json:"attributes"`
			AttributesFlat map[string]string `json:"attributes_flat"`
		} `json:"instances"`
	} `json:"resources"`
}

// LoadState reads a state file: terraform.tfstate (version 4) or the
// output of terraform show -json for a state. Every value is known. The
// error is for a file that is missing or is not a state.
func LoadState(path string) (*tfmodel.Module, []iac.Diagnostic, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read state: %w", err)
	}
	var st stateV4
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&st); err != nil {
		return nil, nil, fmt.Errorf("%s is not a Terraform state file: %w", path, err)
	}
	if st.PlannedValues != nil {
		return nil, nil, fmt.Errorf("%s is not Terraform JSON state output: it is a plan", path)
	}
	if st.FormatVersion != "" {
		return loadShowState(path, b)
	}
	switch {
	case st.Version == nil:
		return nil, nil, fmt.Errorf("%s is not a Terraform state file: it has no version", path)
	case *st.Version != 4:
		return nil, nil, fmt.Errorf("%s: state version %d is not supported (only version 4, written by Terraform 0.12 and later)", path, *st.Version)
	}
	mod := &tfmodel.Module{}
	var diags []iac.Diagnostic
	for _, res := range st.Resources {
		if res.Mode != "managed" && res.Mode != "data" {
			diags = append(diags, iac.Diagnostic{File: path, Severity: iac.SevWarning,
				Message: fmt.Sprintf("resource %s.%s has unknown mode %q; it is not read", res.Type, res.Name, res.Mode)})
			continue
		}
		base := res.Type + "." + res.Name
		if res.Mode == "data" {
			base = "data." + base
		}
		if res.Module != "" {
			base = res.Module + "." + base
		}
		prov := stateProvider(res.Provider)
		for _, in := range res.Instances {
			if in.Deposed != "" {
				continue // an old object awaiting destruction
			}
			idx := indexValue(in.IndexKey)
			addr := base + indexString(idx)
			attrs, _ := normalize(in.Attributes).(map[string]any)
			if attrs == nil {
				attrs = map[string]any{}
				if len(in.AttributesFlat) > 0 {
					diags = append(diags, iac.Diagnostic{File: path, Severity: iac.SevWarning,
						Message: fmt.Sprintf("%s holds legacy flat attributes; run terraform refresh with a current Terraform to upgrade them", addr)})
				}
			}
			mod.Resources = append(mod.Resources, &tfmodel.Resource{Mode: res.Mode, Type: res.Type, Name: res.Name,
				Address: addr, Module: res.Module, Index: idx, Provider: prov, Region: regionOf(attrs), Attributes: attrs})
		}
	}
	return mod, diags, nil
}

// stateProvider turns a state's provider address into tfmodel's form:
// provider["registry.terraform.io/hashicorp/aws"].west → aws.west,
// module.x.provider["..."] → module.x.aws, provider.aws (0.12) → aws.
func stateProvider(s string) string {
	module := ""
	i := strings.Index(s, `provider["`)
	if i < 0 && !strings.HasPrefix(s, "provider.") {
		if j := strings.Index(s, ".provider."); j >= 0 {
			i = j + 1
		}
	}
	if i > 0 {
		module = strings.TrimSuffix(s[:i], ".")
		s = s[i:]
	}
	var name, alias string
	switch {
	case strings.HasPrefix(s, `provider["`):
		end := strings.Index(s, `"]`)
		if end < 0 {
			return s
		}
		src := s[len(`provider["`):end]
		name = src[strings.LastIndexByte(src, '/')+1:]
		alias = strings.TrimPrefix(s[end+2:], ".")
	case strings.HasPrefix(s, "provider."):
		name, alias, _ = strings.Cut(strings.TrimPrefix(s, "provider."), ".")
	default:
		return s
	}
	out := name
	if alias != "" {
		out += "." + alias
	}
	if module != "" {
		out = module + "." + out
	}
	return out
}

// loadShowState reads terraform show -json output for a state.
func loadShowState(path string, b []byte) (*tfmodel.Module, []iac.Diagnostic, error) {
	var st tfjson.State
	st.UseJSONNumber(true)
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, nil, fmt.Errorf("%s is not Terraform JSON state output: %w", path, err)
	}
	mod := &tfmodel.Module{}
	if st.Values != nil {
		walkShowState(st.Values.RootModule, mod)
	}
	return mod, nil, nil
}

func walkShowState(m *tfjson.StateModule, mod *tfmodel.Module) {
	if m == nil {
		return
	}
	for _, res := range m.Resources {
		if res.DeposedKey != "" {
			continue
		}
		attrs, _ := normalize(res.AttributeValues).(map[string]any)
		if attrs == nil {
			attrs = map[string]any{}
		}
		prov := res.ProviderName
		if i := strings.LastIndexByte(prov, '/'); i >= 0 {
			prov = prov[i+1:]
		}
		mod.Resources = append(mod.Resources, &tfmodel.Resource{Mode: string(res.Mode), Type: res.Type, Name: res.Name,
			Address: res.Address, Module: m.Address, Index: indexValue(res.Index), Provider: prov,
			Region: regionOf(attrs), Attributes: attrs})
	}
	for _, c := range m.ChildModules {
		walkShowState(c, mod)
	}
}
