// Package wire writes AWS response shapes (the AWS SDK for Go v2's own
// output and types structs) in the wire formats of the AWS protocols:
// EC2 query and AWS query XML, REST-XML, and JSON (awsJson 1.1 and
// REST-JSON, both the table-driven and the schema-driven SDK packages).
//
// Element and key names come from tables generated from the pinned SDK's
// response deserializers (fields_gen.go, see internal/wiregen), so what the
// simulator writes is exactly what the SDK reads.
package wire

//go:generate go run ./internal/wiregen fields_gen.go

import (
	"fmt"
	"reflect"
	"sync"
)

// Field is the wire form of one member of a response structure.
type Field struct {
	// Go is the SDK struct field name.
	Go string
	// Name is the XML element (or attribute) or JSON key.
	Name string
	// Item is the element of each item of a wrapped XML list ("item",
	// "member", or a shape name).
	Item string
	// Flat marks an XML list whose items repeat the element Name directly.
	Flat bool
	// Attr marks an XML attribute.
	Attr bool
	// Map marks an XML map written as entry/key/value elements.
	Map bool
	// Time is the timestamp format the SDK parses: date-time,
	// epoch-seconds or http-date ("" for non-timestamps).
	Time string
}

// Fields returns the wire fields of an SDK response struct type, and false
// if the type is not one the tables cover.
func Fields(t reflect.Type) ([]Field, bool) {
	f, ok := generated[t]
	return f, ok
}

// resolved is a Field with the index of its Go field, looked up once per
// type.
type resolved struct {
	Field
	index []int
}

var resolvedCache sync.Map // reflect.Type -> []resolved

func resolvedFields(t reflect.Type) ([]resolved, error) {
	if r, ok := resolvedCache.Load(t); ok {
		return r.([]resolved), nil
	}
	fields, ok := Fields(t)
	if !ok {
		return nil, fmt.Errorf("wire: no wire table for %s", t)
	}
	out := make([]resolved, len(fields))
	for i, f := range fields {
		sf, ok := t.FieldByName(f.Go)
		if !ok {
			return nil, fmt.Errorf("wire: %s has no field %s", t, f.Go)
		}
		out[i] = resolved{f, sf.Index}
	}
	resolvedCache.Store(t, out)
	return out, nil
}
