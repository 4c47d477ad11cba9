package chatwoottest_test

import (
	"context"
	"fmt"
	"log"
	"testing"

	"github.com/go-chatwoot/chatwoot-go/gen"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// Conversations assigned to each kind of assignee, seeded with package
// chatwoot's types only, and what a client reads of them.
func ExampleAssignAgent() {
	srv := chatwoottest.NewServer(nil, chatwoottest.WithoutSeedData())
	defer srv.Close()
	human, bot, captain := chatwoottest.NewConversation(1, 900), chatwoottest.NewConversation(2, 900), chatwoottest.NewConversation(3, 900)
	chatwoottest.AssignAgent(&human, chatwoottest.NewAgent(12, "Sam"))
	chatwoottest.AssignAgentBot(&bot, chatwoottest.NewAgentBot(5, "Triage Bot"))
	chatwoottest.AssignCaptainAssistant(&captain, chatwoottest.NewCaptainAssistant(3, "Acme Helper"))
	srv.AddConversations(chatwoottest.DemoAccountID, 900, human, bot, captain)

	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	convs, err := client.ListContactConversations(context.Background(), chatwoottest.DemoAccountID, 900)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range convs {
		a, _ := c.Assignee()
		fmt.Println(c.ID, a.Kind, a.ID, a.Name)
	}
	// Output:
	// 1 User 12 Sam
	// 2 AgentBot 5 Triage Bot
	// 3 Captain::Assistant 3 Acme Helper
}

// seedAndList serves convs to contact 900 of a fresh server, through the
// spec's checks, and lists them with the client.
func seedAndList(t *testing.T, convs ...chatwoot.Conversation) []chatwoot.Conversation {
	t.Helper()
	srv := chatwoottest.NewServer(t, chatwoottest.WithoutSeedData())
	srv.AddConversations(chatwoottest.DemoAccountID, 900, convs...)
	got, err := client(t, srv).ListContactConversations(context.Background(), chatwoottest.DemoAccountID, 900)
	require.NoError(t, err)
	require.Len(t, got, len(convs))
	assert.Empty(t, srv.Violations(), "the seeded assignees satisfy the spec")
	return got
}

func TestAssign_EachKindReadsBack(t *testing.T) {
	agent := chatwoottest.NewAgent(12, "Samantha Reyes")
	agent.AvailableName = "Sam"
	bot := chatwoottest.NewAgentBot(5, "Triage Bot")
	url := "https://bots.example.test/triage"
	bot.OutgoingURL = &url
	assistant := chatwoottest.NewCaptainAssistant(3, "Acme Helper")

	convs := make([]chatwoot.Conversation, 4)
	for i := range convs {
		convs[i] = chatwoottest.NewConversation(int64(i+1), 900)
	}
	chatwoottest.AssignAgent(&convs[0], agent)
	chatwoottest.AssignAgentBot(&convs[1], bot)
	chatwoottest.AssignCaptainAssistant(&convs[2], assistant)
	got := seedAndList(t, convs...)
	byID := map[int64]chatwoot.Conversation{}
	for _, c := range got {
		byID[c.ID] = c
	}

	c := byID[1]
	a, ok := c.Assignee()
	require.True(t, ok)
	assert.Equal(t, gen.AssigneeTypeUser, a.Kind)
	assert.Equal(t, int64(12), a.ID)
	assert.Equal(t, "Sam", a.Name, "a user's available_name")
	gotAgent, ok := a.Agent()
	require.True(t, ok)
	assert.Equal(t, agent, gotAgent)
	_, isBot := a.AgentBot()
	assert.False(t, isBot)

	c = byID[2]
	a, ok = c.Assignee()
	require.True(t, ok)
	assert.Equal(t, gen.AssigneeTypeAgentBot, a.Kind)
	gotBot, ok := a.AgentBot()
	require.True(t, ok)
	assert.Equal(t, bot, gotBot)
	assert.Equal(t, "Triage Bot", a.String())

	c = byID[3]
	a, ok = c.Assignee()
	require.True(t, ok)
	assert.Equal(t, gen.AssigneeTypeCaptainAssistant, a.Kind)
	assert.Equal(t, gen.AssigneeTypeCaptainAssistant, *c.Meta.AssigneeType)
	gotAssistant, ok := a.CaptainAssistant()
	require.True(t, ok)
	assert.Equal(t, assistant, gotAssistant)
	assert.JSONEq(t, `{"id": 3, "name": "Acme Helper", "description": null, "thumbnail": ""}`, string(a.RawJSON()))

	c = byID[4]
	_, ok = c.Assignee()
	assert.False(t, ok, "NewConversation is unassigned")
	assert.Empty(t, c.Meta.Assignee)
	assert.Nil(t, c.Meta.AssigneeType)
}

// The other spelling of the Captain kind (an earlier design's) is served
// as sent and read as the same kind.
func TestAssign_CaptainAssistantUnderItsOtherSpelling(t *testing.T) {
	conv := chatwoottest.NewConversation(1, 900)
	chatwoottest.AssignCaptainAssistant(&conv, chatwoottest.NewCaptainAssistant(3, "Acme Helper"))
	*conv.Meta.AssigneeType = gen.AssigneeTypeCaptainAssistantAlt
	c := seedAndList(t, conv)[0]
	require.NotNil(t, c.Meta.AssigneeType)
	assert.Equal(t, chatwoot.AssigneeType("CaptainAssistant"), *c.Meta.AssigneeType, "as the server sent it")
	a, ok := c.Assignee()
	require.True(t, ok)
	assert.Equal(t, gen.AssigneeTypeCaptainAssistant, a.Kind)
	assistant, ok := a.CaptainAssistant()
	require.True(t, ok)
	assert.Equal(t, "Acme Helper", assistant.Name)
}

// Reassigning replaces the assignee and its kind.
func TestAssign_Reassigns(t *testing.T) {
	conv := chatwoottest.NewConversation(1, 900)
	chatwoottest.AssignAgentBot(&conv, chatwoottest.NewAgentBot(5, "Triage Bot"))
	chatwoottest.AssignAgent(&conv, chatwoottest.NewAgent(12, "Sam"))
	a, ok := seedAndList(t, conv)[0].Assignee()
	require.True(t, ok)
	assert.Equal(t, chatwoot.Assignee{Kind: gen.AssigneeTypeUser, ID: 12, Name: "Sam"},
		chatwoot.Assignee{Kind: a.Kind, ID: a.ID, Name: a.Name})
}

func TestAssign_PanicsOnAnAssigneeThatDoesNotEncode(t *testing.T) {
	agent := chatwoottest.NewAgent(12, "Sam")
	notJSON := chatwoot.FreeForm("{")
	agent.CustomAttributes = &notJSON
	conv := chatwoottest.NewConversation(1, 900)
	assert.Panics(t, func() { chatwoottest.AssignAgent(&conv, agent) })
	assert.Nil(t, conv.Meta.AssigneeType, "the conversation is left as it was")
}
