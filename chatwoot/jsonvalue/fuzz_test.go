package jsonvalue_test

import (
	"bytes"
	"encoding/json"
	"testing"

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
	assert.Error(t, (*jsonvalue.Lenient[int])(nil).UnmarshalJSON([]byte(`1`)))
}
