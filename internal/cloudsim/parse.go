package cloudsim

import (
	"fmt"
	"github.com/parapet-dev/parapet/internal/yamldoc"
	"os"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// worldFile is the top level of a world file; it differs from World only in
// the shape of the faults block.
type worldFile struct {
	AsOf           time.Time
	Organization   *Organization
	Credentials    []Credential
	DefaultAccount string
	Accounts       []*Account
	Faults         *faultsFile
}

type faultsFile struct {
	Latency  time.Duration
	Throttle *struct {
		Rate  float64
		Burst int
	}
	ErrorRate float64
	PageSize  int
	Seed      int64
}

// topLevel maps the documented top-level keys to worldFile fields; the
// paths in messages use the documented spelling.
var topLevel = map[string]string{
	"asof": "AsOf", "organization": "Organization", "credentials": "Credentials",
	"defaultaccount": "DefaultAccount", "accounts": "Accounts", "faults": "Faults",
}

// topLevelPath is how messages name each top-level field.
var topLevelPath = map[string]string{
	"AsOf": "asOf", "Organization": "organization", "Credentials": "credentials",
	"DefaultAccount": "defaultAccount", "Accounts": "accounts", "Faults": "faults",
}

// LoadWorld reads and parses a world file.
func LoadWorld(path string) (*World, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read world: %w", err)
	}
	return ParseWorld(path, data)
}

// ParseWorld parses a world file. Every problem found is reported as
// "file:line: path: message", all of them in one error.
func ParseWorld(filename string, data []byte) (*World, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlSyntaxError(filename, err)
	}
	d := &decoder{file: filename, lines: map[string]int{}}
	var wf worldFile
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s:1: the world file is empty", filename)
	}
	doc := yamldoc.Resolve(root.Content[0])
	if doc.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: expected a mapping of asOf, organization, credentials, defaultAccount, accounts and faults, got %s", filename, doc.Line, kindName(doc))
	}
	v := reflect.ValueOf(&wf).Elem()
	seen := map[string]int{}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, val := yamldoc.Resolve(doc.Content[i]), doc.Content[i+1]
		field, ok := topLevel[strings.ToLower(k.Value)]
		if !ok {
			d.errorf(k.Line, "", "unknown top-level key %q (known keys: asOf, organization, credentials, defaultAccount, accounts, faults)", k.Value)
			continue
		}
		if first, dup := seen[field]; dup {
			d.errorf(k.Line, "", "top-level key %q given twice (first at line %d)", k.Value, first)
			continue
		}
		seen[field] = k.Line
		d.decode(val, v.FieldByName(field), topLevelPath[field])
	}
	if err := d.err(); err != nil {
		return nil, err
	}
	w := &World{
		AsOf:           wf.AsOf,
		Organization:   wf.Organization,
		Credentials:    wf.Credentials,
		DefaultAccount: wf.DefaultAccount,
		Accounts:       wf.Accounts,
	}
	if f := wf.Faults; f != nil {
		w.Faults = Faults{Latency: f.Latency, ErrorRate: f.ErrorRate, PageSize: f.PageSize, Seed: f.Seed}
		if f.Throttle != nil {
			w.Faults.ThrottleRate, w.Faults.ThrottleBurst = f.Throttle.Rate, f.Throttle.Burst
		}
	}
	w.check(d)
	if err := d.err(); err != nil {
		return nil, err
	}
	w.normalize()
	return w, nil
}

// Validate checks a World built in Go with the rules ParseWorld applies to
// files (unique IDs, known regions, known accounts, existing attached
// policies, ...). Messages name the path of the problem.
func (w *World) Validate() error {
	d := &decoder{file: "world", lines: map[string]int{}, noLines: true}
	w.check(d)
	return d.err()
}
