package asset

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"
)

// TypeInfo documents one canonical asset type. Shape is a value of the Go
// struct whose JSON encoding is the type's Config; its JSON Schema is derived
// from it so check authors can see exactly what they can write against.
type TypeInfo struct {
	Name        string // canonical name, e.g. "aws.s3.bucket"
	Provider    string
	Description string
	Shape       any
}

var (
	typesMu sync.RWMutex
	types   = map[string]TypeInfo{}
)

// RegisterType makes a type known. It panics on an empty name or a
// duplicate, which are programming errors caught at start-up.
func RegisterType(t TypeInfo) {
	typesMu.Lock()
	defer typesMu.Unlock()
	if t.Name == "" || t.Shape == nil {
		panic("asset: RegisterType with empty name or nil shape")
	}
	if _, dup := types[t.Name]; dup {
		panic("asset: RegisterType called twice for " + t.Name)
	}
	types[t.Name] = t
}

// LookupType returns a registered type.
func LookupType(name string) (TypeInfo, bool) {
	typesMu.RLock()
	defer typesMu.RUnlock()
	t, ok := types[name]
	return t, ok
}

// Types lists registered types sorted by name.
func Types() []TypeInfo {
	typesMu.RLock()
	defer typesMu.RUnlock()
	out := make([]TypeInfo, 0, len(types))
	for _, t := range types {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Schema returns the JSON Schema (draft 2020-12) of a type's Config.
func (t TypeInfo) Schema() map[string]any {
	s := schemaOf(reflect.TypeOf(t.Shape), map[reflect.Type]bool{})
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	s["title"] = t.Name
	if t.Description != "" {
		s["description"] = t.Description
	}
	return s
}

var timeType = reflect.TypeOf(time.Time{})

func schemaOf(t reflect.Type, seen map[reflect.Type]bool) map[string]any {
	nullable := false
	for t.Kind() == reflect.Pointer {
		nullable = true
		t = t.Elem()
	}
	var s map[string]any
	switch {
	case t == timeType:
		s = map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.String:
		s = map[string]any{"type": "string"}
	case t.Kind() == reflect.Bool:
		s = map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		s = map[string]any{"type": "integer"}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		s = map[string]any{"type": "number"}
	case t.Kind() == reflect.Slice:
		s = map[string]any{"type": "array", "items": schemaOf(t.Elem(), seen)}
		nullable = true // a nil slice encodes as null
	case t.Kind() == reflect.Map:
		s = map[string]any{"type": "object"}
		if t.Elem().Kind() != reflect.Interface {
			s["additionalProperties"] = schemaOf(t.Elem(), seen)
		}
		nullable = true
	case t.Kind() == reflect.Interface:
		s = map[string]any{}
	case t.Kind() == reflect.Struct:
		if seen[t] {
			panic(fmt.Sprintf("asset: recursive shape %s", t))
		}
		seen[t] = true
		props := map[string]any{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			p := schemaOf(f.Type, seen)
			if d := f.Tag.Get("doc"); d != "" {
				p["description"] = d
			}
			props[name] = p
		}
		delete(seen, t)
		s = map[string]any{"type": "object", "properties": props}
	default:
		panic(fmt.Sprintf("asset: unsupported shape kind %s", t))
	}
	if nullable {
		if typ, ok := s["type"].(string); ok {
			s["type"] = []string{typ, "null"}
		}
	}
	return s
}
