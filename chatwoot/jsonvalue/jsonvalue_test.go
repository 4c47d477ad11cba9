package jsonvalue_test

import (
	"encoding/json"

	"testing"

	jsonv2 "github.com/go-json-experiment/json"

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
	assert.Equal(t, `{"a":1}`, string(v))
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
	assert.ErrorContains(t, odd.Err, "a JSON value that does not fit")
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
	require.NoError(t, jsonv2.Unmarshal(jsonvalue.Value(`{"id":1,"ID":2,"Status":"x","ſtatus":"y"}`), &c))
	assert.Equal(t, call{ID: 1}, c, "another case binds to nothing")
	assert.Error(t, jsonv2.Unmarshal(jsonvalue.Value(`{"id":1,"id":2}`), &c))

	var l jsonvalue.Lenient[call]
	require.NoError(t, json.Unmarshal([]byte(`{"id":1,"ID":2}`), &l))
	got, ok := l.Get()
	assert.True(t, ok)
	assert.Equal(t, call{ID: 1}, got)
	assert.JSONEq(t, `{"id":1,"ID":2}`, string(l.Raw), "the other key stays in Raw")
	require.NoError(t, json.Unmarshal([]byte(`{"id":1,"id":2}`), &l))
	_, ok = l.Get()
	assert.False(t, ok, "a name sent twice does not fit")

	var m map[string]jsonvalue.Value
	assert.Error(t, jsonv2.Unmarshal(jsonvalue.Value(`{"a":1,"a":2}`), &m))
}
