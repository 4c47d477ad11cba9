package chatwoottest

import (
	"encoding/json"
	"fmt"

	"github.com/go-chatwoot/chatwoot-go/gen"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/jsonvalue"
)

// Assigning a conversation: Chatwoot sends who it is assigned to as
// meta.assignee, an object whose shape depends on meta.assignee_type. The
// Assign functions set both from a value of package chatwoot's own types, as
// the server renders them, so that a test seeds an assigned conversation
// without writing JSON or importing package gen; Conversation.Assignee reads
// them back. NewAgent, NewAgentBot and NewCaptainAssistant make valid values
// to start from. The conversation's messages are left as they are (their
// conversation.assignee_id included).

// NewAgent returns a valid user assignee of DemoAccountID with id and name
// (its available_name too): online, a confirmed agent signed in by email.
func NewAgent(id int64, name string) chatwoot.Agent {
	provider := "email"
	return chatwoot.Agent{
		ID: id, AccountID: DemoAccountID, Name: name, AvailableName: name,
		Email:              fmt.Sprintf("agent%d@example.test", id),
		AvailabilityStatus: gen.AgentAvailabilityStatusOnline, Confirmed: true,
		Provider: &provider, Role: gen.AgentRoleAgent,
	}
}

// NewAgentBot returns a valid agent-bot assignee with id and name: a
// webhook bot without a description or an avatar.
func NewAgentBot(id int64, name string) chatwoot.AgentBot {
	return chatwoot.AgentBot{ID: id, Name: name, BotType: gen.AgentBotBotTypeWebhook}
}

// NewCaptainAssistant returns a valid Captain assistant assignee (4.18+)
// with id and name, without a description or an avatar.
func NewCaptainAssistant(id int64, name string) chatwoot.CaptainAssistant {
	return chatwoot.CaptainAssistant{ID: id, Name: name}
}

// AssignAgent assigns c to the user a: meta.assignee becomes a as JSON and
// meta.assignee_type "User". It panics if a does not encode (a FreeForm in
// it that is not JSON).
func AssignAgent(c *chatwoot.Conversation, a chatwoot.Agent) {
	assign(c, gen.AssigneeTypeUser, a)
}

// AssignAgentBot assigns c to the agent bot b (Chatwoot 4.8+): meta.assignee
// becomes b as JSON and meta.assignee_type "AgentBot".
func AssignAgentBot(c *chatwoot.Conversation, b chatwoot.AgentBot) {
	assign(c, gen.AssigneeTypeAgentBot, b)
}

// AssignCaptainAssistant assigns c to the Captain assistant a (4.18+,
// enterprise): meta.assignee becomes a as JSON and meta.assignee_type
// "Captain::Assistant". To seed the other spelling a server may send, set
// *c.Meta.AssigneeType to gen.AssigneeTypeCaptainAssistantAlt after.
func AssignCaptainAssistant(c *chatwoot.Conversation, a chatwoot.CaptainAssistant) {
	assign(c, gen.AssigneeTypeCaptainAssistant, a)
}

func assign(c *chatwoot.Conversation, kind chatwoot.AssigneeType, assignee any) {
	b, err := json.Marshal(assignee)
	if err != nil {
		panic(fmt.Sprintf("chatwoottest: the %s assignee does not encode: %v", kind, err))
	}
	c.Meta.Assignee, c.Meta.AssigneeType = jsonvalue.Value(b), &kind
}
