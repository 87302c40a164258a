package sqlite

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/parapet-dev/parapet/internal/asset"
)

// appendDoc appends v as JSON. It handles the value kinds of an asset
// Config or result Evidence (maps, lists, strings, bools, integers and
// floats) directly, and anything else through encoding/json. Unlike
// encoding/json it does not sort object keys: the stored text is decoded
// again before use, and skipping reflection and sorting makes encoding a
// large batch several times faster. Numbers and strings are written as
// encoding/json writes them, so a value decodes the same either way.
func appendDoc(b []byte, v any) ([]byte, error) { return appendValue(b, v, 0) }

// maxDepth bounds nesting, as encoding/json does, so that a map that
// contains itself fails instead of recursing forever.
const maxDepth = 1000

func appendValue(b []byte, v any, depth int) ([]byte, error) {
	if depth > maxDepth {
		return b, fmt.Errorf("json: nested more than %d levels (a cycle?)", maxDepth)
	}
	switch t := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, t), nil
	case bool:
		return strconv.AppendBool(b, t), nil
	case int64:
		return strconv.AppendInt(b, t, 10), nil
	case int:
		return strconv.AppendInt(b, int64(t), 10), nil
	case float64:
		return appendFloat(b, t)
	case map[string]any:
		b = append(b, '{')
		first := true
		for k, e := range t {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendString(b, k)
			b = append(b, ':')
			var err error
			if b, err = appendValue(b, e, depth+1); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	case []any:
		b = append(b, '[')
		for i, e := range t {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendValue(b, e, depth+1); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case map[string]string:
		b = append(b, '{')
		first := true
		for k, e := range t {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendString(b, k)
			b = append(b, ':')
			b = appendString(b, e)
		}
		return append(b, '}'), nil
	case asset.Source:
		b = append(b, `{"kind":`...)
		b = appendString(b, string(t.Kind))
		if t.File != "" {
			b = append(b, `,"file":`...)
			b = appendString(b, t.File)
		}
		if t.StartLine != 0 {
			b = append(b, `,"startLine":`...)
			b = strconv.AppendInt(b, int64(t.StartLine), 10)
		}
		if t.EndLine != 0 {
			b = append(b, `,"endLine":`...)
			b = strconv.AppendInt(b, int64(t.EndLine), 10)
		}
		return append(b, '}'), nil
	default:
		j, err := json.Marshal(v)
		if err != nil {
			return b, err
		}
		return append(b, j...), nil
	}
}

// appendFloat writes a float as encoding/json does: plain notation for
// magnitudes in [1e-6, 1e21), exponent notation outside.
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, 64))
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Shorten e-07 to e-7, as encoding/json does.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

const hexDigits = "0123456789abcdef"

// appendString writes a JSON string. Invalid UTF-8 becomes U+FFFD, and
// U+2028 and U+2029 are escaped, as encoding/json does.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
