package chatwoot_test

import (
	"testing"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/messagetype"
	"github.com/go-chatwoot/chatwoot-go/gen"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

func TestLastMessage_SkipsActivitiesAndTakesTheNewer(t *testing.T) {
	// Snoozed: the latest message is the snooze activity; the last one a
	// person wrote is LastNonActivityMessage.
	snoozed := list(t, "snoozed_bot_assignee.json")[0]
	latest, ok := snoozed.LatestMessage()
	require.True(t, ok)
	assert.Equal(t, messagetype.Activity, latest.MessageType)
	last, ok := snoozed.LastMessage()
	require.True(t, ok)
	assert.Equal(t, "Is anyone there?", chatwoot.MessageText(&last))

	// Data where LastNonActivityMessage is missing but Messages[0] is an
	// outgoing message: LastMessage still finds it.
	c := chatwoottest.NewConversation(5, 6)
	out := chatwoottest.NewMessage(10, 5, "We shipped it")
	out.MessageType = messagetype.Outgoing
	c.Messages = []chatwoot.Message{out}
	last, ok = c.LastMessage()
	require.True(t, ok)
	assert.Equal(t, int64(10), last.ID)

	// Both set: the newer wins.
	older := chatwoottest.NewMessage(9, 5, "older")
	older.CreatedAt--
	c.LastNonActivityMessage = &older
	last, _ = c.LastMessage()
	assert.Equal(t, int64(10), last.ID)

	empty := chatwoottest.NewConversation(7, 6)
	_, ok = empty.LastMessage()
	assert.False(t, ok)
	_, ok = empty.LatestMessage()
	assert.False(t, ok)
}

func TestMessageText_AndPreview(t *testing.T) {
	m := chatwoottest.NewMessage(1, 1, "  Hello\n\tthere  ")
	assert.Equal(t, "Hello there", chatwoot.MessageText(&m))
	assert.Equal(t, "Hello…", chatwoot.MessagePreview(&m, 6))
	m.Private = true
	assert.Equal(t, "(note) Hello there", chatwoot.MessagePreview(&m, 0))
	m.Private, m.MessageType = false, messagetype.Activity
	assert.Equal(t, "(activity) Hello there", chatwoot.MessagePreview(&m, 40))

	attachments := list(t, "attachments.json")[0].Messages[0]
	assert.Equal(t, "[13 attachments]", chatwoot.MessageText(&attachments))
	one := attachments
	one.Attachments = one.Attachments[:1]
	assert.Equal(t, "[image]", chatwoot.MessageText(&one))
	story := attachments
	story.Attachments = []chatwoot.Attachment{{FileType: gen.AttachmentFileTypeStoryMention}}
	assert.Equal(t, "[story mention]", chatwoot.MessageText(&story))

	voice := list(t, "voice_and_templates.json")[1].Messages[0]
	voice.Content = nil
	assert.Equal(t, "[voice call]", chatwoot.MessageText(&voice))
	blank := chatwoottest.NewMessage(2, 1, " ")
	assert.Equal(t, "[no text]", chatwoot.MessageText(&blank))
}

func TestConversationHelpers(t *testing.T) {
	convs := list(t, "example_response.json")
	open, resolved := convs[0], convs[1]
	assert.Equal(t, gen.ConversationPriorityHigh, open.GetPriority())
	assert.Equal(t, chatwoot.ConversationPriority(""), resolved.GetPriority())
	team, ok := open.Team()
	require.True(t, ok)
	assert.Equal(t, "billing", team.Name)
	_, ok = resolved.Team()
	assert.False(t, ok)

	assert.False(t, chatwoot.MayHaveMore(convs))
	full := make([]chatwoot.Conversation, chatwoot.MaxConversations)
	assert.True(t, chatwoot.MayHaveMore(full), "20 is all Chatwoot sends: there may be more")
}
