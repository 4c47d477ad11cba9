// Package jsonvalue keeps JSON values that Chatwoot reads raw from its
// database (jsonb columns and JSON stores: custom_attributes,
// content_attributes, a voice call, …) exactly as the server sent them.
//
// Such values have no fixed shape: any account, integration or newer server
// may put any JSON type there. Decoding them into fixed Go types would make
// one odd value fail a whole reply, and decoding them into map[string]any
// would round integers above 2^53 and lose the difference between 900 and
// 900.0. A [Value] keeps the bytes, as json/v2's own raw value type; a
// [Lenient] decodes into a Go type when the value fits and keeps the bytes
// either way.
//
// The generated models in gen/ refer to these types by way of x-go-type in
// api/openapi.yaml; package chatwoot re-exports them.
package jsonvalue

import (
	"encoding/json"
	"errors"
	"fmt"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Value is one JSON value as the server sent it: json/v2's jsontext.Value
// (encoding/json/jsontext from Go 1.27). Kind reports its JSON type, and
// json.Unmarshal (or json/v2's, with its rule for names: a name sent twice
// is refused, a name binds only to a field of exactly that spelling) reads
// it into any Go value. An absent Value is empty and encodes as null.
//
// A Value the client decoded shares the bytes of the reply, which its
// conversation keeps as RawJSON: read it, or Clone it before you change
// it; and keeping one Value keeps the whole reply in memory (Clone it to
// keep it alone).
type Value = jsontext.Value

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
	l.Value, l.Err, l.Raw = zero, nil, Value(b).Clone()
	if err := jsonv2.Unmarshal(b, &l.Value, jsontext.AllowInvalidUTF8(true)); err != nil {
		l.Value = zero
		l.Err = fmt.Errorf("a JSON value that does not fit %T: %w", zero, err)
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
