package chatwoot

import "github.com/go-chatwoot/chatwoot-go/gen"

// The types below are the models generated from api/openapi.yaml, re-exported
// so that users never need to import gen. Their fields and documentation are
// generated; see the spec for what the server sends in each.

type (
	// ConversationMeta holds the contact, channel, assignee and team of a conversation.
	ConversationMeta = gen.ConversationMeta
	// ConversationStatus is open, resolved, pending or snoozed.
	ConversationStatus = gen.ConversationStatus
	// ConversationPriority is low, medium, high or urgent; a nil *ConversationPriority is none.
	ConversationPriority = gen.ConversationPriority
	// Channel is the inbox's channel class, such as "Channel::WebWidget".
	Channel = gen.Channel
	// Contact is the contact a conversation is with (meta.sender).
	Contact = gen.Contact
	// Assignee is a user (Agent) or an agent bot (AgentBot); see AssigneeOf.
	Assignee = gen.Assignee
	// AssigneeType says which kind meta.assignee is: "User" or "AgentBot".
	AssigneeType = gen.AssigneeType
	// Agent is a user assignee.
	Agent = gen.Agent
	// AgentBot is an agent-bot assignee (Chatwoot 4.8+).
	AgentBot = gen.AgentBot
	// CaptainAssistant is a Captain AI assistant assignee (enterprise, Chatwoot 4.18+).
	CaptainAssistant = gen.CaptainAssistant
	// Team is the team a conversation is assigned to.
	Team = gen.Team
	// Message is a message as Chatwoot's push events render it.
	Message = gen.Message
	// MessageType is incoming, outgoing, activity or template.
	MessageType = gen.MessageType
	// MessageStatus is sent, delivered, read or failed; nil for legacy rows.
	MessageStatus = gen.MessageStatus
	// MessageContentType is text, input_select, incoming_email, voice_call and so on.
	MessageContentType = gen.MessageContentType
	// MessageSenderType is the sender's class name: Contact, User, AgentBot or Captain::Assistant.
	MessageSenderType = gen.MessageSenderType
	// MessageConversation is the conversation summary embedded in a message.
	MessageConversation = gen.MessageConversation
	// MessageSender is one of ContactSender, UserSender, AgentBotSender and
	// CaptainAssistantSender; see SenderOf.
	MessageSender = gen.MessageSender
	// ContactSender is a message sent by the contact.
	ContactSender = gen.ContactSender
	// UserSender is a message sent by an agent (a user).
	UserSender = gen.UserSender
	// AgentBotSender is a message sent by an agent bot.
	AgentBotSender = gen.AgentBotSender
	// CaptainAssistantSender is a message sent by a Captain AI assistant (enterprise).
	CaptainAssistantSender = gen.CaptainAssistantSender
	// Attachment is a file or rich item attached to a message.
	Attachment = gen.Attachment
	// AttachmentFileType is image, audio, video, file, location and so on.
	AttachmentFileType = gen.AttachmentFileType
	// Call is a voice call (enterprise, Chatwoot 4.14+).
	Call = gen.Call
	// AppliedSLA is the SLA applied to a conversation (enterprise).
	AppliedSLA = gen.AppliedSLA
	// SLAEvent is a missed SLA target (enterprise).
	SLAEvent = gen.SLAEvent
	// FreeForm is a JSON value from a jsonb column (custom_attributes,
	// content_attributes, …), kept exactly as sent: see jsonvalue.Value.
	FreeForm = gen.FreeForm
	// UnixTime is whole seconds since the epoch; 0 means "never" and Time()
	// returns the zero time.Time for it.
	UnixTime = gen.UnixTime
	// UnixFloatTime is seconds since the epoch with microseconds; Time()
	// converts it.
	UnixFloatTime = gen.UnixFloatTime
)

// Values of the enums. A newer server may send a value not listed here: it
// still decodes, into the same string or integer type.
const (
	ConversationStatusOpen     = gen.ConversationStatusOpen
	ConversationStatusResolved = gen.ConversationStatusResolved
	ConversationStatusPending  = gen.ConversationStatusPending
	ConversationStatusSnoozed  = gen.ConversationStatusSnoozed

	ConversationPriorityLow    = gen.ConversationPriorityLow
	ConversationPriorityMedium = gen.ConversationPriorityMedium
	ConversationPriorityHigh   = gen.ConversationPriorityHigh
	ConversationPriorityUrgent = gen.ConversationPriorityUrgent

	AssigneeTypeUser             = gen.AssigneeTypeUser
	AssigneeTypeAgentBot         = gen.AssigneeTypeAgentBot
	AssigneeTypeCaptainAssistant = gen.AssigneeTypeCaptainAssistant

	MessageTypeIncoming = gen.MessageTypeIncoming
	MessageTypeOutgoing = gen.MessageTypeOutgoing
	MessageTypeActivity = gen.MessageTypeActivity
	MessageTypeTemplate = gen.MessageTypeTemplate
)
