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
	var reply struct {
		Payload []json.RawMessage `json:"payload"`
	}
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

// What package chatwoot cannot decode fails the test at once, and the
// reply holding it is a 500.
func TestAddRawConversation_RefusesAViolation(t *testing.T) {
	tests := []struct {
		name string
		raw  func(t *testing.T) json.RawMessage
		want string
	}{
		{"a value of another type", func(t *testing.T) json.RawMessage {
			return rawConversation(t, 2, 5, func(m map[string]any) { m["unread_count"] = "many" })
		}, "unread_count"},
		{"two keys for one field", func(*testing.T) json.RawMessage {
			return json.RawMessage(`{"id": 2, "id": 3}`)
		}, "id"},
		{"no id", func(t *testing.T) json.RawMessage {
			return rawConversation(t, 2, 5, func(m map[string]any) { delete(m, "id") })
		}, "id"},
		{"not JSON", func(*testing.T) json.RawMessage { return json.RawMessage(`{"id": 2,`) }, "not valid JSON"},
		{"two values", func(*testing.T) json.RawMessage { return json.RawMessage(`{} {}`) }, "not valid JSON"},
		{"not an object", func(*testing.T) json.RawMessage { return json.RawMessage(`[1]`) }, "package chatwoot cannot decode it"},
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

// withUnknownKinds is a conversation assigned to a kind of assignee the
// spec does not list, whose message has a kind of sender it does not list.
func withUnknownKinds(t *testing.T, id, contactID int64) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(chatwoottest.NewMessage(id*10, id, "Drafted by Copilot"))
	require.NoError(t, err)
	var msg map[string]any
	require.NoError(t, json.Unmarshal(b, &msg))
	msg["message_type"], msg["sender_type"], msg["sender_id"] = 1, "Captain::Copilot", 5
	msg["sender"] = map[string]any{"id": 5, "name": "Copilot", "type": "copilot"}
	return rawConversation(t, id, contactID, func(m map[string]any) {
		meta := m["meta"].(map[string]any)
		meta["assignee_type"] = "Captain::Copilot"
		meta["assignee"] = map[string]any{"id": 77, "name": "Copilot"}
		m["messages"] = []any{msg}
	})
}

// What package chatwoot decodes is served: a newer server's kinds of
// assignee and sender, whose kind, id and name the client reads, and an
// older server's conversation without updated_at, whose differences from
// the spec are logged to the test, not failed.
func TestAddRawConversation_AcceptsWhatTheClientDecodes(t *testing.T) {
	tb := &recordingTB{TB: t}
	srv := chatwoottest.NewServer(tb, chatwoottest.WithoutSeedData())
	defer srv.Close()
	srv.AddRawConversation(1, 5, withUnknownKinds(t, 2, 5))
	require.Empty(t, tb.logs, "only unknown values: nothing to say")
	srv.AddRawConversation(1, 5, rawConversation(t, 1, 5, func(m map[string]any) { delete(m, "updated_at") }))
	require.Empty(t, tb.errors)
	require.Len(t, tb.logs, 1)
	assert.Contains(t, tb.logs[0], `AddRawConversation(1, 5): accepted`)
	assert.Contains(t, tb.logs[0], `violation /updated_at: property "updated_at" is missing`)

	convs, err := client(t, srv).ListContactConversations(context.Background(), 1, 5)
	require.NoError(t, err)
	require.Len(t, convs, 2)
	a, ok := convs[0].Assignee()
	require.True(t, ok)
	assert.Equal(t, chatwoot.AssigneeType("Captain::Copilot"), a.Kind)
	assert.Equal(t, int64(77), a.ID)
	assert.Equal(t, "Copilot", a.Name)
	sender, ok := chatwoot.SenderOf(&convs[0].Messages[0])
	require.True(t, ok)
	assert.Equal(t, chatwoot.Sender{Kind: "copilot", ID: 5, Name: "Copilot"}, chatwoot.Sender{Kind: sender.Kind, ID: sender.ID, Name: sender.Name})
	assert.Zero(t, convs[1].UpdatedAt, "the older server's")
	assert.Empty(t, srv.Violations())
	assert.Empty(t, tb.errors)
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
