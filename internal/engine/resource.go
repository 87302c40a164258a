package engine

import (
	"reflect"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/interpreter"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/engine/celenv"
)

// resource presents an asset to CEL as the map `resource` without copying
// it into one: CEL's field selection asks FindStringKey for each name, so
// evaluating resource.config.X costs two lookups and no allocation. The
// rarer whole-map operations (size, iteration, equality, passing resource
// to a function) build the map on demand.
type resource struct {
	a *asset.Asset
}

// FindStringKey serves CEL's fast path for selecting a field by name.
func (r *resource) FindStringKey(k string) (any, bool) {
	a := r.a
	switch k {
	case "uid":
		return a.UID, true
	case "type":
		return a.Type, true
	case "name":
		return a.Name, true
	case "provider":
		return a.Provider, true
	case "account":
		return a.Account, true
	case "region":
		return a.Region, true
	case "tags":
		if a.Tags == nil {
			return emptyTags, true
		}
		return a.Tags, true
	case "config":
		if a.Config == nil {
			return emptyConfig, true
		}
		return a.Config, true
	}
	return nil, false
}

var (
	emptyTags   = map[string]string{}
	emptyConfig = map[string]any{}
)

func (r *resource) native() map[string]any {
	m := make(map[string]any, len(celenv.ResourceFields))
	for _, k := range celenv.ResourceFields {
		m[k], _ = r.FindStringKey(k)
	}
	return m
}

func (r *resource) mapper() traits.Mapper {
	return types.DefaultTypeAdapter.NativeToValue(r.native()).(traits.Mapper)
}

// ref.Val and traits.Mapper.

func (r *resource) ConvertToNative(t reflect.Type) (any, error) { return r.mapper().ConvertToNative(t) }
func (r *resource) ConvertToType(t ref.Type) ref.Val            { return r.mapper().ConvertToType(t) }
func (r *resource) Equal(o ref.Val) ref.Val                     { return r.mapper().Equal(o) }
func (r *resource) Type() ref.Type                              { return types.MapType }
func (r *resource) Value() any                                  { return r.native() }
func (r *resource) Contains(k ref.Val) ref.Val                  { return r.mapper().Contains(k) }
func (r *resource) Get(k ref.Val) ref.Val                       { return r.mapper().Get(k) }
func (r *resource) Iterator() traits.Iterator                   { return r.mapper().Iterator() }
func (r *resource) Size() ref.Val                               { return types.Int(len(celenv.ResourceFields)) }

func (r *resource) Find(k ref.Val) (ref.Val, bool) {
	if s, ok := k.(types.String); ok {
		v, found := r.FindStringKey(string(s))
		if !found {
			return nil, false
		}
		return types.DefaultTypeAdapter.NativeToValue(v), true
	}
	return r.mapper().Find(k)
}

// activation binds the variables for the evaluations of one asset. It is
// pooled: an engine evaluates every check of an asset with one activation.
type activation struct {
	res     resource
	now     ref.Val
	nowTime time.Time
	// Evidence maps built for this asset, by read-set group, and the
	// interners of the asset type's groups.
	ev      []map[string]any
	interns []*interner
}

// evidence returns the evidence map of a read-set group, building it on
// first use; group -1 is never shared.
func (v *activation) evidence(group int, rs []read) map[string]any {
	if group < 0 || group >= len(v.ev) {
		return evidence(v.res.a, rs)
	}
	if v.ev[group] == nil {
		if in := v.interns[group]; in != nil {
			v.ev[group] = in.evidence(v.res.a, rs[0])
		} else {
			v.ev[group] = evidence(v.res.a, rs)
		}
	}
	return v.ev[group]
}

// release clears what refers to the asset and returns v to the pool.
func (v *activation) release() {
	v.res.a = nil
	clear(v.ev)
	v.ev = v.ev[:0]
	v.interns = nil
	activations.Put(v)
}

func (v *activation) ResolveName(name string) (any, bool) {
	switch name {
	case celenv.VarResource:
		return &v.res, true
	case celenv.VarNow:
		return v.now, true
	}
	return nil, false
}

func (v *activation) Parent() interpreter.Activation { return nil }

func (v *activation) bind(a *asset.Asset, now time.Time) {
	v.res.a = a
	if v.now == nil || !now.Equal(v.nowTime) {
		v.nowTime = now
		v.now = celenv.Timestamp(now)
	}
}

var (
	_ traits.Mapper          = (*resource)(nil)
	_ interpreter.Activation = (*activation)(nil)
)
