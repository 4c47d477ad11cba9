package decode

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/api"
	"github.com/go-chatwoot/chatwoot-go/gen"
	"github.com/go-chatwoot/chatwoot-go/internal/redact"
)

const token = redact.Token("s3cr3tT0kenABCDEFGHIJKLM")

// Every list type the generated models hold is counted: a list the
// budget does not see would let a body of tiny items cost many times its
// bytes. Raw values ([]byte kinds) cost their bytes and are not lists.
func TestCounted_CoversEveryListOfTheModels(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var lists []reflect.Type
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		if seen[t] {
			return
		}
		seen[t] = true
		switch t.Kind() {
		case reflect.Pointer:
			walk(t.Elem())
		case reflect.Slice:
			if t.Elem().Kind() != reflect.Uint8 {
				lists = append(lists, t)
				walk(t.Elem())
			}
		case reflect.Map:
			walk(t.Elem())
		case reflect.Struct:
			if t.PkgPath() != reflect.TypeFor[gen.Conversation]().PkgPath() {
				return // time.Time and the like: not decoded field by field
			}
			for i := range t.NumField() {
				walk(t.Field(i).Type)
			}
		}
	}
	walk(reflect.TypeFor[gen.Conversation]())
	walk(reflect.TypeFor[gen.ContactSender]())
	walk(reflect.TypeFor[gen.UserSender]())
	walk(reflect.TypeFor[gen.AgentBotSender]())
	walk(reflect.TypeFor[gen.CaptainAssistantSender]())
	walk(reflect.TypeFor[gen.Agent]())
	walk(reflect.TypeFor[gen.AgentBot]())
	walk(reflect.TypeFor[gen.CaptainAssistant]())
	require.NotEmpty(t, lists)
	for _, l := range lists {
		assert.True(t, slices.Contains(Counted, l), "%v is decoded uncounted: add it to Counted and to the budget's unmarshalers", l)
	}
}

func conversations(n int, extra string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"payload":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":` + string(rune('1'+i%9)) + extra + `}`)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

func decodeReply(t *testing.T, data []byte) ([]gen.Conversation, [][]byte, *Error) {
	t.Helper()
	var convs []gen.Conversation
	var raws [][]byte
	err := Reply(data, token, func() any {
		convs = append(convs, gen.Conversation{})
		return &convs[len(convs)-1]
	}, func(raw []byte) error { raws = append(raws, raw); return nil })
	return convs, raws, err
}

func TestReply_KeepsEachConversationsBytes(t *testing.T) {
	convs, raws, err := decodeReply(t, []byte(` {"meta":{}, "payload": [ {"id":1,"labels":["a"]} , {"id":2} ] } `))
	require.Nil(t, err)
	require.Len(t, convs, 2)
	assert.Equal(t, []string{"a"}, convs[0].Labels)
	assert.Equal(t, `{"id":1,"labels":["a"]}`, string(raws[0]))
	assert.Equal(t, `{"id":2}`, string(raws[1]))
}

// A raw value is a part of the bytes decoded, not a copy, and cannot be
// appended to over them.
func TestReply_RawValuesArePartsOfTheBody(t *testing.T) {
	data := []byte(`{"payload":[{"id":1,"custom_attributes": {"a":[1, 2]} ,"meta":{"assignee":{"id":5}}}]}`)
	convs, _, err := decodeReply(t, data)
	require.Nil(t, err)
	attrs := convs[0].CustomAttributes
	assert.Equal(t, `{"a":[1, 2]}`, string(attrs))
	assert.Equal(t, len(attrs), cap(attrs))
	data[bytes.Index(data, []byte(`"a"`))+1] = 'b'
	assert.Equal(t, `{"b":[1, 2]}`, string(attrs), "shares the body's bytes")
	assert.Equal(t, `{"id":5}`, string(convs[0].Meta.Assignee))
}

func TestReply_Refusals(t *testing.T) {
	for _, tc := range []struct{ name, body, field, says string }{
		{"empty", "  ", "", "the body is empty"},
		{"array", `[1]`, "", "not a JSON object but a JSON array"},
		{"html", `<!DOCTYPE html><title>Sign in</title>`, "", `an HTML page titled "Sign in"`},
		{"no payload", `{"x":1}`, "", "got no payload key"},
		{"error value", `{"error":"Resource could not be found"}`, "", "Resource could not be found"},
		{"errors list", `{"errors":["a","b"]}`, "", "a; b"},
		{"payload object", `{"payload":{}}`, "/payload", "payload is a JSON object"},
		{"item not object", `{"payload":[{"id":1},7]}`, "/payload/1", "a JSON number where a conversation"},
		{"duplicate", `{"payload":[{"id":1,"id":2}]}`, "/payload/0/id", "a key sent twice"},
		{"duplicate top", `{"payload":[],"payload":[]}`, "/payload", "a key sent twice"},
		{"type", `{"payload":[{"id":"x"}]}`, "/payload/0/id", "a JSON string where this client expects int64"},
		{"cut", `{"payload":[{"id":1`, "/payload/0", "the reply was cut off"},
		{"trailing", `{"payload":[]} {}`, "", "the body is not valid JSON (at byte 15)"},
		{"deep", `{"payload":[{"custom_attributes":` + strings.Repeat("[", 20000) + `}]}`,
			("/payload/0/custom_attributes" + strings.Repeat("/0", 1000))[:400], "nested more than 10000 deep"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := decodeReply(t, []byte(tc.body))
			require.NotNil(t, err)
			assert.Equal(t, tc.field, err.Field)
			assert.Contains(t, err.Error(), tc.says)
		})
	}
}

