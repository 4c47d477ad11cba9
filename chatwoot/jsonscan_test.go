package chatwoot

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSkipValue_FindsTheEnd(t *testing.T) {
	for _, v := range []string{
		`"plain"`, `"a\"b"`, `"a\\"`, `"a\\\"b"`, `"}]{["`, `{"a":"}","b":[1,{"c":"]"}]}`,
		`[]`, `{}`, `123.5e-3`, `true`, `null`, `[[[[[]]]]]`, `{"k\"ey":{"x":"\\\\"}}`,
	} {
		require.True(t, json.Valid([]byte(v)), v)
		end, err := skipValue([]byte(v+`, "next"`), 0)
		require.NoError(t, err, v)
		assert.Equal(t, len(v), end, v)
	}
}

func TestSkipValue_ReportsACutValue(t *testing.T) {
	for _, v := range []string{`"abc`, `"a\"`, `{"a":[1,2`, `[`, `{"a":"}"`} {
		_, err := skipValue([]byte(v), 0)
		assert.ErrorIs(t, err, errTruncated, v)
	}
}

// Deep nesting cannot exhaust the stack: containers are skipped by counting.
func TestSkipValue_DeepNesting(t *testing.T) {
	deep := bytes.Repeat([]byte("["), 1_000_000)
	deep = append(deep, bytes.Repeat([]byte("]"), 1_000_000)...)
	end, err := skipValue(deep, 0)
	require.NoError(t, err)
	assert.Equal(t, len(deep), end)
}

func TestMembersAndElements(t *testing.T) {
	b := []byte(` {"a" : 1 , "b\u0063":[true, "x", {}] ,"d":{}} `)
	var keys []string
	end, err := members(b, 1, func(key []byte, start int) (int, error) {
		keys = append(keys, string(key))
		return skipValue(b, start)
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "bc", "d"}, keys, "escaped keys are unquoted")
	assert.Equal(t, len(b)-1, end)

	arr := []byte(`[true, "x", {} ]`)
	var starts []int
	end, err = elements(arr, 0, func(_, start int) (int, error) {
		starts = append(starts, start)
		return skipValue(arr, start)
	})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 7, 12}, starts)
	assert.Equal(t, len(arr), end)

	_, err = members([]byte(`{"a" 1}`), 0, func(_ []byte, start int) (int, error) { return start, nil })
	assert.ErrorContains(t, err, "expected ':'")
	_, err = elements([]byte(`[1 2]`), 0, func(_, start int) (int, error) { return skipValue([]byte(`[1 2]`), start) })
	assert.Error(t, err)
}

// FuzzSkipValue: on any valid JSON, skipValue ends exactly where the value
// does, and never panics on anything else.
func FuzzSkipValue(f *testing.F) {
	for _, s := range []string{`{"a":[1,"]"]}`, `"\\"`, `[{}]`, `1`, `{"x":"\"}"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		b = bytes.TrimSpace(b)
		end, err := skipValue(b, 0)
		if len(b) > 0 && json.Valid(b) {
			require.NoError(t, err)
			assert.Equal(t, len(b), end)
		}
	})
}
