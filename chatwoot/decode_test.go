package chatwoot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
)

// decodeError serves body as a 200 and returns the *DecodeError the client
// must return for it.
func decodeError(t *testing.T, body []byte) *chatwoot.DecodeError {
	t.Helper()
	srv, _ := serveBody(t, http.StatusOK, "application/json; charset=utf-8", body)
	convs, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
	assert.Nil(t, convs, "never a partial list")
	var decErr *chatwoot.DecodeError
	require.ErrorAs(t, err, &decErr)
	return decErr
}

// Every item of payload must be a conversation: an object with a positive
// id. Anything else fails the call and names the item.
func TestDecode_EveryItemIsAConversation(t *testing.T) {
	good := `{"id":7,"meta":{"sender":{"id":1}}}`
	tests := []struct{ name, body, field, want string }{
		{"null item", `{"payload":[null]}`, "/payload/0", "a JSON null where a conversation"},
		{"empty object", `{"payload":[{}]}`, "/payload/0", "without a positive id"},
		{"zero id", `{"payload":[` + good + `,{"id":0}]}`, "/payload/1", "without a positive id"},
		{"a number", `{"payload":[` + good + `,` + good + `,42]}`, "/payload/2", "a JSON number where a conversation"},
		{"a string", `{"payload":["x"]}`, "/payload/0", "a JSON string where a conversation"},
		{"payload not an array", `{"payload":{"id":1}}`, "/payload", "payload is a JSON object, not the array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			decErr := decodeError(t, []byte(tt.body))
			assert.Equal(t, tt.field, decErr.Field)
			assert.Contains(t, decErr.Error(), tt.want)
		})
	}
}

// The path of a value of the wrong type is built from the bytes, with item
// indexes, so Go 1.25, 1.26 and 1.27 (json/v2) report the same one.
func TestDecode_FieldPathHasIndexesOnEveryEngine(t *testing.T) {
	body := fixture(t, "example_response.json")
	var doc struct{ Payload []map[string]any }
	require.NoError(t, json.Unmarshal(body, &doc))
	require.Len(t, doc.Payload, 2)

	tests := []struct {
		name   string
		mutate func(conv map[string]any)
		field  string
	}{
		{"a core time", func(c map[string]any) { c["timestamp"] = "soon" }, "/payload/1/timestamp"},
		{"an id", func(c map[string]any) { c["inbox_id"] = 1.5 }, "/payload/1/inbox_id"},
		{"inside meta", func(c map[string]any) { c["meta"].(map[string]any)["sender"].(map[string]any)["id"] = "x" }, "/payload/1/meta/sender/id"},
		{"a label", func(c map[string]any) { c["labels"] = []any{"a", 2} }, "/payload/1/labels/1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, json.Unmarshal(body, &doc))
			tt.mutate(doc.Payload[1])
			broken, err := json.Marshal(doc)
			require.NoError(t, err)
			decErr := decodeError(t, bytes.Replace(broken, []byte(`"Payload"`), []byte(`"payload"`), 1))
			assert.Equal(t, tt.field, decErr.Field)
			assert.Contains(t, decErr.Error(), "field "+tt.field+": a JSON")
		})
	}
}

func TestDecode_NestedMessagePath(t *testing.T) {
	body := string(fixture(t, "example_response.json"))
	const msgUpdated = `"updated_at": "2026-06-17T10:22:05.702Z"`
	require.Contains(t, body, msgUpdated)
	broken := strings.Replace(body, msgUpdated, `"updated_at": 12`, 1)
	decErr := decodeError(t, []byte(broken))
	assert.Equal(t, "/payload/0/messages/0/updated_at", decErr.Field)
}

// A body of many tiny items is refused as they are counted.
func TestDecode_AbsurdlyManyItemsAreRefused(t *testing.T) {
	body := `{"payload":[` + strings.Repeat(`{"id":1},`, 5000) + `{"id":1}]}`
	decErr := decodeError(t, []byte(body))
	assert.Contains(t, decErr.Error(), "more than 1000 conversations (or more than its size can fill); Chatwoot sends at most 20")
}

// The values Chatwoot reads raw from jsonb columns and JSON stores may hold
// any JSON type on some server or in some old row. Such drift never makes
// the reply unreadable, and each value is kept as sent; core keys (ids,
// status, times) still fail with a *DecodeError (see above).
func TestDecode_DriftInRawValuesIsKept(t *testing.T) {
	var doc map[string]any
	require.NoError(t, json.Unmarshal(fixture(t, "example_response.json"), &doc))
	conv := doc["payload"].([]any)[0].(map[string]any)
	meta := conv["meta"].(map[string]any)
	msg := conv["messages"].([]any)[0].(map[string]any)
	drift := map[string]any{}
	set := func(m map[string]any, key string, v any) {
		m[key] = v
		drift[key] = v
	}
	set(conv, "additional_attributes", "a string")
	set(conv, "custom_attributes", []any{1, "two"})
	set(meta["sender"].(map[string]any), "custom_attributes", nil)
	set(meta["assignee"].(map[string]any), "custom_attributes", 42)
	set(msg, "content_attributes", "in_reply_to=7")
	set(msg, "external_source_ids", []any{})
	set(msg, "sentiment", 0.5)
	set(msg["sender"].(map[string]any), "additional_attributes", true)
	msg["attachments"].([]any)[0].(map[string]any)["meta"] = "x"
	set(msg, "call", map[string]any{"id": 1, "ended_at": "2026-06-17T11:19:44Z", "status": "on-hold"})
	body, err := json.Marshal(doc)
	require.NoError(t, err)

	srv, _ := serveBody(t, http.StatusOK, "application/json", body)
	convs, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
	require.NoError(t, err, "drift in a raw value is not fatal")
	c := convs[0]
	assert.Equal(t, `"a string"`, string(c.AdditionalAttributes))
	assert.Equal(t, jsontext.Kind('['), c.CustomAttributes.Kind())
	assert.Equal(t, jsontext.Kind('n'), c.Meta.Sender.CustomAttributes.Kind())
	m := c.Messages[0]
	assert.Equal(t, jsontext.Kind('"'), m.ContentAttributes.Kind())
	assert.InDelta(t, 0.5, as[float64](t, m.Sentiment), 0)
	require.NotNil(t, m.Call)
	_, fits := m.Call.Get()
	assert.False(t, fits, "an ISO ended_at does not fit Call")
	assert.ErrorContains(t, m.Call.Err, "does not fit")
	assert.JSONEq(t, `{"id":1,"ended_at":"2026-06-17T11:19:44Z","status":"on-hold"}`, m.Call.Raw.String())

	out, err := json.Marshal(convs[0])
	require.NoError(t, err)
	var sent struct{ Payload []json.RawMessage }
	require.NoError(t, json.Unmarshal(body, &sent))
	assert.Equal(t, sameJSON(t, sent.Payload[0]), sameJSON(t, out), "every drifted value encodes back as it was sent")
}
