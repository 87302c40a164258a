package wire

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"time"
)

// Options adjust how values are written.
type Options struct {
	// Shift is added to every non-zero timestamp written, so that a world
	// written "as of" one instant stays the same age whenever it is served.
	Shift time.Duration
}

var timeType = reflect.TypeFor[time.Time]()

// FormatTime writes t in one of the Smithy timestamp formats.
func FormatTime(t time.Time, format string) string {
	t = t.UTC()
	switch format {
	case "epoch-seconds":
		return formatEpoch(t)
	case "http-date":
		return t.Format(http1123)
	default:
		if t.Nanosecond() == 0 {
			return t.Format("2006-01-02T15:04:05Z")
		}
		return t.Format("2006-01-02T15:04:05.000Z")
	}
}

const http1123 = "Mon, 02 Jan 2006 15:04:05 GMT"

func formatEpoch(t time.Time) string {
	if t.Nanosecond() == 0 {
		return strconv.FormatInt(t.Unix(), 10)
	}
	ms := t.UnixMilli()
	return strconv.FormatFloat(float64(ms)/1000, 'f', 3, 64)
}

func shifted(t time.Time, o Options) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Add(o.Shift)
}

// XMLElement writes v (a struct or pointer to struct from the tables) as the
// element name, with optional extra attributes (e.g. xmlns) on it.
func XMLElement(buf *bytes.Buffer, name string, v any, o Options, attrs ...xml.Attr) error {
	return writeXMLValue(buf, name, reflect.ValueOf(v), "", o, attrs)
}

// XMLMembers writes the members of v (a struct or pointer to struct from the
// tables) without an enclosing element.
func XMLMembers(buf *bytes.Buffer, v any, o Options) error {
	rv := reflect.Indirect(reflect.ValueOf(v))
	fields, err := resolvedFields(rv.Type())
	if err != nil {
		return err
	}
	return writeXMLFields(buf, rv, fields, o)
}

func writeXMLValue(buf *bytes.Buffer, name string, v reflect.Value, timeFmt string, o Options, attrs []xml.Attr) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() == reflect.Struct && v.Type() != timeType {
		fields, err := resolvedFields(v.Type())
		if err != nil {
			return err
		}
		for _, f := range fields {
			if !f.Attr {
				continue
			}
			fv := v.FieldByIndex(f.index)
			if s, ok := scalarText(fv, f.Time, o); ok {
				attrs = append(attrs, xml.Attr{Name: xml.Name{Local: f.Name}, Value: s})
				if f.Name == "xsi:type" {
					attrs = append(attrs, xml.Attr{Name: xml.Name{Local: "xmlns:xsi"}, Value: "http://www.w3.org/2001/XMLSchema-instance"})
				}
			}
		}
		startTag(buf, name, attrs)
		if err := writeXMLFields(buf, v, fields, o); err != nil {
			return err
		}
		endTag(buf, name)
		return nil
	}
	s, ok := scalarText(v, timeFmt, o)
	if !ok {
		return nil
	}
	startTag(buf, name, attrs)
	escape(buf, s)
	endTag(buf, name)
	return nil
}

