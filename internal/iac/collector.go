package iac

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/codeshape"
	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/finding"
)

// Collector reads code with the registered loaders and reports its assets
// to a scan, like a cloud collector does. It implements collect.Collector.
type Collector struct {
	Path string
	// Loaders are the candidates, configured by the caller (variables,
	// parameters); nil means every registered loader. A directory is read
	// by all of them, a file by the first that recognises it.
	Loaders []Loader

	// Suppressions collects the inline suppressions found, for the
	// caller to apply to the results.
	Suppressions []codeshape.Suppression
	// Diagnostics collects what the loaders reported.
	Diagnostics []Diagnostic

	reasons map[[2]string]string // (check, resource) → reason, for Suppress
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
		// Suppressions first: the pipeline evaluates each asset as it
		// arrives and asks Suppress about its failures.
		for _, a := range res.Assets {
			if a.Type == codeshape.TypeSuppression {
				if s, ok := suppressionOf(a); ok {
					c.Suppressions = append(c.Suppressions, s)
					if c.reasons == nil {
						c.reasons = map[[2]string]string{}
					}
					if r := strings.TrimSpace(s.Reason); r != "" {
						c.reasons[[2]string{s.CheckID, s.Resource}] = r
					}
				}
			}
		}
		for _, a := range res.Assets {
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
	all := c.Loaders
	if all == nil {
		for _, f := range Frameworks() {
			l, _ := Lookup(f)
			all = append(all, l)
		}
	}
	fi, err := os.Stat(c.Path)
	if err != nil {
		return nil, err
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
	return nil, fmt.Errorf("%s: not a Terraform configuration, Terraform plan or CloudFormation template (use --framework)", c.Path)
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

// Suppress implements finding.Suppressor for inline suppressions: a
// failure of the named check on the resource the comment annotates is
// SUPPRESSED, provided the comment gives a reason (one without a reason
// suppresses nothing and is itself reported by iac-suppression-reason).
func (c *Collector) Suppress(r *finding.Result, _ map[string]string, _ time.Time) (string, bool) {
	if reason, ok := c.reasons[[2]string{r.CheckID, r.AssetUID}]; ok {
		return "inline: " + reason, true
	}
	return "", false
}

var (
	_ collect.Collector  = (*Collector)(nil)
	_ finding.Suppressor = (*Collector)(nil)
)
