package iac

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/codeshape"
	"github.com/parapet-dev/parapet/internal/collect"
)

// Collector reads code with the registered loaders and reports its assets
// to a scan, like a cloud collector does. It implements collect.Collector.
type Collector struct {
	Path string
	// Frameworks restricts the loaders; empty means every loader for a
	// directory, and the one that recognises the file for a file.
	Frameworks []string

	// Suppressions collects the inline suppressions found, for the
	// caller to apply to the results.
	Suppressions []codeshape.Suppression
	// Diagnostics collects what the loaders reported.
	Diagnostics []Diagnostic
}

// Provider names the source of a code scan.
func (c *Collector) Provider() string { return "iac" }

// Collect loads the path. It fails only when the path cannot be read at
// all or no framework applies; file-level problems become diagnostics.
func (c *Collector) Collect(ctx context.Context, sink collect.Sink) error {
	loaders, err := c.loaders()
	if err != nil {
		return err
	}
	sink.Progress(len(loaders), 0)
	for _, l := range loaders {
		res, err := l.Load(ctx, c.Path)
		if err != nil {
			return fmt.Errorf("%s: %w", l.Framework(), err)
		}
		for _, a := range res.Assets {
			if a.Type == codeshape.TypeSuppression {
				if s, ok := suppressionOf(a); ok {
					c.Suppressions = append(c.Suppressions, s)
				}
			}
			sink.Asset(a)
		}
		for _, d := range res.Diagnostics {
			c.Diagnostics = append(c.Diagnostics, d)
			sink.Diagnostic(collect.Diagnostic{
				Provider: c.Provider(), Service: l.Framework(), Resource: location(d),
				Code: d.Severity, Message: d.Message,
			})
		}
		sink.Progress(0, 1)
	}
	return nil
}

// Errors counts error diagnostics: code that could not be read, whose
// resources were therefore not checked.
func (c *Collector) Errors() int {
	n := 0
	for _, d := range c.Diagnostics {
		if d.Severity == SevError {
			n++
		}
	}
	return n
}

func (c *Collector) loaders() ([]Loader, error) {
	if len(c.Frameworks) > 0 {
		var out []Loader
		for _, f := range c.Frameworks {
			l, err := Lookup(f)
			if err != nil {
				return nil, err
			}
			out = append(out, l)
		}
		return out, nil
	}
	fi, err := os.Stat(c.Path)
	if err != nil {
		return nil, err
	}
	all := make([]Loader, 0, len(Frameworks()))
	for _, f := range Frameworks() {
		l, _ := Lookup(f)
		all = append(all, l)
	}
	if fi.IsDir() {
		return all, nil
	}
	head, err := readHead(c.Path)
	if err != nil {
		return nil, err
	}
	for _, l := range all {
		if l.Detect(c.Path, head) {
			return []Loader{l}, nil
		}
	}
	return nil, fmt.Errorf("%s: not a Terraform, Terraform plan or CloudFormation file (use --framework)", c.Path)
}

// readHead reads the start of a file, enough for loaders to recognise it.
func readHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 8192)
	n, err := io.ReadFull(f, b)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	return b[:n], nil
}

func location(d Diagnostic) string {
	if d.Line > 0 {
		return fmt.Sprintf("%s:%d", d.File, d.Line)
	}
	return d.File
}

func suppressionOf(a asset.Asset) (codeshape.Suppression, bool) {
	s := codeshape.Suppression{}
	id, _ := a.Config["CheckID"].(string)
	reason, _ := a.Config["Reason"].(string)
	res, _ := a.Config["Resource"].(string)
	if id == "" || res == "" {
		return s, false
	}
	s.CheckID, s.Reason, s.Resource = id, reason, res
	return s, true
}

var _ collect.Collector = (*Collector)(nil)
