package chatwoot_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/go-chatwoot/chatwoot-go/gen"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/jsonvalue"
)

// A 4.18 server's Captain assignee is most likely "Captain::Assistant", but
// an earlier design said "CaptainAssistant": both are the Captain kind.
func TestAssignee_BothSpellingsOfTheCaptainKind(t *testing.T) {
	for _, spelling := range []string{`"Captain::Assistant"`, `"CaptainAssistant"`} {
		body := bytes.ReplaceAll(fixture(t, "v4_18.json"), []byte(`"Captain::Assistant"`), []byte(spelling))
		srv, _ := serveBody(t, http.StatusOK, "application/json", body)
		convs, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
		require.NoError(t, err)
		var found bool
		for _, c := range convs {
			a, ok := c.Assignee()
			if !ok || a.Name != "Acme Helper" {
				continue
			}
			found = true
			assert.Equal(t, gen.AssigneeTypeCaptainAssistant, a.Kind, spelling)
			assistant, ok := a.CaptainAssistant()
			require.True(t, ok, spelling)
			assert.Equal(t, int64(3), assistant.ID)
			_, isBot := a.AgentBot()
			assert.False(t, isBot, "an agent bot has every key an assistant has; the kind tells them apart")
		}
		assert.True(t, found, "v4_18.json has a Captain assignee")
	}
}

// Conversation.Meta.Assignee and Message.Sender hold the JSON as sent;
// Assignee and SenderOf read it, also from values built in Go.
func TestAssigneeAndSender_ReadTheRawJSON(t *testing.T) {
	var c chatwoot.Conversation
	c.Meta.Assignee = jsonvalue.Value(`{"id": 12, "name": "Samantha Reyes", "available_name": "Sam"}`)
	a, ok := c.Assignee()
	require.True(t, ok)
	assert.Equal(t, chatwoot.Assignee{Kind: gen.AssigneeTypeUser, ID: 12, Name: "Sam"}, withoutRaw(a), "no assignee_type: a user, as before 4.8")

	c.Meta.Assignee = jsonvalue.Value(`null`)
	_, ok = c.Assignee()
	assert.False(t, ok, "null is unassigned")

	m := chatwoot.Message{Sender: jsonvalue.Value(`{"type": "agent_bot", "id": 5, "name": "Triage Bot", "avatar_url": ""}`)}
	s, ok := chatwoot.SenderOf(&m)
	require.True(t, ok)
	assert.Equal(t, chatwoot.SenderAgentBot, s.Kind)
	assert.Equal(t, int64(5), s.ID)
	bot, ok := s.AgentBot()
	require.True(t, ok)
	assert.Equal(t, "Triage Bot", bot.Name)
	_, isUser := s.User()
	assert.False(t, isUser)

	m.Sender = jsonvalue.Value(`{"type": 7, "id": "x"}`)
	s, ok = chatwoot.SenderOf(&m)
	require.True(t, ok, "a sender of odd types is still a sender")
	assert.Equal(t, chatwoot.Sender{}, chatwoot.Sender{Kind: s.Kind, ID: s.ID, Name: s.Name})
	assert.JSONEq(t, `{"type": 7, "id": "x"}`, string(s.RawJSON()))
	_, ok = chatwoot.SenderOf(&chatwoot.Message{})
	assert.False(t, ok)
	_, ok = chatwoot.SenderOf(nil)
	assert.False(t, ok)
}

// An assignee or sender is kept as sent and decoded by kind on request: two
// keys for one of its fields (in any case or spelling) are never picked
// from silently. Its id and name read as zero and its detail does not fit;
// the JSON is still there.
func TestAssigneeAndSender_ANameSentTwiceIsNotPickedFrom(t *testing.T) {
	// A reply with such a name is refused; a value built in Go is read as
	// nothing rather than as one of the two.
	for _, assignee := range []string{
		`{"id":7,"id":8,"name":"Sam","available_name":"Sam"}`,
		`{"id":7,"name":"Sam","available_name":"Sam","availabl\u0065_name":"Eve"}`,
	} {
		c := chatwoot.Conversation{}
		c.Meta.Assignee = jsonvalue.Value(assignee)
		a, ok := c.Assignee()
		require.True(t, ok, assignee)
		_, fits := a.Agent()
		assert.False(t, fits, assignee)
		assert.Zero(t, a.ID, assignee)
		assert.Empty(t, a.Name, assignee)
	}
	m := chatwoot.Message{Sender: jsonvalue.Value(`{"type":"contact","id":3,"id":4,"name":"Ann"}`)}
	s, ok := chatwoot.SenderOf(&m)
	require.True(t, ok)
	assert.Zero(t, s.ID)
	_, fits := s.Contact()
	assert.False(t, fits)
}
