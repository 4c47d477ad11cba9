// Package jsonvalue keeps JSON values that Chatwoot reads raw from its
// database (jsonb columns and JSON stores: custom_attributes,
// content_attributes, a voice call, …) exactly as the server sent them.
//
// Such values have no fixed shape: any account, integration or newer server
// may put any JSON type there. Decoding them into fixed Go types would make
// one odd value fail a whole reply, and decoding them into map[string]any
// would round integers above 2^53 and lose the difference between 900 and
// 900.0. A [Value] keeps the bytes and answers questions about them; a
// [Lenient] decodes into a Go type when the value fits and keeps the bytes
// either way.
//
// The generated models in gen/ refer to these types by way of x-go-type in
// api/openapi.yaml; package chatwoot re-exports them.
package jsonvalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// utf8 lets text the server sent with invalid UTF-8 be read, as
// encoding/json did (each bad byte reads as U+FFFD).
var utf8 = jsontext.AllowInvalidUTF8(true)

// Value is one JSON value as the server sent it (compacted by encoding/json
// when it is re-encoded). The zero Value is "absent": it encodes as null.
// A Value the client decoded shares the bytes of the reply, which its
// conversation keeps as RawJSON: read it, or copy it before you change it;
// and keeping one Value keeps the whole reply in memory (bytes.Clone it to
// keep it alone).
type Value []byte

// Kind is the JSON type of a Value.
type Kind int

// The JSON types. Invalid is the Kind of an absent (zero) Value.
const (
	Invalid Kind = iota
	Null
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"absent", "null", "boolean", "number", "string", "array", "object"}

// String names the kind as JSON does: "object", "number", …; "absent" for Invalid.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "Kind(" + strconv.Itoa(int(k)) + ")"
	}
	return kindNames[k]
}

// UnmarshalJSON keeps a copy of b.
func (v *Value) UnmarshalJSON(b []byte) error {
	if v == nil {
		return errors.New("jsonvalue: UnmarshalJSON on a nil *Value")
	}
	*v = append((*v)[:0:0], b...)
	return nil
}

// MarshalJSON returns the value as it was received; an absent Value is null.
func (v Value) MarshalJSON() ([]byte, error) {
	if len(v) == 0 {
		return []byte("null"), nil
	}
	return v, nil
}

// Kind reports the value's JSON type from its first byte.
func (v Value) Kind() Kind {
	b := bytes.TrimLeft(v, " \t\r\n")
	if len(b) == 0 {
		return Invalid
	}
	switch b[0] {
	case 'n':
		return Null
	case 't', 'f':
		return Bool
	case '"':
		return String
	case '[':
		return Array
	case '{':
		return Object
	}
	return Number
}

// IsZero reports whether the value is absent or null: what a Go program
// usually treats as "no value". It makes `omitzero` leave such a value out.
func (v Value) IsZero() bool { k := v.Kind(); return k == Invalid || k == Null }

// String returns the JSON text, for printing; "" for an absent value.
func (v Value) String() string { return string(v) }

// Decode decodes the value into out with json/v2's rules, as the client
// does: a name sent twice is an error, and a name binds only to a field
// of exactly that spelling.
func (v Value) Decode(out any) error {
	if len(v) == 0 {
		return errors.New("jsonvalue: the value is absent")
	}
	return jsonv2.Unmarshal(v, out, utf8)
}

// Text returns the value if it is a JSON string.
func (v Value) Text() (string, bool) {
	if v.Kind() != String {
		return "", false
	}
	var s string
	if jsonv2.Unmarshal(v, &s, utf8) != nil {
		return "", false
	}
	return s, true
}

// Int64 returns the value if it is a JSON number that is an integer within
// int64, such as 1789234567890123456 (exact, unlike a float64).
func (v Value) Int64() (int64, bool) {
	digits, ok := v.Number()
	n, err := strconv.ParseInt(string(digits), 10, 64)
	return n, ok && err == nil
}

// Float64 returns the value if it is a JSON number (rounded to a float64).
func (v Value) Float64() (float64, bool) {
	digits, ok := v.Number()
	f, err := strconv.ParseFloat(string(digits), 64)
	return f, ok && err == nil && !math.IsInf(f, 0)
}

// Number returns the value's digits if it is a JSON number, for
// math/big or strconv when neither int64 nor float64 will do. Text that
// only starts like one (+5, 0x1p3, NaN, 01) is none.
func (v Value) Number() (json.Number, bool) {
	digits := bytes.Trim(v, " \t\r\n") // JSON's white space only
	if v.Kind() != Number || len(digits) == 0 || digits[0] != '-' && (digits[0] < '0' || digits[0] > '9') || !jsontext.Value(digits).IsValid() {
		return "", false
	}
	return json.Number(digits), true
}

// Bool returns the value if it is true or false.
func (v Value) Bool() (b, ok bool) {
	switch string(bytes.TrimSpace(v)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// Get returns the member key of an object; an absent Value if v is not an
// object or has no such key. Chained calls walk down: v.Get("browser").Get("name").
func (v Value) Get(key string) Value {
	m, _ := v.Object()
	return m[key]
}

// Object returns the members of an object; false if v is not an object,
// or is one with a name sent twice (which value would be meant?).
func (v Value) Object() (map[string]Value, bool) {
	if v.Kind() != Object {
		return nil, false
	}
	var m map[string]Value
	if jsonv2.Unmarshal(v, &m, utf8) != nil {
		return nil, false
	}
	return m, true
}

// Array returns the elements of an array; false if v is not an array.
func (v Value) Array() ([]Value, bool) {
	if v.Kind() != Array {
		return nil, false
	}
	var a []Value
	if jsonv2.Unmarshal(v, &a, utf8) != nil {
		return nil, false
	}
	return a, true
}

// Lenient is a value of a JSON store that is meant to have the shape of T
// (a voice call, say) but is written by code the client does not control:
// a newer server or old data may put something else there. If the value
// fits T, Value holds it and Err is nil; if not, Err says why and Value is
// T's zero value. Either way Raw keeps what was sent, and the Lenient
// encodes back to it, so an odd value is neither fatal nor lost.
type Lenient[T any] struct {
	// Value is the decoded value, if it fit T.
	Value T
	// Raw is the value as the server sent it.
	Raw Value
	// Err is why the value did not fit T, or nil.
	Err error
}

// UnmarshalJSON keeps b and decodes it into Value if it fits, with json/v2's
// rules (a name sent twice does not fit). It never fails: that is the
// point.
func (l *Lenient[T]) UnmarshalJSON(b []byte) error {
	if l == nil {
		return errors.New("jsonvalue: UnmarshalJSON on a nil *Lenient")
	}
	var zero T
	l.Value, l.Err = zero, nil
	_ = l.Raw.UnmarshalJSON(b) // cannot fail on a non-nil receiver
	if err := jsonv2.Unmarshal(b, &l.Value, utf8); err != nil {
		l.Value = zero
		l.Err = fmt.Errorf("a JSON %s that does not fit %T: %w", l.Raw.Kind(), zero, err)
	}
	return nil
}

// MarshalJSON returns what the server sent or, for a Lenient built in Go
// (no Raw), the encoding of Value. To encode a Value you changed, set Raw
// to nil.
func (l Lenient[T]) MarshalJSON() ([]byte, error) {
	if len(l.Raw) > 0 {
		return l.Raw, nil
	}
	return json.Marshal(l.Value)
}

// Get returns the value, and whether it is one: false when the server sent
// something that does not fit T (then see Raw and Err).
func (l Lenient[T]) Get() (T, bool) { return l.Value, l.Err == nil }
