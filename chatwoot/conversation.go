package chatwoot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/jsonvalue"
	"github.com/go-chatwoot/chatwoot-go/gen"
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
// bounds, the same checks, the same error paths), keeping a copy of b as
// RawJSON.
func (c *Conversation) UnmarshalJSON(b []byte) error {
	if c == nil {
		return errors.New("chatwoot: UnmarshalJSON on a nil *Conversation")
	}
	b = bytes.Clone(bytes.TrimSpace(b))
	*c = Conversation{}
	w := &walker{b: b, left: maxListItems}
	if _, err := w.value(conversationField(), 0); isRefusal(err) {
		var dup *duplicateKeyError
		if errors.As(err, &dup) && dup.path != "" {
			return fmt.Errorf("chatwoot: cannot decode a conversation at %s: %w", dup.path[1:], err)
		}
		return fmt.Errorf("chatwoot: cannot decode a conversation: %w", err)
	}
	if path, off, err := c.decode(b); err != nil {
		var where string
		if path != "" {
			where = " at " + path[1:]
		}
		return fmt.Errorf("chatwoot: cannot decode a conversation%s (byte %d): %w", where, off, err)
	}
	return nil
}

// conversationField is how the walk sees a conversation: see walk.go.
var conversationField = sync.OnceValue(func() field {
	return field{elem: shapeOf(reflect.TypeFor[ConversationFields]())}
})

// decode fills c from item, the JSON of one conversation (walked), which
// c keeps. On failure it returns the path inside item of the value at fault
// (such as ".messages[0].updated_at") and its offset.
func (c *Conversation) decode(item []byte) (path string, offset int, err error) {
	if len(item) == 0 || item[0] != '{' {
		return "", 0, fmt.Errorf("a JSON %s where a conversation (an object) belongs", jsonvalue.Value(item).Kind())
	}
	if err := json.Unmarshal(item, &c.ConversationFields); err != nil {
		*c = Conversation{}
		return explainDecode(item, err)
	}
	if c.ID < 1 {
		*c = Conversation{}
		return "", 0, errNoID
	}
	c.raw = item
	return "", 0, nil
}

var errNoID = errors.New("a conversation without a positive id: the object is not a conversation")

// explainDecode says, in its own words (encoding/json's and time's quote
// the value), why item did not decode, with the path and offset of the
// value at fault, found by locate.
func explainDecode(item []byte, err error) (string, int, error) {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return "", int(syntax.Offset), fmt.Errorf("not valid JSON: it breaks off near byte %d of the conversation", syntax.Offset)
	}
	path, at, t := locate(reflect.TypeFor[ConversationFields](), item)
	kind := jsonvalue.Value(item[at:]).Kind()
	var mismatch *json.UnmarshalTypeError
	if errors.As(err, &mismatch) {
		return path, at, fmt.Errorf("a JSON %s where this client expects %s (a server newer or older than this library supports?)", kind, t)
	}
	return path, at, fmt.Errorf("a JSON %s that is not a valid %s", kind, t)
}

// MarshalJSON returns the JSON the server sent, if the fields are still as
// they were decoded from it. If they were changed, it encodes the fields,
// and keeps the keys of the server's JSON that they do not describe.
func (c Conversation) MarshalJSON() ([]byte, error) {
	if c.raw == nil {
		return json.Marshal(c.ConversationFields)
	}
	var fresh ConversationFields
	if json.Unmarshal(c.raw, &fresh) == nil && reflect.DeepEqual(fresh, c.ConversationFields) {
		return bytes.Clone(c.raw), nil
	}
	out, err := json.Marshal(c.ConversationFields)
	if err != nil {
		return nil, err
	}
	var mine, theirs map[string]json.RawMessage
	if err := json.Unmarshal(out, &mine); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(c.raw, &theirs); err != nil {
		return out, nil //nolint:nilerr // a raw that is not an object has no keys to keep
	}
	for k, v := range theirs {
		if _, known := conversationField().elem.lookup([]byte(k)); !known {
			mine[k] = v
		}
	}
	return json.Marshal(mine)
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
