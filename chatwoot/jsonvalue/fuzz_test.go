package jsonvalue_test

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/jsonvalue"
)

// valueSeeds are JSON of every kind, and bytes that are not JSON.
var valueSeeds = []string{
	``, ` `, `null`, `true`, `false`, `0`, `-0`, `1789234567890123456`, `900.0`, `1e400`, `-1e-400`,
	`"text"`, `"\u00e9\ud83d\ude00"`, `"\ud800"`, `[]`, `[1,"a",null]`, `{}`, `{"a":1,"a":2}`,
	`{"browser":{"name":"Firefox"}}`, ` {"a" : [ 1 , 2 ] } `, "\xff", `{`, `[`, `"`, `nul`, `tru`,
	`NaN`, `+5`, `0x1p3`, `Infinity`, `01`, `1.`, `.5`, `{"a":}`, `[1,]`, `"\x"`,
}

// FuzzValue calls every method of a Value on arbitrary bytes: none
// panics, and on valid JSON each answers as encoding/json would.
func FuzzValue(f *testing.F) {
	for _, s := range valueSeeds {
		f.Add([]byte(s), "a")
	}
	f.Fuzz(func(t *testing.T, b []byte, key string) {
		v := jsonvalue.Value(b)
		kind := v.Kind()
		_ = kind.String()
		_ = v.IsZero()
		assert.Equal(t, string(b), v.String())
		var decoded any
		_ = v.Decode(&decoded)
		text, isText := v.Text()
		n, isInt := v.Int64()
		x, isFloat := v.Float64()
		num, isNumber := v.Number()
		truth, isBool := v.Bool()
		_ = v.Get(key).Get(key)
		members, isObject := v.Object()
		elems, isArray := v.Array()
		out, err := v.MarshalJSON()
		require.NoError(t, err)
		if len(b) == 0 {
			assert.Equal(t, "null", string(out))
		} else {
			assert.Equal(t, b, out)
		}
		var kept jsonvalue.Value
		require.NoError(t, kept.UnmarshalJSON(b))
		assert.Equal(t, string(b), string(kept))
		if len(b) > 0 {
			b[0] ^= 0xff
			assert.NotEqual(t, b[0], kept[0], "UnmarshalJSON keeps a copy")
			b[0] ^= 0xff
		}

		if !json.Valid(b) {
			return
		}
		if !jsontext.Value(b).IsValid(jsontext.AllowInvalidUTF8(true)) {
			// A name sent twice, which json/v2 refuses at every level.
			assert.False(t, isObject, "Object of %s", b)
			assert.False(t, isArray, "Array of %s", b)
			return
		}
		// Valid JSON: each answer is encoding/json's.
		var got any
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		require.NoError(t, d.Decode(&got))
		switch got.(type) { //nolint:staticcheck // each case compares with the want of its own type
		case nil:
			assert.Equal(t, jsonvalue.Null, kind)
		case bool:
			assert.Equal(t, jsonvalue.Bool, kind)
			assert.True(t, isBool)
			assert.Equal(t, got, truth)
		case json.Number:
			assert.Equal(t, jsonvalue.Number, kind)
			assert.True(t, isNumber)
			assert.Equal(t, got, num)
			if i, err := strconv.ParseInt(string(got.(json.Number)), 10, 64); err == nil { //nolint:staticcheck // see the switch
				assert.True(t, isInt)
				assert.Equal(t, i, n)
			}
			if fl, err := strconv.ParseFloat(string(got.(json.Number)), 64); err == nil { //nolint:staticcheck // see the switch
				assert.True(t, isFloat)
				assert.Equal(t, fl, x)
			} else {
				assert.False(t, isFloat, "%s is out of a float64's range", b)
			}
		case string:
			assert.Equal(t, jsonvalue.String, kind)
			assert.True(t, isText)
			assert.Equal(t, got, text)
		case []any:
			assert.Equal(t, jsonvalue.Array, kind)
			assert.True(t, isArray)
			assert.Len(t, elems, len(got.([]any))) //nolint:staticcheck // see the switch
		case map[string]any:
			assert.Equal(t, jsonvalue.Object, kind)
			assert.True(t, isObject)
			assert.Len(t, members, len(got.(map[string]any))) //nolint:staticcheck // see the switch
		}
		assert.Equal(t, kind == jsonvalue.Null, v.IsZero())
	})
}

// The numbers a Value reads must be JSON numbers: Float64, Int64 and
// Number say false for what JSON does not allow.
func FuzzValueNumbersAreJSON(f *testing.F) {
	for _, s := range valueSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v := jsonvalue.Value(b)
		_, isInt := v.Int64()
		x, isFloat := v.Float64()
		_, isNumber := v.Number()
		if isInt || isFloat || isNumber {
			valid := json.Valid(b)
			assert.True(t, valid, "%q reads as a number: Int64 %v, Float64 %v (%v), Number %v", b, isInt, isFloat, x, isNumber)
		}
		if isFloat {
			assert.False(t, math.IsNaN(x) || math.IsInf(x, 0), "%q", b)
		}
	})
}

// meaning decodes JSON into a form where two texts compare equal only
// when they say the same thing (numbers as written).
func meaning(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	require.NoError(t, d.Decode(&v))
	return v
}

type shaped struct {
	ID   int64    `json:"id"`
	Name string   `json:"name"`
	Tags []string `json:"tags"`
}

// FuzzLenient: UnmarshalJSON never fails and never panics, keeps what was
// sent, and what fits is what encoding/json decodes.
func FuzzLenient(f *testing.F) {
	for _, s := range valueSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"id":1,"name":"a","tags":["x"]}`))
	f.Add([]byte(`{"id":"1"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var l jsonvalue.Lenient[shaped]
		require.NoError(t, l.UnmarshalJSON(b))
		assert.Equal(t, string(b), string(l.Raw))
		var want shaped
		wantErr := json.Unmarshal(b, &want)
		got, ok := l.Get()
		if wantErr != nil {
			assert.False(t, ok, "what encoding/json refuses does not fit")
		}
		if ok {
			assert.Equal(t, want, got)
		} else {
			assert.Equal(t, shaped{}, got)
			assert.Error(t, l.Err)
		}
		if json.Valid(b) {
			out, err := json.Marshal(l)
			require.NoError(t, err)
			assert.Equal(t, meaning(t, b), meaning(t, out), "encodes back to what was sent (json.Marshal may escape <, > and &)")
		}
		for _, into := range []json.Unmarshaler{new(jsonvalue.Lenient[int]), new(jsonvalue.Lenient[map[string]any]), new(jsonvalue.Lenient[[]jsonvalue.Value]), new(jsonvalue.Lenient[*shaped])} {
			assert.NoError(t, into.UnmarshalJSON(b))
		}
	})
}

func TestValue_NilReceivers(t *testing.T) {
	assert.Error(t, (*jsonvalue.Value)(nil).UnmarshalJSON([]byte(`1`)))
	assert.Error(t, (*jsonvalue.Lenient[int])(nil).UnmarshalJSON([]byte(`1`)))
	for _, k := range []jsonvalue.Kind{-1, 0, 6, 7, 1 << 30} {
		assert.NotEmpty(t, k.String())
	}
}
