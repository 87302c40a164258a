package store

import (
	"context"
	"strings"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/finding"
)

// Redacted replaces the value of a redacted field.
const Redacted = "[REDACTED]"

// Redact returns a Store that replaces, before writing, the value of every
// field with one of the given names (compared without regard to case) at
// any depth of an asset's Config and a result's Evidence. Evidence keys are
// paths ("config.MasterUserPassword"); their last element is compared.
// The caller's assets and results are not modified. Asset.Hash is kept as
// given, so a changed secret still shows as a new configuration version.
func Redact(s Store, fields ...string) Store {
	names := make(map[string]bool, len(fields))
	for _, f := range fields {
		names[strings.ToLower(f)] = true
	}
	return &redacting{Store: s, names: names}
}

type redacting struct {
	Store
	names map[string]bool
}

func (r *redacting) PutAssets(ctx context.Context, scanID string, assets []asset.Asset) error {
	out := assets
	for i := range assets {
		c, changed := r.redact(assets[i].Config)
		if !changed {
			continue
		}
		if &out[0] == &assets[0] {
			out = append([]asset.Asset(nil), assets...)
		}
		out[i].Config = c.(map[string]any)
	}
	return r.Store.PutAssets(ctx, scanID, out)
}

func (r *redacting) PutResults(ctx context.Context, scanID string, results []finding.Result) error {
	out := results
	for i := range results {
		e, changed := r.redact(results[i].Evidence)
		if !changed {
			continue
		}
		if &out[0] == &results[0] {
			out = append([]finding.Result(nil), results...)
		}
		out[i].Evidence = e.(map[string]any)
	}
	return r.Store.PutResults(ctx, scanID, out)
}

func (r *redacting) secret(key string) bool {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		key = key[i+1:]
	}
	return r.names[strings.ToLower(key)]
}

// redact returns v with secret fields replaced, copying only the maps and
// lists on the way to a replacement; changed is false when v is returned
// as it was.
func (r *redacting) redact(v any) (out any, changed bool) {
	switch t := v.(type) {
	case map[string]any:
		var cp map[string]any
		for k, e := range t {
			var ne any
			var ch bool
			if r.secret(k) {
				// An absent or empty secret is kept: "no password set"
				// is itself evidence.
				ne, ch = Redacted, e != nil && e != ""
			} else {
				ne, ch = r.redact(e)
			}
			if !ch {
				continue
			}
			if cp == nil {
				cp = make(map[string]any, len(t))
				for k2, e2 := range t {
					cp[k2] = e2
				}
			}
			cp[k] = ne
		}
		if cp == nil {
			return v, false
		}
		return cp, true
	case []any:
		var cp []any
		for i, e := range t {
			ne, ch := r.redact(e)
			if !ch {
				continue
			}
			if cp == nil {
				cp = append([]any(nil), t...)
			}
			cp[i] = ne
		}
		if cp == nil {
			return v, false
		}
		return cp, true
	default:
		return v, false
	}
}