func writeXMLFields(buf *bytes.Buffer, v reflect.Value, fields []resolved, o Options) error {
	for _, f := range fields {
		if f.Attr {
			continue
		}
		fv := v.FieldByIndex(f.index)
		switch {
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() != reflect.Uint8:
			if fv.IsNil() {
				continue
			}
			if f.Flat {
				for i := 0; i < fv.Len(); i++ {
					if err := writeXMLValue(buf, f.Name, fv.Index(i), f.Time, o, nil); err != nil {
						return err
					}
				}
				continue
			}
			item := f.Item
			if item == "" {
				item = "member"
			}
			startTag(buf, f.Name, nil)
			for i := 0; i < fv.Len(); i++ {
				if err := writeXMLValue(buf, item, fv.Index(i), f.Time, o, nil); err != nil {
					return err
				}
			}
			endTag(buf, f.Name)
		case fv.Kind() == reflect.Map:
			if fv.IsNil() {
				continue
			}
			startTag(buf, f.Name, nil)
			for _, k := range sortedKeys(fv) {
				startTag(buf, "entry", nil)
				if err := writeXMLValue(buf, "key", k, "", o, nil); err != nil {
					return err
				}
				if err := writeXMLValue(buf, "value", fv.MapIndex(k), f.Time, o, nil); err != nil {
					return err
				}
				endTag(buf, "entry")
			}
			endTag(buf, f.Name)
		default:
			if isEmptyScalar(fv) {
				continue
			}
			if err := writeXMLValue(buf, f.Name, fv, f.Time, o, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// isEmptyScalar reports a non-pointer zero scalar: the SDK's own
// serializers leave those out, and the SDK reads an absent member as zero.
func isEmptyScalar(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Slice:
		return v.IsNil()
	case reflect.Struct:
		if v.Type() == timeType {
			return v.Interface().(time.Time).IsZero()
		}
	case reflect.Interface:
		return true // unions and documents are not written
	}
	return false
}

func sortedKeys(m reflect.Value) []reflect.Value {
	keys := m.MapKeys()
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	return keys
}

// scalarText formats a scalar for XML; ok is false for nil pointers.
func scalarText(v reflect.Value, timeFmt string, o Options) (string, bool) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", false
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		return v.String(), true
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), true
	case reflect.Float32, reflect.Float64:
		return formatFloat(v.Float()), true
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return base64.StdEncoding.EncodeToString(v.Bytes()), true
		}
	case reflect.Struct:
		if v.Type() == timeType {
			t := v.Interface().(time.Time)
			if t.IsZero() {
				return "", false
			}
			return FormatTime(shifted(t, o), timeFmt), true
		}
	}
	return "", false
}

func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func startTag(buf *bytes.Buffer, name string, attrs []xml.Attr) {
	buf.WriteByte('<')
	buf.WriteString(name)
	for _, a := range attrs {
		buf.WriteByte(' ')
		buf.WriteString(a.Name.Local)
		buf.WriteString(`="`)
		escape(buf, a.Value)
		buf.WriteByte('"')
	}
	buf.WriteByte('>')
}

func endTag(buf *bytes.Buffer, name string) {
	buf.WriteString("</")
	buf.WriteString(name)
	buf.WriteByte('>')
}

func escape(buf *bytes.Buffer, s string) {
	_ = xml.EscapeText(buf, []byte(s))
}

// Text writes <name>s</name>, escaping s.
func Text(buf *bytes.Buffer, name, s string) {
	startTag(buf, name, nil)
	escape(buf, s)
	endTag(buf, name)
}

// JSON writes v (a struct or pointer to struct from the tables) as a JSON
// object keyed by the SDK's JSON member names.
func JSON(buf *bytes.Buffer, v any, o Options) error {
	return writeJSONValue(buf, reflect.ValueOf(v), "", o)
}

func writeJSONValue(buf *bytes.Buffer, v reflect.Value, timeFmt string, o Options) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			t := shifted(v.Interface().(time.Time), o)
			if timeFmt == "epoch-seconds" || timeFmt == "" {
				buf.WriteString(formatEpoch(t.UTC()))
			} else {
				writeJSONString(buf, FormatTime(t, timeFmt))
			}
			return nil
		}
		fields, err := resolvedFields(v.Type())
		if err != nil {
			return err
		}
		buf.WriteByte('{')
		first := true
		for _, f := range fields {
			fv := v.FieldByIndex(f.index)
			if (fv.Kind() == reflect.Pointer || fv.Kind() == reflect.Map) && fv.IsNil() || isEmptyScalar(fv) {
				continue
			}
			if !first {
				buf.WriteByte(',')
			}
			first = false
			writeJSONString(buf, f.Name)
			buf.WriteByte(':')
			if err := writeJSONValue(buf, fv, f.Time, o); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			writeJSONString(buf, base64.StdEncoding.EncodeToString(v.Bytes()))
			return nil
		}
		buf.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeJSONValue(buf, v.Index(i), timeFmt, o); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case reflect.Map:
		buf.WriteByte('{')
		for i, k := range sortedKeys(v) {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(buf, k.String())
			buf.WriteByte(':')
			if err := writeJSONValue(buf, v.MapIndex(k), timeFmt, o); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case reflect.String:
		writeJSONString(buf, v.String())
	case reflect.Bool:
		buf.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		buf.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsInf(f, 0) || math.IsNaN(f) {
			writeJSONString(buf, formatFloat(f))
		} else {
			buf.WriteString(formatFloat(f))
		}
	default:
		return fmt.Errorf("wire: cannot write %s as JSON", v.Type())
	}
	return nil
}

func writeJSONString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s)
	buf.Write(b)
}
