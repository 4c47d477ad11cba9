package chatwoottest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/messagetype"
	"github.com/go-chatwoot/chatwoot-go/gen"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/jsonvalue"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/timestamp"
)

// MaxDemoContacts is the most contacts WithDemoContacts serves.
const MaxDemoContacts = 1_000_000

// WithDemoContacts makes DemoAccountID hold exactly the n contacts
// DemoContactID to DemoContactID+n-1, for a job over many contacts (as
// `chatwoot-conversations -serve-demo ADDR -contacts N` serves): the
// seeded ones in that range keep their conversations (DemoContactID's 19,
// none, one, 25), those after it are left out, and every other contact has
// the conversations DemoConversations generates from its id. A contact
// past the range answers 404.
//
// A generated contact's conversations are made when it is first asked for
// (or given more with AddConversations), so a server of many contacts
// starts at once. n must be between 1 and MaxDemoContacts; NewServer
// refuses others as Inject refuses an impossible fault.
func WithDemoContacts(n int) Option {
	return func(s *Server) {
		if n < 1 || n > MaxDemoContacts {
			s.optErrs = append(s.optErrs, fmt.Errorf("chatwoottest: WithDemoContacts(%d) cannot be served: give between 1 and %d contacts", n, MaxDemoContacts))
			return
		}
		s.demo = n
	}
}

// generateDemoContacts applies WithDemoContacts to the seeded accounts.
func (s *Server) generateDemoContacts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	acc := s.accounts[DemoAccountID]
	if acc == nil {
		acc = &account{member: true, contacts: map[int64][]seeded{}}
		s.accounts[DemoAccountID] = acc
	}
	end := DemoContactID + int64(s.demo)
	for id := range acc.contacts {
		if id < DemoContactID || id >= end {
			delete(acc.contacts, id)
		}
	}
	acc.generated = [2]int64{DemoContactID, end}
}

// demoEpoch is the generated conversations' latest activity: 2026-06-16.
const demoEpoch = 1781600000

// DemoConversations returns the conversations WithDemoContacts serves for
// a contact it generates: deterministic (the same for the same contactID,
// from a random source seeded with it) and valid, in account DemoAccountID
// with display ids contactID*100 to contactID*100+24. About one contact in
// ten has none, most have one to five, and about one in seven has 20 to 25
// (of which the server sends the 20 newest). They vary in status (each of
// the four, a snoozed one with its snoozed_until), priority, labels, inbox
// and channel, unread count, assignee (none, an agent, an agent bot or a
// Captain assistant) and latest message: none, the contact's, the
// assignee's, a private note or an activity.
func DemoConversations(contactID int64) []chatwoot.Conversation {
	rng := rand.New(rand.NewPCG(uint64(contactID), 0x63686174776f6f74)) //nolint:gosec // fake data for a demo: deterministic by design, never a secret
	count := 1 + rng.IntN(5)
	switch p := rng.IntN(100); {
	case p < 10:
		count = 0
	case p >= 85:
		count = 20 + rng.IntN(6)
	}
	convs := make([]chatwoot.Conversation, count)
	at := int64(demoEpoch - rng.IntN(86400))
	for i := range convs {
		convs[i] = demoConversation(rng, contactID, contactID*100+int64(i), at)
		at -= 600 + rng.Int64N(3*86400)
	}
	return convs
}

var (
	demoStatuses   = []chatwoot.ConversationStatus{gen.ConversationStatusOpen, gen.ConversationStatusOpen, gen.ConversationStatusResolved, gen.ConversationStatusResolved, gen.ConversationStatusPending, gen.ConversationStatusSnoozed}
	demoPriorities = []chatwoot.ConversationPriority{gen.ConversationPriorityLow, gen.ConversationPriorityMedium, gen.ConversationPriorityHigh, gen.ConversationPriorityUrgent}
	demoLabels     = []string{"billing", "bug", "feedback", "vip"}
	demoAgents     = []string{"Sam Reyes", "Priya Nair", "Jonas Berg", "Mei Lin"}
	demoTexts      = []string{"Where is my order?", "Thanks, that worked!", "Can I change my plan?", "The app crashes on login.", "Your refund is on its way."}
)

