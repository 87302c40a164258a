package sqlite

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
)

// dbTime stores a time as Unix microseconds; the zero time is NULL.
func dbTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func goTime(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

// encoder encodes documents into a buffer it reuses across a batch. Not
// safe for concurrent use.
type encoder struct{ buf []byte }

func newEncoder() *encoder { return &encoder{buf: make([]byte, 0, 4096)} }

// text encodes v as a JSON string, or returns nil (SQL NULL) when isNil.
func (e *encoder) text(v any, isNil bool) (any, error) {
	if isNil {
		return nil, nil
	}
	b, err := appendDoc(e.buf[:0], v)
	if err != nil {
		return nil, err
	}
	e.buf = b
	return string(b), nil
}

// decodeDoc decodes a JSON object into the Config document form (int64 for
// integral numbers), so that values read back compare like values put in.
func decodeDoc(s sql.NullString, what string) (map[string]any, error) {
	if !s.Valid {
		return nil, nil
	}
	m, err := asset.DecodeConfig([]byte(s.String))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return m, nil
}

// decodeJSON decodes an optional JSON column into v.
func decodeJSON(s sql.NullString, v any, what string) error {
	if !s.Valid {
		return nil
	}
	if err := json.Unmarshal([]byte(s.String), v); err != nil {
		return fmt.Errorf("decode %s: %w", what, err)
	}
	return nil
}
