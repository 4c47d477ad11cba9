package chatwoot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/go-chatwoot/chatwoot-go/gen"
	"github.com/go-chatwoot/chatwoot-go/internal/decode"
)

// ConversationFields are the fields of a Conversation, generated from
// api/openapi.yaml. It is embedded in Conversation, so its fields read as
// the conversation's own: conv.ID, conv.Status, conv.Meta.Sender.Name.
type ConversationFields = gen.Conversation

// Conversation is one conversation of a contact, as the server sent it.
//
// Its fields are those of ConversationFields, generated from api/openapi.yaml
// and embedded, so they read as the conversation's own (JSON key, Go type):
//   - AccountID (account_id, int64)
//   - AdditionalAttributes (additional_attributes, FreeForm): kept as sent (jsonvalue.Value)
//   - AgentLastSeenAt (agent_last_seen_at, UnixTime)
//   - AppliedSLA (applied_sla, *AppliedSLA): enterprise with the sla feature; nil when none
//   - AssigneeLastSeenAt (assignee_last_seen_at, UnixTime)
//   - CanReply (can_reply, bool)
//   - ContactLastSeenAt (contact_last_seen_at, UnixTime)
//   - CreatedAt (created_at, UnixTime)
//   - CustomAttributes (custom_attributes, FreeForm): kept as sent (jsonvalue.Value)
//   - FirstReplyCreatedAt (first_reply_created_at, UnixTime): 0 (never) before the first reply
//   - ID (id, int64): the per-account display id, as in Chatwoot's address bar
//   - InboxID (inbox_id, int64)
//   - Labels (labels, []string)
//   - LastActivityAt (last_activity_at, UnixTime)
//   - LastNonActivityMessage (last_non_activity_message, *Message): the newest message that is not an activity, or nil (see LastMessage)
//   - Messages (messages, []Message): at most one: the newest message of any kind (see LatestMessage)
//   - Meta (meta, ConversationMeta): the contact, channel, assignee (see Assignee) and team (see Team)
//   - Muted (muted, bool): true when the contact is blocked
//   - Priority (priority, *ConversationPriority): nil for none (see GetPriority)
//   - SLAEvents (sla_events, *[]SLAEvent): enterprise with the sla feature
//   - SLAPolicyID (sla_policy_id, *int64): nil without an SLA policy
//   - SnoozedUntil (snoozed_until, *time.Time): nil unless snoozed
//   - Status (status, ConversationStatus)
//   - Timestamp (timestamp, UnixTime): the same as LastActivityAt
//   - UnreadCount (unread_count, int64): incoming messages not yet seen, at most 10
//   - UpdatedAt (updated_at, UnixFloatTime): with microseconds; 0 before 4.0.2
//   - UUID (uuid, string)
//   - WaitingSince (waiting_since, UnixTime): 0 when nobody is waiting
//
// Besides its fields, a Conversation keeps the JSON it was decoded from, so
// that nothing the server sent is lost: keys this version does not know (a
// newer server's), the difference between a null and an absent key, enum
// values this version does not list, and numbers of any size. RawJSON
// returns it, and json.Marshal gives it back as long as the fields are as
// they were decoded. (A value inside it, such as a Message, marshalled on
// its own encodes its fields: only the conversation keeps its JSON.)
type Conversation struct {
	ConversationFields
	raw []byte // the server's JSON; a part of the reply's body
}

// RawJSON returns the JSON the server sent for this conversation (a copy),
// or nil for a Conversation built in Go.
func (c *Conversation) RawJSON() json.RawMessage {
	if c == nil {
		return nil
	}
	return bytes.Clone(c.raw)
}

// UnmarshalJSON decodes a conversation as the client does (the same
// rules and bounds, the same error paths), keeping a copy of b as RawJSON.
func (c *Conversation) UnmarshalJSON(b []byte) error {
	if c == nil {
		return errors.New("chatwoot: UnmarshalJSON on a nil *Conversation")
	}
	b = bytes.Clone(bytes.TrimSpace(b))
	*c = Conversation{}
	if derr := decode.Into(b, &c.ConversationFields); derr != nil {
		*c = Conversation{}
		var where string
		if derr.Field != "" {
			where = " at " + derr.Field
		}
		return fmt.Errorf("chatwoot: cannot decode a conversation%s (byte %d): %w", where, derr.Offset, derr.Err)
	}
	if err := c.keep(b); err != nil {
		return fmt.Errorf("chatwoot: cannot decode a conversation: %w", err)
	}
	return nil
}

// keep makes raw, the JSON c was decoded from, its RawJSON, if c is a
// conversation at all.
func (c *Conversation) keep(raw []byte) error {
	if c.ID < 1 {
		*c = Conversation{}
		return errNoID
	}
	c.raw = raw
	return nil
}

var errNoID = errors.New("a conversation without a positive id: the value is not a conversation")

// MarshalJSON returns the JSON the server sent, if the fields are still as
// they were decoded from it. If they were changed, it encodes the fields,
// then the members of the server's JSON that they do not describe (json/v2
// sorts them out: a key binds only to a field of its exact spelling).
func (c Conversation) MarshalJSON() ([]byte, error) {
	if c.raw == nil {
		return json.Marshal(c.ConversationFields)
	}
	var sent struct {
		ConversationFields
		Unknown jsontext.Value `json:",embed"` // the members no field describes
	}
	if err := jsonv2.Unmarshal(c.raw, &sent, jsontext.AllowInvalidUTF8(true)); err != nil {
		return nil, fmt.Errorf("chatwoot: the conversation's JSON no longer decodes: %w", err)
	}
	if reflect.DeepEqual(sent.ConversationFields, c.ConversationFields) {
		return bytes.Clone(c.raw), nil // the common case: nothing to encode
	}
	fields, err := json.Marshal(c.ConversationFields)
	if err != nil || len(sent.Unknown) < len("{}x") {
		return fields, err
	}
	return append(append(fields[:len(fields)-1], ','), sent.Unknown[1:]...), nil
}

// MaxConversations is the most conversations Chatwoot returns for a contact
// (it has no paging): a reply of this many may leave older ones out.
const MaxConversations = 20

// MayHaveMore reports whether a contact may have more conversations than
// convs, a reply of ListContactConversations: Chatwoot sends at most
// MaxConversations, newest activity first, and says nothing of the rest.
func MayHaveMore(convs []Conversation) bool { return len(convs) >= MaxConversations }

// GetPriority returns the conversation's priority, or "" when it has none
// (Chatwoot sends null).
func (c *Conversation) GetPriority() ConversationPriority {
	if c == nil || c.Priority == nil {
		return ""
	}
	return *c.Priority
}

// Team returns the team the conversation is assigned to, and false when
// it has none (Chatwoot then sends no team).
func (c *Conversation) Team() (Team, bool) {
	if c == nil || c.Meta.Team == nil {
		return Team{}, false
	}
	return *c.Meta.Team, true
}
