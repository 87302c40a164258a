// Package config reads Parapet's configuration file. Today it holds the
// governance of exceptions; an absent file means the documented defaults.
//
//	exceptions:
//	  approverRoles: [local-ciso, global-ciso]
//	  approvers:                 # severity: roles that may approve it
//	    critical: [global-ciso]  # severities not listed: any approver role
//	  maxDuration:               # from creation to expiry, per severity
//	    critical: 30d
//	    high: 90d
//	    medium: 180d
//	    low: 365d
//	    informational: 365d
//	  allowSelfApproval: false
//	  expiringNoticeDays: 14
//	  tagKey: parapet:exception
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/yamldoc"
)

// EnvConfig names the environment variable that points at the file.
const EnvConfig = "PARAPET_CONFIG"

// Config is Parapet's configuration.
type Config struct {
	// File is where it was read from; empty when no file exists and the
	// defaults apply.
	File string
	// Exceptions is the governance of exceptions.
	Exceptions finding.Policy
}

// Default is the configuration without a file.
func Default() *Config { return &Config{Exceptions: finding.DefaultPolicy()} }

// DefaultPath is the per-user configuration file: parapet/config.yaml in
// the user's configuration directory ($XDG_CONFIG_HOME or ~/.config on
// Linux, ~/Library/Application Support on macOS, %AppData% on Windows).
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("configuration directory: %w", err)
	}
	return filepath.Join(dir, "parapet", "config.yaml"), nil
}

// Load reads the configuration: from path when given, else from
// $PARAPET_CONFIG, else from DefaultPath. A file named by path or the
// environment must exist; the default file may be absent, and then the
// defaults apply.
func Load(path string) (*Config, error) {
	explicit := path != ""
	if !explicit {
		if p := os.Getenv(EnvConfig); p != "" {
			path, explicit = p, true
		}
	}
	if !explicit {
		p, err := DefaultPath()
		if err != nil {
			// No configuration directory (no $HOME): nothing to read.
			return Default(), nil
		}
		path = p
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return Default(), nil
		}
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	return Parse(path, data)
}

// Parse reads a configuration file's content. Keys left out keep their
// defaults; every problem is reported with file:line.
func Parse(file string, data []byte) (*Config, error) {
	c := Default()
	c.File = file
	root, err := yamldoc.Parse(file, data)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return c, nil
	}
	r := &yamldoc.Reader{File: file}
	top := r.Mapping(root, "the configuration", []string{"exceptions"})
	if f, ok := top["exceptions"]; ok {
		readPolicy(r, f, &c.Exceptions)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if err := c.Exceptions.Validate(); err != nil {
		// Validation names the key; the section is the closest line.
		line := 0
		if f, ok := top["exceptions"]; ok {
			line = f.Key.Line
		}
		var out []error
		for _, e := range splitJoined(err) {
			out = append(out, &yamldoc.Error{File: file, Line: line, Msg: "exceptions." + e.Error()})
		}
		return nil, errors.Join(out...)
	}
	return c, nil
}

var policyKeys = []string{"approverRoles", "approvers", "maxDuration", "allowSelfApproval", "expiringNoticeDays", "tagKey"}

func readPolicy(r *yamldoc.Reader, section yamldoc.Field, p *finding.Policy) {
	m := r.Mapping(section.Value, "exceptions", policyKeys)
	if f, ok := m["approverRoles"]; ok {
		p.ApproverRoles = r.Strings(f.Value, "exceptions.approverRoles")
		roles := map[string]bool{}
		for _, role := range p.ApproverRoles {
			if strings.TrimSpace(role) == "" {
				r.Errorf(f.Value, "exceptions.approverRoles: empty role name")
			} else if roles[role] {
				r.Errorf(f.Value, "exceptions.approverRoles: %q is listed twice", role)
			}
			roles[role] = true
		}
		// Roles configured by default for critical may no longer exist;
		// approvals are re-read below, or fall back to every role.
		p.Approvers = map[string][]string{}
		if roles["global-ciso"] {
			p.Approvers["critical"] = []string{"global-ciso"}
		}
	}
	if f, ok := m["approvers"]; ok {
		p.Approvers = map[string][]string{}
		for _, kv := range r.Pairs(f.Value, "exceptions.approvers") {
			sev := kv.Key.Value
			if finding.SeverityRank(sev) < 0 {
				r.Errorf(kv.Key, "exceptions.approvers: unknown severity %q (want %s)", sev, strings.Join(finding.SeverityNames(), ", "))
				continue
			}
			roles := r.Strings(kv.Value, "exceptions.approvers."+sev)
			if len(roles) == 0 {
				r.Errorf(kv.Value, "exceptions.approvers.%s: name at least one role (leave the severity out to let any approver role approve it)", sev)
			}
			for _, role := range roles {
				if !slices.Contains(p.ApproverRoles, role) {
					r.Errorf(kv.Value, "exceptions.approvers.%s: %q is not one of approverRoles (%s)", sev, role, strings.Join(p.ApproverRoles, ", "))
				}
			}
			p.Approvers[canonical(sev)] = roles
		}
	}
	if f, ok := m["maxDuration"]; ok {
		for _, kv := range r.Pairs(f.Value, "exceptions.maxDuration") {
			sev := kv.Key.Value
			if finding.SeverityRank(sev) < 0 {
				r.Errorf(kv.Key, "exceptions.maxDuration: unknown severity %q (want %s)", sev, strings.Join(finding.SeverityNames(), ", "))
				continue
			}
			if d := r.Days(kv.Value, "exceptions.maxDuration."+sev); d > 0 {
				p.MaxDuration[canonical(sev)] = d
			}
		}
	}
	if f, ok := m["allowSelfApproval"]; ok {
		p.AllowSelfApproval = r.Bool(f.Value, "exceptions.allowSelfApproval")
	}
	if f, ok := m["expiringNoticeDays"]; ok {
		n := r.Int(f.Value, "exceptions.expiringNoticeDays")
		if n < 0 {
			r.Errorf(f.Value, "exceptions.expiringNoticeDays: must not be negative (0 turns the notice off)")
		}
		p.ExpiringNoticeDays = n
	}
	if f, ok := m["tagKey"]; ok {
		p.TagKey = strings.TrimSpace(r.String(f.Value, "exceptions.tagKey"))
		if p.TagKey == "" {
			r.Errorf(f.Value, "exceptions.tagKey: must not be empty")
		}
	}
}

func canonical(sev string) string { return finding.SeverityNames()[finding.SeverityRank(sev)] }

// splitJoined undoes errors.Join, so each problem gets its own line.
func splitJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
