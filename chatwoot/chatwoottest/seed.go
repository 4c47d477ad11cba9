package chatwoottest

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/go-chatwoot/chatwoot-go/api"
	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/timestamp"
)

// The seeded accounts and contacts.
const (
	// DemoAccountID is the account of every seeded contact but OtherAccountContactID.
	DemoAccountID int64 = 3
	// DemoContactID has DemoConversationCount conversations showing every
	// shape Chatwoot 4.0.2 to 4.18 sends: each status, user, bot and Captain
	// assignees, every sender kind, each attachment type, enterprise SLA
	// keys present, absent and null (4.16+), team icons, voice calls, a
	// template.
	DemoContactID int64 = 4821
	// DemoConversationCount is how many conversations DemoContactID has.
	DemoConversationCount = 19
	// NoConversationsContactID exists and has no conversations.
	NoConversationsContactID int64 = 4822
	// OneConversationContactID has one conversation.
	OneConversationContactID int64 = 4823
	// ManyConversationsContactID has 25 conversations, of which the server
	// returns the 20 with the newest activity, as Chatwoot does.
	ManyConversationsContactID int64 = 4824

	// OtherAccountID is a second account the token's user belongs to.
	OtherAccountID int64 = 7
	// OtherAccountContactID is a contact of OtherAccountID with two conversations.
	OtherAccountContactID int64 = 100
	// ForeignAccountID exists, but the token's user is not a member of it:
	// requests get 401 "You are not authorized to access this account".
	ForeignAccountID int64 = 9
)

// seed fills the server with the fixtures of package api and copies of them.
func (s *Server) seed() error {
	var shapes []chatwoot.Conversation
	for _, name := range api.FixtureNames() {
		if !api.FixtureConforms(name) {
			continue // servers older or newer than the spec describes
		}
		raw, err := api.Fixture(name)
		if err != nil {
			return err
		}
		var body struct {
			Payload []chatwoot.Conversation `json:"payload"`
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			return fmt.Errorf("chatwoottest: fixture %s: %w", name, err)
		}
		shapes = append(shapes, body.Payload...)
	}
	s.accounts[ForeignAccountID] = &account{member: false, contacts: map[int64][]seeded{}}
	if len(shapes) != DemoConversationCount {
		return fmt.Errorf("chatwoottest: the fixtures hold %d conversations, DemoConversationCount says %d", len(shapes), DemoConversationCount)
	}
	s.AddConversations(DemoAccountID, DemoContactID, shapes...)
	s.AddContact(DemoAccountID, NoConversationsContactID)

	one := NewConversation(1, OneConversationContactID)
	s.AddConversations(DemoAccountID, OneConversationContactID, one)

	for i := range int64(25) {
		c := NewConversation(2000+i, ManyConversationsContactID)
		c.LastActivityAt = timestamp.Unix(1781600000 + i*3600)
		c.Timestamp = c.LastActivityAt
		s.AddConversations(DemoAccountID, ManyConversationsContactID, c)
	}
	s.AddConversations(OtherAccountID, OtherAccountContactID,
		NewConversation(10, OtherAccountContactID), NewConversation(11, OtherAccountContactID))
	return nil
}

// template is a complete, resolved conversation without messages, in the
// shape of the shared example's second conversation.
var template = []byte(`{
  "meta": {"sender": {"additional_attributes": {}, "availability_status": "offline", "email": null,
    "id": 1, "name": "", "phone_number": null, "blocked": false, "identifier": null, "thumbnail": "",
    "custom_attributes": {}, "last_activity_at": 1777901400, "created_at": 1772442845},
    "channel": "Channel::Api", "hmac_verified": false},
  "id": 1, "messages": [], "account_id": 3, "uuid": "00000000-0000-4000-8000-000000000000",
  "additional_attributes": {}, "agent_last_seen_at": 0, "assignee_last_seen_at": 0, "can_reply": true,
  "contact_last_seen_at": 0, "custom_attributes": {}, "inbox_id": 9, "labels": [], "muted": false,
  "snoozed_until": null, "status": "resolved", "created_at": 1777901400, "updated_at": 1777901472.004871,
  "timestamp": 1777901400, "first_reply_created_at": 0, "unread_count": 0,
  "last_non_activity_message": null, "last_activity_at": 1777901400, "priority": null,
  "waiting_since": 0, "sla_policy_id": null}`)

// NewConversation returns a complete, valid conversation with display id id
// and contact contactID, resolved, unassigned and without messages, for a
// test to change and pass to AddConversations.
func NewConversation(id, contactID int64) chatwoot.Conversation {
	var c chatwoot.Conversation
	// The template is a constant checked by the tests: it always decodes.
	_ = json.NewDecoder(bytes.NewReader(template)).Decode(&c)
	c.ID = id
	c.UUID = fmt.Sprintf("00000000-0000-4000-8000-%012d", id)
	c.Meta.Sender.ID = contactID
	c.Meta.Sender.Name = fmt.Sprintf("Contact %d", contactID)
	return c
}

// messageTemplate is an incoming text message from the contact, in the
// shape of the shared example's.
var messageTemplate = []byte(`{"id": 1, "content": "", "account_id": 3, "inbox_id": 9, "conversation_id": 1,
  "message_type": 0, "created_at": 1777901400, "updated_at": "2026-05-04T13:30:00.000Z", "private": false,
  "status": "sent", "source_id": null, "content_type": "text", "content_attributes": {},
  "sender_type": "Contact", "sender_id": 1, "external_source_ids": {}, "additional_attributes": {},
  "processed_message_content": "", "sentiment": {},
  "conversation": {"assignee_id": null, "unread_count": 1, "last_activity_at": 1777901400,
    "contact_inbox": {"source_id": "00000000-0000-4000-8000-000000000001"}},
  "sender": {"additional_attributes": {}, "custom_attributes": {}, "email": null, "id": 1,
    "identifier": null, "name": "", "phone_number": null, "thumbnail": "", "blocked": false, "type": "contact"}}`)

// NewMessage returns a valid incoming text message from the contact, with
// id, the conversation's display id and content, for a test to put in a
// conversation's Messages (and LastNonActivityMessage).
func NewMessage(id, conversationID int64, content string) chatwoot.Message {
	var m chatwoot.Message
	// The template is a constant checked by the tests: it always decodes.
	_ = json.Unmarshal(messageTemplate, &m)
	m.ID, m.ConversationID = id, conversationID
	m.Content, m.ProcessedMessageContent = &content, &content
	return m
}
