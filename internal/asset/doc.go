package asset

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
)

// ToConfig turns a typed shape (a struct with json tags) into the JSON-shaped
// document stored in Asset.Config. Integral numbers become int64 so that CEL
// expressions compare them with integer literals without conversions, and
// nil slices become empty lists so that expressions such as
// `config.Grants.exists(...)` never meet a null list.
func ToConfig(v any) (map[string]any, error) {
	rv := reflect.ValueOf(v)
	cp := reflect.New(rv.Type()).Elem()
	cp.Set(rv)
	fillSlices(cp)
	b, err := json.Marshal(cp.Interface())
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return DecodeConfig(b)
}

// fillSlices replaces nil slices with empty ones in place, copying any
// pointed-to struct first so the caller's value is never modified.
func fillSlices(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || v.Elem().Kind() != reflect.Struct {
			return
		}
		cp := reflect.New(v.Elem().Type())
		cp.Elem().Set(v.Elem())
		fillSlices(cp.Elem())
		v.Set(cp)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fillSlices(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			return
		}
		cp := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(cp, v)
		for i := 0; i < cp.Len(); i++ {
			fillSlices(cp.Index(i))
		}
		v.Set(cp)
	}
}

// DecodeConfig parses a JSON object into a Config document with the same
// number handling as ToConfig.
func DecodeConfig(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode config: %w", err)
	}
	return Normalize(m).(map[string]any), nil
}

// Normalize converts json.Number values (and numeric Go types that
// decoders such as YAML produce) into int64 or float64, recursively, and
// map[any]any into map[string]any.
func Normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = Normalize(e)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[fmt.Sprint(k)] = Normalize(e)
		}
		return m
	case []any:
		for i, e := range t {
			t[i] = Normalize(e)
		}
		return t
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	case int:
		return int64(t)
	case int32:
		return int64(t)
	case uint64:
		return int64(t)
	case float32:
		return float64(t)
	case float64:
		if t == float64(int64(t)) && t < 1<<53 && t > -(1<<53) {
			return int64(t)
		}
		return t
	default:
		return v
	}
}
