// Package iac turns infrastructure as code (Terraform configurations and
// plans, CloudFormation templates) into the same assets the cloud
// collectors produce, so every check runs unchanged before deployment.
// Loaders register themselves by framework name; Collector adapts a loader
// to the scan pipeline.
package iac

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/parapet-dev/parapet/internal/asset"
)

// Severity of a loader diagnostic.
const (
	SevError   = "error"   // something could not be read: its resources are missing
	SevWarning = "warning" // read, with a caveat (missing module, cycle)
)

// Diagnostic is a problem found while reading code, located in a file.
type Diagnostic struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

func (d Diagnostic) String() string {
	loc := d.File
	if d.Line > 0 {
		loc = fmt.Sprintf("%s:%d", d.File, d.Line)
		if d.Column > 0 {
			loc = fmt.Sprintf("%s:%d", loc, d.Column)
		}
	}
	return fmt.Sprintf("%s: %s: %s", loc, d.Severity, d.Message)
}

// Result is what a loader found under a path. Assets carry Source with the
// file and line range of their definition; inline suppressions are assets
// of type codeshape.TypeSuppression.
type Result struct {
	Assets      []asset.Asset
	Diagnostics []Diagnostic
}

// Loader reads one framework.
type Loader interface {
	// Framework is the name users select it by: terraform, plan,
	// cloudformation.
	Framework() string
	// Detect reports whether a file (not a directory) is this
	// framework's, so mixed trees can be scanned without --framework.
	Detect(path string, head []byte) bool
	// Load reads a file or a directory tree. The error is for the path as
	// a whole (it does not exist); everything file-level is a Diagnostic.
	Load(ctx context.Context, path string) (*Result, error)
}

var (
	mu      sync.RWMutex
	loaders = map[string]Loader{}
)

// Register makes a loader available; it panics on nil or duplicates.
func Register(l Loader) {
	mu.Lock()
	defer mu.Unlock()
	if l == nil {
		panic("iac: Register with nil loader")
	}
	if _, dup := loaders[l.Framework()]; dup {
		panic("iac: Register called twice for " + l.Framework())
	}
	loaders[l.Framework()] = l
}

// Lookup returns the loader of a framework.
func Lookup(framework string) (Loader, error) {
	mu.RLock()
	defer mu.RUnlock()
	if l, ok := loaders[framework]; ok {
		return l, nil
	}
	return nil, fmt.Errorf("unknown framework %q (available: %v)", framework, frameworksLocked())
}

// Frameworks lists the registered framework names.
func Frameworks() []string {
	mu.RLock()
	defer mu.RUnlock()
	return frameworksLocked()
}

func frameworksLocked() []string {
	out := make([]string, 0, len(loaders))
	for f := range loaders {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}
