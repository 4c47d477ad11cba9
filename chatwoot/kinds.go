package chatwoot

import "fmt"

// AssigneeOf returns who conv is assigned to, told apart by
// meta.assignee_type: an Agent (a user), an AgentBot, or nil when the
// conversation is unassigned. A kind this version does not know (a newer
// server) is an error, as is an assignee whose JSON does not fit its kind.
//
//	switch a := assignee.(type) {
//	case chatwoot.Agent:    fmt.Println("agent", a.AvailableName)
//	case chatwoot.AgentBot: fmt.Println("bot", a.Name)
//	}
func AssigneeOf(conv *Conversation) (any, error) {
	meta := conv.Meta
	if meta.Assignee == nil {
		return nil, nil
	}
	kind := AssigneeTypeUser // servers before 4.8 send no assignee_type: always a user
	if meta.AssigneeType != nil {
		kind = *meta.AssigneeType
	}
	switch kind {
	case AssigneeTypeUser:
		return meta.Assignee.AsAgent()
	case AssigneeTypeAgentBot:
		return meta.Assignee.AsAgentBot()
	case AssigneeTypeCaptainAssistant:
		return meta.Assignee.AsCaptainAssistant()
	default:
		return nil, fmt.Errorf("chatwoot: conversation %d has an assignee of unknown type %q (a newer server?): its JSON is in Meta.Assignee", conv.ID, kind)
	}
}

// SenderOf returns who sent msg, told apart by sender.type: a ContactSender,
// UserSender, AgentBotSender or CaptainAssistantSender, or nil for activity
// and system messages, which have no sender. A sender type this version does
// not know is an error; its JSON is still in msg.Sender.
func SenderOf(msg *Message) (any, error) {
	if msg.Sender == nil {
		return nil, nil
	}
	v, err := msg.Sender.ValueByDiscriminator()
	if err != nil {
		return nil, fmt.Errorf("chatwoot: message %d: %w", msg.ID, err)
	}
	return v, nil
}
