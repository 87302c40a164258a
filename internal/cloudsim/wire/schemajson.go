package wire

import (
	"bytes"
	"encoding/base64"
	"math/big"
	"strconv"
	"time"

	smithy "github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
	"github.com/aws/smithy-go/traits"
)

// Serializable is an SDK shape of a schema-driven service package (KMS,
// Config, Organizations, ...), which can write itself to a
// smithy.ShapeSerializer.
type Serializable interface {
	Serialize(s smithy.ShapeSerializer)
}

// SchemaJSON writes v as awsJson 1.0/1.1 (member names as keys, timestamps
// as epoch seconds unless the schema says otherwise).
func SchemaJSON(v Serializable, o Options) []byte {
	s := &schemaJSON{opts: o}
	v.Serialize(s)
	return s.buf.Bytes()
}

type jsonFrame struct {
	object bool // members take keys from their schema
	n      int  // values written so far
}

// schemaJSON implements smithy.ShapeSerializer for the JSON protocols the
// simulator answers with.
type schemaJSON struct {
	buf   bytes.Buffer
	stack []jsonFrame
	keyed bool // a map key has just been written
	opts  Options
}

var _ smithy.ShapeSerializer = (*schemaJSON)(nil)

func (s *schemaJSON) Bytes() []byte { return s.buf.Bytes() }

// prefix writes the separator and, inside a structure, the member's key.
func (s *schemaJSON) prefix(schema *smithy.Schema) {
	if s.keyed {
		s.keyed = false
		return
	}
	if len(s.stack) == 0 {
		return
	}
	top := &s.stack[len(s.stack)-1]
	if top.n > 0 {
		s.buf.WriteByte(',')
	}
	top.n++
	if top.object && schema != nil {
		writeJSONString(&s.buf, schema.MemberName())
		s.buf.WriteByte(':')
	}
}

func (s *schemaJSON) open(schema *smithy.Schema, c byte, object bool) {
	s.prefix(schema)
	s.buf.WriteByte(c)
	s.stack = append(s.stack, jsonFrame{object: object})
}

func (s *schemaJSON) close(c byte) {
	s.buf.WriteByte(c)
	s.stack = s.stack[:len(s.stack)-1]
}

func (s *schemaJSON) WriteInt8(sc *smithy.Schema, v int8)   { s.WriteInt64(sc, int64(v)) }
func (s *schemaJSON) WriteInt16(sc *smithy.Schema, v int16) { s.WriteInt64(sc, int64(v)) }
func (s *schemaJSON) WriteInt32(sc *smithy.Schema, v int32) { s.WriteInt64(sc, int64(v)) }
func (s *schemaJSON) WriteInt64(sc *smithy.Schema, v int64) {
	s.prefix(sc)
	s.buf.WriteString(strconv.FormatInt(v, 10))
}
func (s *schemaJSON) WriteFloat32(sc *smithy.Schema, v float32) { s.WriteFloat64(sc, float64(v)) }
func (s *schemaJSON) WriteFloat64(sc *smithy.Schema, v float64) {
	s.prefix(sc)
	f := formatFloat(v)
	if _, err := strconv.ParseFloat(f, 64); err != nil || f == "NaN" || f == "Infinity" || f == "-Infinity" {
		writeJSONString(&s.buf, f)
		return
	}
	s.buf.WriteString(f)
}
func (s *schemaJSON) WriteBool(sc *smithy.Schema, v bool) {
	s.prefix(sc)
	s.buf.WriteString(strconv.FormatBool(v))
}
func (s *schemaJSON) WriteString(sc *smithy.Schema, v string) {
	s.prefix(sc)
	writeJSONString(&s.buf, v)
}
func (s *schemaJSON) WriteBigInt(sc *smithy.Schema, v *big.Int) {
	s.prefix(sc)
	s.buf.WriteString(v.String())
}
func (s *schemaJSON) WriteBigFloat(sc *smithy.Schema, v *big.Float) {
	s.prefix(sc)
	s.buf.WriteString(v.Text('g', -1))
}
func (s *schemaJSON) WriteBlob(sc *smithy.Schema, v []byte) {
	s.prefix(sc)
	writeJSONString(&s.buf, base64.StdEncoding.EncodeToString(v))
}

func (s *schemaJSON) WriteTime(sc *smithy.Schema, v time.Time) {
	format := "epoch-seconds"
	if t, ok := smithy.SchemaTrait[*traits.TimestampFormat](sc); ok {
		format = t.Format
	}
	v = shifted(v, s.opts)
	s.prefix(sc)
	if format == "epoch-seconds" {
		s.buf.WriteString(formatEpoch(v.UTC()))
		return
	}
	writeJSONString(&s.buf, FormatTime(v, format))
}

func (s *schemaJSON) WriteUnion(sc, variant *smithy.Schema) {
	s.open(sc, '{', true)
	s.prefix(variant)
	s.keyed = true
}
func (s *schemaJSON) CloseUnion() {
	s.keyed = false
	s.close('}')
}

func (s *schemaJSON) WriteDocument(sc *smithy.Schema, v document.Value) {
	switch vv := v.(type) {
	case document.Boolean:
		s.WriteBool(sc, bool(vv))
	case document.Number:
		s.prefix(sc)
		s.buf.WriteString(string(vv))
	case document.String:
		s.WriteString(sc, string(vv))
	case document.List:
		s.WriteList(sc)
		for _, item := range vv {
			s.WriteDocument(nil, item)
		}
		s.CloseList()
	case document.Map:
		s.WriteMap(sc)
		for k, item := range vv {
			s.WriteKey(nil, k)
			s.WriteDocument(nil, item)
		}
		s.CloseMap()
	default:
		s.WriteNil(sc)
	}
}

func (s *schemaJSON) WriteNil(sc *smithy.Schema) {
	s.prefix(sc)
	s.buf.WriteString("null")
}

func (s *schemaJSON) WriteStruct(sc *smithy.Schema) { s.open(sc, '{', true) }
func (s *schemaJSON) CloseStruct()                  { s.close('}') }
func (s *schemaJSON) WriteList(sc *smithy.Schema)   { s.open(sc, '[', false) }
func (s *schemaJSON) CloseList()                    { s.close(']') }
func (s *schemaJSON) WriteMap(sc *smithy.Schema)    { s.open(sc, '{', false) }
func (s *schemaJSON) CloseMap()                     { s.close('}') }

func (s *schemaJSON) WriteKey(_ *smithy.Schema, key string) {
	s.prefix(nil)
	writeJSONString(&s.buf, key)
	s.buf.WriteByte(':')
	s.keyed = true
}