func TestReply_ATokenInAnErrorValueIsRedacted(t *testing.T) {
	_, _, err := decodeReply(t, []byte(`{"error":"bad token `+string(token)+`"}`))
	require.NotNil(t, err)
	assert.NotContains(t, err.Error(), string(token))
	assert.Contains(t, err.Error(), redact.Redacted)
}

func TestReply_Bounds(t *testing.T) {
	_, _, err := decodeReply(t, conversations(MaxConversations+1, ""))
	require.NotNil(t, err)
	assert.Contains(t, err.Error(), "more than 1000 conversations")

	labels := `,"labels":[` + strings.Repeat(`"",`, MaxItems) + `""]`
	_, _, err = decodeReply(t, conversations(1, labels))
	require.NotNil(t, err)
	assert.ErrorIs(t, err, errTooManyItems)

	// Items smaller than the structs they fill are charged their size:
	// a list of {} costs no more than the bytes allow.
	msgs := `,"messages":[` + strings.Repeat(`{},`, 3000) + `{}]`
	_, _, err = decodeReply(t, conversations(1, msgs))
	require.NotNil(t, err)
	assert.ErrorIs(t, err, errTooManyItems)

	_, _, err = decodeReply(t, conversations(20, `,"labels":["a","b"],"messages":[{"id":1}]`))
	assert.Nil(t, err, "an honest reply is well within the bounds")
}

func TestInto_OneRuleForNames(t *testing.T) {
	var m gen.Message
	err := Into([]byte(`{"id":1,"ID":2,"Content":"x"}`), &m)
	require.Nil(t, err)
	assert.Equal(t, int64(1), m.ID, "another case binds to nothing")
	assert.Nil(t, m.Content)

	err = Into([]byte(`{"id":1,"sender":{"id":1,"id":2}}`), &m)
	require.NotNil(t, err)
	assert.Equal(t, "/sender/id", err.Field)
}

func TestText(t *testing.T) {
	assert.Empty(t, Text(nil))
	assert.Empty(t, Text([]byte("null")))
	assert.Equal(t, "x", Text([]byte(`"x"`)))
	assert.Equal(t, "a; b", Text([]byte(`["a","b"]`)))
	assert.Equal(t, `{"a":1}`, Text([]byte(`{"a":1}`)))
	assert.LessOrEqual(t, len(Text([]byte(`"`+strings.Repeat("x", 1<<20)+`"`))), 4096)
	assert.LessOrEqual(t, len(Text([]byte(`[`+strings.Repeat(`"xxxxxxxxxx",`, 1<<16)+`"x"]`))), 4096)
}

func TestMessage(t *testing.T) {
	assert.Equal(t, "Retry later", Message("text/plain", []byte("Retry later\nmore"), token))
	assert.Equal(t, "nope", Message("application/json", []byte(`{"errors":["nope"]}`), token))
	assert.Contains(t, Message("text/html", []byte("<html><title>502</title>"), token), `an HTML page titled "502"`)
	assert.NotContains(t, Message("text/plain", []byte("x "+string(token)), token), string(token))
}

func TestIsJSON(t *testing.T) {
	for ct, want := range map[string]bool{"": true, "application/json": true, "Application/JSON; charset=utf-8": true,
		"application/vnd.api+json": true, "text/html": false, "text/plain": false, "application/jsonx": false} {
		assert.Equal(t, want, IsJSON(ct), ct)
	}
}

func seeds(f *testing.F) {
	for _, name := range api.FixtureNames() {
		b, err := api.Fixture(name)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"payload":[{"id":1,"id":1}]}`))
	f.Add([]byte(`{"error":["a",{}]}`))
	f.Add([]byte(`{"payload":null}`))
}

// Reply never panics, and what it accepts encoding/json reads too (json/v2
// is stricter, never looser), with as many conversations.
func FuzzReply(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		convs, raws, err := decodeReply(t, data)
		if err != nil {
			assert.NotContains(t, err.Error(), string(token))
			return
		}
		require.Len(t, raws, len(convs))
		var v1 struct {
			Payload []json.RawMessage `json:"payload"`
		}
		require.NoError(t, json.Unmarshal(data, &v1), "json/v2 accepted what v1 refuses")
		assert.Len(t, v1.Payload, len(convs))
	})
}

// Into never panics; a value it accepts is decoded again to the same result.
func FuzzInto(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var a, b gen.Conversation
		if Into(data, &a) != nil {
			return
		}
		require.Nil(t, Into(data, &b))
		assert.Equal(t, a, b)
	})
}

// Text and Message never panic, and are bounded whatever they read.
func FuzzText(f *testing.F) {
	f.Add([]byte(`["a","b"]`))
	f.Add([]byte(`{"error":"x"}`))
	f.Add([]byte(`<html><title>t</title>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		assert.LessOrEqual(t, len(Text(data)), 4096)
		assert.LessOrEqual(t, len(Message("", data, token)), 1024)
	})
}
