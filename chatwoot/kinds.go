package chatwoot

import (
	"encoding/json"

	"github.com/go-chatwoot/chatwoot-go/gen"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/jsonvalue"
	"github.com/go-chatwoot/chatwoot-go/internal/decode"
)

// Assignee is who a conversation is assigned to: a user (an agent), an
// agent bot, or a Captain AI assistant (4.18+). Kind, ID and Name are read
// from the JSON for every kind, including kinds this version does not know,
// so a program can always show who it is; Agent, AgentBot and
// CaptainAssistant give the full detail of their kind.
type Assignee struct {
	// Kind is meta.assignee_type: gen.AssigneeTypeUser, gen.AssigneeTypeAgentBot,
	// gen.AssigneeTypeCaptainAssistant, or whatever a newer server sends.
	// Servers before 4.8 send none, and assign only users: Kind is then
	// gen.AssigneeTypeUser.
	Kind AssigneeType
	// ID is the assignee's id among its kind (a user id, a bot id, …).
	ID int64
	// Name is the name Chatwoot shows for it: a user's available_name (their
	// display name, or else their name), a bot's or assistant's name.
	Name string

	raw jsonvalue.Value
}

// Assignee returns who the conversation is assigned to, read from
// meta.assignee and meta.assignee_type, and false when it is unassigned
// (Chatwoot then sends no assignee). Both spellings of the Captain kind,
// "Captain::Assistant" and "CaptainAssistant", read as
// gen.AssigneeTypeCaptainAssistant.
func (c *Conversation) Assignee() (Assignee, bool) {
	if c == nil || absent(c.Meta.Assignee) {
		return Assignee{}, false
	}
	a := Assignee{Kind: gen.AssigneeTypeUser, raw: c.Meta.Assignee}
	if c.Meta.AssigneeType != nil {
		a.Kind = *c.Meta.AssigneeType
	}
	if a.Kind == gen.AssigneeTypeCaptainAssistantAlt {
		a.Kind = gen.AssigneeTypeCaptainAssistant
	}
	_, a.ID, a.Name = peek(a.raw)
	return a, true
}

// Agent returns the assignee as a user, if it is one.
func (a Assignee) Agent() (Agent, bool) {
	return decodeKind[Agent](a.raw, a.Kind == gen.AssigneeTypeUser)
}

// AgentBot returns the assignee as an agent bot, if it is one.
func (a Assignee) AgentBot() (AgentBot, bool) {
	return decodeKind[AgentBot](a.raw, a.Kind == gen.AssigneeTypeAgentBot)
}

// CaptainAssistant returns the assignee as a Captain assistant, if it is one.
func (a Assignee) CaptainAssistant() (CaptainAssistant, bool) {
	return decodeKind[CaptainAssistant](a.raw, a.Kind == gen.AssigneeTypeCaptainAssistant)
}

// RawJSON returns meta.assignee as the server sent it (a copy).
func (a Assignee) RawJSON() json.RawMessage { return json.RawMessage(append([]byte(nil), a.raw...)) }

// String returns the assignee's name.
func (a Assignee) String() string { return a.Name }

// SenderKind is the kind of a message's sender, from sender.type.
type SenderKind string

// The kinds of sender Chatwoot sends. A newer server may send another: its
// Sender still has the Kind, ID and Name it sent.
const (
	SenderContact          = SenderKind(gen.ContactSenderTypeContact)
	SenderUser             = SenderKind(gen.UserSenderTypeUser)
	SenderAgentBot         = SenderKind(gen.AgentBotSenderTypeAgentBot)
	SenderCaptainAssistant = SenderKind(gen.CaptainAssistantSenderTypeCaptainAssistant)
)

// Sender is who sent a message: the contact, a user (an agent), an agent
// bot or a Captain assistant. Kind, ID and Name are read from the JSON for
// every kind, including kinds this version does not know; Contact, User,
// AgentBot and CaptainAssistant give the full detail of their kind.
type Sender struct {
	// Kind is sender.type: SenderContact, SenderUser, SenderAgentBot,
	// SenderCaptainAssistant, or whatever a newer server sends.
	Kind SenderKind
	// ID is the sender's id among its kind (a contact id, a user id, …).
	ID int64
	// Name is the name Chatwoot shows: a user's available_name, or else the
	// name. A contact's is often "" (Chatwoot's default).
	Name string

	raw jsonvalue.Value
}

// SenderOf returns who sent m, read from its sender, and false for a
// message without a sender (activity and other system messages).
func SenderOf(m *Message) (Sender, bool) {
	if m == nil || absent(m.Sender) {
		return Sender{}, false
	}
	kind, id, name := peek(m.Sender)
	return Sender{Kind: SenderKind(kind), ID: id, Name: name, raw: m.Sender}, true
}

// Contact returns the sender as the contact, if it is.
func (s Sender) Contact() (ContactSender, bool) {
	return decodeKind[ContactSender](s.raw, s.Kind == SenderContact)
}

// User returns the sender as a user (an agent), if it is one.
func (s Sender) User() (UserSender, bool) { return decodeKind[UserSender](s.raw, s.Kind == SenderUser) }

// AgentBot returns the sender as an agent bot, if it is one.
func (s Sender) AgentBot() (AgentBotSender, bool) {
	return decodeKind[AgentBotSender](s.raw, s.Kind == SenderAgentBot)
}

// CaptainAssistant returns the sender as a Captain assistant, if it is one.
func (s Sender) CaptainAssistant() (CaptainAssistantSender, bool) {
	return decodeKind[CaptainAssistantSender](s.raw, s.Kind == SenderCaptainAssistant)
}

// RawJSON returns the message's sender as the server sent it (a copy).
func (s Sender) RawJSON() json.RawMessage { return json.RawMessage(append([]byte(nil), s.raw...)) }

// String returns the sender's name.
func (s Sender) String() string { return s.Name }

// peek reads the type, the id and the shown name of an assignee or sender
// of any kind, each read on its own: what is missing or of another type
// reads as zero, and the rest is read all the same.
func peek(raw []byte) (kind string, id int64, name string) {
	var v struct {
		Type          jsonvalue.Value `json:"type"`
		ID            jsonvalue.Value `json:"id"`
		Name          jsonvalue.Value `json:"name"`
		AvailableName jsonvalue.Value `json:"available_name"`
	}
	if decode.Into(raw, &v) != nil {
		return "", 0, ""
	}
	_, _, _ = decode.Into(v.Type, &kind), decode.Into(v.ID, &id), decode.Into(v.AvailableName, &name)
	if name == "" {
		_ = decode.Into(v.Name, &name)
	}
	return kind, id, name
}

// absent reports whether v is absent or null, as a JSON field with no value.
func absent(v jsonvalue.Value) bool { return v.Kind() == 0 || v.Kind() == 'n' }

// decodeKind decodes raw into T when it is of T's kind and fits it.
func decodeKind[T any](raw []byte, isKind bool) (v T, ok bool) {
	if isKind && decode.Into(raw, &v) == nil {
		return v, true
	}
	var zero T // not what a failed decode left in v
	return zero, false
}