// demoConversation is one generated conversation with display id id, whose
// latest activity is at.
func demoConversation(rng *rand.Rand, contactID, id, at int64) chatwoot.Conversation {
	// The fields alone, not the template's JSON: marshalled in one pass.
	c := chatwoot.Conversation{ConversationFields: NewConversation(id, contactID).ConversationFields}
	c.AccountID = DemoAccountID
	c.LastActivityAt, c.Timestamp = timestamp.Unix(at), timestamp.Unix(at)
	c.CreatedAt = timestamp.Unix(at - rng.Int64N(7*86400))
	c.UpdatedAt = timestamp.UnixFloat(float64(at) + float64(rng.IntN(1e6))/1e6)
	c.Status = demoStatuses[rng.IntN(len(demoStatuses))]
	if c.Status == gen.ConversationStatusSnoozed {
		until := time.Unix(at+86400, 0).UTC()
		c.SnoozedUntil = &until
	}
	if p := rng.IntN(len(demoPriorities) + 3); p < len(demoPriorities) {
		priority := demoPriorities[p]
		c.Priority = &priority
	}
	for _, l := range demoLabels {
		if rng.IntN(4) == 0 {
			c.Labels = append(c.Labels, l)
		}
	}
	if rng.IntN(2) == 0 {
		c.InboxID, c.Meta.Channel = 7, gen.ChannelWebWidget
	}
	if c.Status == gen.ConversationStatusOpen {
		c.UnreadCount = rng.Int64N(11)
	}

	var sender, assigneeID *int64 // a message's sender when it is the assignee's
	var senderType chatwoot.MessageSenderType
	var senderJSON jsonvalue.Value
	switch rng.IntN(4) {
	case 1:
		agentID := 1 + rng.Int64N(int64(len(demoAgents)))
		AssignAgent(&c, NewAgent(agentID, demoAgents[agentID-1]))
		sender, assigneeID, senderType = &agentID, &agentID, gen.MessageSenderTypeUser
		online := gen.UserSenderAvailabilityStatusOnline
		senderJSON = mustJSON(chatwoot.UserSender{ID: agentID, Name: demoAgents[agentID-1], AvailableName: demoAgents[agentID-1],
			AvailabilityStatus: &online, Type: gen.UserSenderTypeUser})
	case 2:
		botID := int64(11)
		AssignAgentBot(&c, NewAgentBot(botID, "Triage bot"))
		sender, senderType = &botID, gen.MessageSenderTypeAgentBot
		senderJSON = mustJSON(chatwoot.AgentBotSender{ID: botID, Name: "Triage bot", Type: gen.AgentBotSenderTypeAgentBot})
	case 3:
		assistantID := int64(21)
		AssignCaptainAssistant(&c, NewCaptainAssistant(assistantID, "Acme Helper"))
		sender, senderType = &assistantID, gen.MessageSenderTypeCaptainAssistant
		senderJSON = mustJSON(chatwoot.CaptainAssistantSender{ID: assistantID, Name: "Acme Helper",
			CreatedAt: time.Unix(demoEpoch-90*86400, 0).UTC(), Type: gen.CaptainAssistantSenderTypeCaptainAssistant})
	}

	// The latest message: none, the contact's, the assignee's (or a private
	// note of theirs), or an activity.
	m := NewMessage(id*10, id, demoTexts[rng.IntN(len(demoTexts))])
	m.CreatedAt, m.UpdatedAt = c.LastActivityAt, time.Unix(at, 0).UTC()
	m.InboxID, m.SenderID = c.InboxID, &contactID
	m.Sender = mustJSON(chatwoot.ContactSender{ID: contactID, Name: c.Meta.Sender.Name, Type: gen.ContactSenderTypeContact,
		AdditionalAttributes: chatwoot.FreeForm("{}"), CustomAttributes: chatwoot.FreeForm("{}")})
	m.Conversation.AssigneeID, m.Conversation.UnreadCount, m.Conversation.LastActivityAt = assigneeID, c.UnreadCount, c.LastActivityAt
	switch p := rng.IntN(10); {
	case p == 0:
		return c // no message
	case p == 1:
		text := "Conversation was marked resolved"
		m.MessageType, m.Content, m.ProcessedMessageContent = messagetype.Activity, &text, &text
		m.SenderID, m.SenderType, m.Sender = nil, nil, nil
	case p < 6 && sender != nil:
		m.MessageType, m.SenderID, m.SenderType, m.Sender = messagetype.Outgoing, sender, &senderType, senderJSON
		m.Private = senderType == gen.MessageSenderTypeUser && p == 5
	}
	c.Messages = []chatwoot.Message{m}
	if m.MessageType != messagetype.Activity {
		c.LastNonActivityMessage = &m
	}
	return c
}

// mustJSON encodes a value of package chatwoot's own types, which always
// encode.
func mustJSON(v any) jsonvalue.Value {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("chatwoottest: %T does not encode: %v", v, err))
	}
	return b
}
