package jsonvalue_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/jsonvalue"
)

func decode(t *testing.T, s string) jsonvalue.Value {
	t.Helper()
	var v jsonvalue.Value
	require.NoError(t, json.Unmarshal([]byte(s), &v))
	return v
}

func TestValue_KeepsWhatWasSent(t *testing.T) {
	for _, s := range []string{`{"a":900.0,"b":null}`, `1789234567890123456`, `[1,"x",{}]`, `"caf\u00e9"`, `true`, `null`} {
		v := decode(t, s)
		out, err := json.Marshal(v)
		require.NoError(t, err)
		assert.Equal(t, s, string(out))
	}
	var absent jsonvalue.Value
	out, err := json.Marshal(absent)
	require.NoError(t, err)
	assert.Equal(t, "null", string(out))
}

func TestValue_UnmarshalCopies(t *testing.T) {
	b := []byte(`{"a":1}`)
	var v jsonvalue.Value
	require.NoError(t, v.UnmarshalJSON(b))
	b[2] = 'z'
	assert.Equal(t, `{"a":1}`, v.String())
}

func TestValue_Kinds(t *testing.T) {
	for s, k := range map[string]jsonvalue.Kind{
		`{}`: jsonvalue.Object, `[]`: jsonvalue.Array, `"x"`: jsonvalue.String, `-1.5e3`: jsonvalue.Number,
		`false`: jsonvalue.Bool, `null`: jsonvalue.Null,
	} {
		assert.Equal(t, k, decode(t, s).Kind(), s)
	}
	assert.Equal(t, jsonvalue.Invalid, jsonvalue.Value(nil).Kind())
	assert.Equal(t, "object", jsonvalue.Object.String())
	assert.Equal(t, "absent", jsonvalue.Invalid.String())
	assert.True(t, decode(t, "null").IsZero())
	assert.False(t, decode(t, "0").IsZero())
}

func TestValue_Accessors(t *testing.T) {
	v := decode(t, `{"id":1789234567890123456,"ratio":0.5,"name":"Jane","ok":true,"browser":{"name":"Chrome"},"tags":["a","b"],"big":123456789012345678901234567890}`)
	n, ok := v.Get("id").Int64()
	assert.True(t, ok)
	assert.Equal(t, int64(1789234567890123456), n, "exact, not through a float64")
	f, ok := v.Get("ratio").Float64()
	assert.True(t, ok)
	assert.InDelta(t, 0.5, f, 0)
	s, ok := v.Get("name").Text()
	assert.True(t, ok)
	assert.Equal(t, "Jane", s)
	b, ok := v.Get("ok").Bool()
	assert.True(t, ok && b)
	s, ok = v.Get("browser").Get("name").Text()
	assert.True(t, ok)
	assert.Equal(t, "Chrome", s)
	tags, ok := v.Get("tags").Array()
	require.True(t, ok)
	assert.Len(t, tags, 2)
	_, ok = v.Get("big").Int64()
	assert.False(t, ok, "beyond int64")
	num, ok := v.Get("big").Number()
	assert.True(t, ok)
	assert.Equal(t, "123456789012345678901234567890", num.String())

	// Wrong kinds and absent keys answer false, never panic.
	_, ok = v.Get("name").Int64()
	assert.False(t, ok)
	_, ok = v.Get("missing").Text()
	assert.False(t, ok)
	assert.Equal(t, jsonvalue.Invalid, decode(t, `"str"`).Get("x").Kind())
	_, ok = decode(t, `[1]`).Object()
	assert.False(t, ok)
	var out map[string]int
	assert.Error(t, jsonvalue.Value(nil).Decode(&out))
	require.NoError(t, decode(t, `{"a":1}`).Decode(&out))
	assert.Equal(t, map[string]int{"a": 1}, out)
}

type call struct {
	ID      int64  `json:"id"`
	EndedAt *int64 `json:"ended_at"`
}

func TestLenient_FitsOrKeeps(t *testing.T) {
	var fits jsonvalue.Lenient[call]
	require.NoError(t, json.Unmarshal([]byte(`{"id":1,"ended_at":1781695184}`), &fits))
	got, ok := fits.Get()
	require.True(t, ok)
	assert.Equal(t, int64(1781695184), *got.EndedAt)

	var odd jsonvalue.Lenient[call]
	require.NoError(t, json.Unmarshal([]byte(`{"id":1,"ended_at":"2026-06-17T11:19:44Z"}`), &odd), "never fails")
	_, ok = odd.Get()
	assert.False(t, ok)
	assert.ErrorContains(t, odd.Err, "a JSON object that does not fit")
	out, err := json.Marshal(odd)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":1,"ended_at":"2026-06-17T11:19:44Z"}`, string(out), "kept as sent")

	built := jsonvalue.Lenient[call]{Value: call{ID: 2}}
	out, err = json.Marshal(built)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":2,"ended_at":null}`, string(out), "a Lenient built in Go encodes its Value")
}

// One rule for names, json/v2's, as the client's: a name binds only to a
// field of exactly that spelling, and a name sent twice is refused.
func TestValue_OneRuleForNames(t *testing.T) {
	type call struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	var c call
	require.NoError(t, jsonvalue.Value(`{"id":1,"ID":2,"Status":"x","ſtatus":"y"}`).Decode(&c))
	assert.Equal(t, call{ID: 1}, c, "another case binds to nothing")
	assert.Error(t, jsonvalue.Value(`{"id":1,"id":2}`).Decode(&c))

	var l jsonvalue.Lenient[call]
	require.NoError(t, json.Unmarshal([]byte(`{"id":1,"ID":2}`), &l))
	got, ok := l.Get()
	assert.True(t, ok)
	assert.Equal(t, call{ID: 1}, got)
	assert.JSONEq(t, `{"id":1,"ID":2}`, string(l.Raw), "the other key stays in Raw")
	require.NoError(t, json.Unmarshal([]byte(`{"id":1,"id":2}`), &l))
	_, ok = l.Get()
	assert.False(t, ok, "a name sent twice does not fit")

	_, ok = jsonvalue.Value(`{"a":1,"a":2}`).Object()
	assert.False(t, ok)
	assert.Empty(t, jsonvalue.Value(`{"a":1,"a":2}`).Get("a"))
	assert.Empty(t, jsonvalue.Value(`{"A":1}`).Get("a"))
}
