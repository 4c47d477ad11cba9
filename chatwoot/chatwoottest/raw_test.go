package chatwoottest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// rawConversation is NewConversation's JSON, changed by edit.
func rawConversation(t *testing.T, id, contactID int64, edit func(map[string]any)) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(chatwoottest.NewConversation(id, contactID))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	m["account_id"] = 1
	edit(m)
	b, err = json.MarshalIndent(m, "", "  ")
	require.NoError(t, err)
	return b
}

// A newer server's conversation (a status and a key the spec does not
// know) is served as given, next to one validated strictly.
func TestAddRawConversation_ServesANewerServersConversation(t *testing.T) {
	srv := chatwoottest.NewServer(t, chatwoottest.WithoutSeedData())
	raw := rawConversation(t, 2, 5, func(m map[string]any) {
		m["status"] = "escalated"
		m["sentiment_score"] = map[string]any{"value": 0.3}
		m["last_activity_at"] = 1777901500 // newer than the other
	})
	srv.AddConversations(1, 5, chatwoottest.NewConversation(1, 5))
	srv.AddRawConversation(1, 5, raw)

	status, _, body := get(t, srv.URL+"/api/v1/accounts/1/contacts/5/conversations", http.Header{"Api-Access-Token": {srv.Token}})
	require.Equal(t, 200, status, body)
	var reply struct{ Payload []json.RawMessage }
	require.NoError(t, json.Unmarshal([]byte(body), &reply))
	require.Len(t, reply.Payload, 2)
	assert.Equal(t, string(raw), string(reply.Payload[0]), "byte for byte, and first: newest activity")

	diffs, err := chatwoottest.Compare([]byte(body))
	require.NoError(t, err)
	kinds := map[chatwoottest.DifferenceKind][]string{}
	for _, d := range diffs {
		kinds[d.Kind] = append(kinds[d.Kind], d.Path)
	}
	assert.Equal(t, map[chatwoottest.DifferenceKind][]string{
		chatwoottest.UnknownKey:   {"/payload/0/sentiment_score"},
		chatwoottest.UnknownValue: {"/payload/0/status"},
	}, kinds)

	convs, err := client(t, srv).ListContactConversations(context.Background(), 1, 5)
	require.NoError(t, err)
	require.Len(t, convs, 2)
	assert.Equal(t, chatwoot.ConversationStatus("escalated"), convs[0].Status)
	assert.JSONEq(t, string(raw), string(convs[0].RawJSON()))
	assert.Empty(t, srv.Violations())
}

// Only unknown keys and values are let through: anything else in the raw
// conversation fails the test at once, and the reply holding it is a 500.
func TestAddRawConversation_RefusesAViolation(t *testing.T) {
	tests := []struct {
		name string
		raw  func(t *testing.T) json.RawMessage
		want string
	}{
		{"a missing key", func(t *testing.T) json.RawMessage {
			return rawConversation(t, 2, 5, func(m map[string]any) { delete(m, "inbox_id") })
		}, "inbox_id"},
		{"a value of another type", func(t *testing.T) json.RawMessage {
			return rawConversation(t, 2, 5, func(m map[string]any) { m["unread_count"] = "many" })
		}, "unread_count"},
		{"not JSON", func(*testing.T) json.RawMessage { return json.RawMessage(`{"id": 2,`) }, "not valid JSON"},
		{"two values", func(*testing.T) json.RawMessage { return json.RawMessage(`{} {}`) }, "not valid JSON"},
		{"not an object", func(*testing.T) json.RawMessage { return json.RawMessage(`[1]`) }, "violat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := &recordingTB{TB: t}
			srv := chatwoottest.NewServer(tb, chatwoottest.WithoutSeedData())
			defer srv.Close()
			srv.AddConversations(1, 5, chatwoottest.NewConversation(1, 5))
			srv.AddRawConversation(1, 5, tt.raw(t))
			require.Len(t, tb.errors, 1, "reported when added")
			assert.Contains(t, tb.errors[0], "AddRawConversation(1, 5)")
			assert.Contains(t, tb.errors[0], tt.want)

			status, _, body := get(t, srv.URL+"/api/v1/accounts/1/contacts/5/conversations", http.Header{"Api-Access-Token": {srv.Token}})
			assert.Equal(t, 500, status)
			assert.Contains(t, body, tt.want)
			assert.Len(t, srv.Violations(), 1)
		})
	}
}

// A raw conversation does not loosen the checks on the others in the
// same reply.
func TestAddRawConversation_TheOthersStayStrict(t *testing.T) {
	tb := &recordingTB{TB: t}
	srv := chatwoottest.NewServer(tb, chatwoottest.WithoutSeedData())
	defer srv.Close()
	srv.AddRawConversation(1, 5, rawConversation(t, 2, 5, func(m map[string]any) { m["status"] = "escalated" }))
	bad := chatwoottest.NewConversation(1, 5)
	bad.Status = "archived"
	srv.AddConversations(1, 5, bad)
	require.Empty(t, tb.errors)

	status, _, body := get(t, srv.URL+"/api/v1/accounts/1/contacts/5/conversations", http.Header{"Api-Access-Token": {srv.Token}})
	assert.Equal(t, 500, status)
	assert.Contains(t, body, "archived")
	assert.NotContains(t, body, "escalated", "the raw one is not what is wrong")
	require.Len(t, tb.errors, 1)
	assert.Contains(t, tb.errors[0], "archived")
}
