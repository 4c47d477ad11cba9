package chatwoot

import (
	"github.com/go-chatwoot/chatwoot-go/gen"
)

// The models are generated from api/openapi.yaml into package gen, and
// re-exported here under the same names. The values of the enums are
// gen's constants (gen.ConversationStatusOpen, gen.AssigneeTypeUser, …):
// only the types are named here, so that this file does not repeat the
// generated code line by line. Each struct's documentation lists its
// fields, so that go doc shows them here; see gen for the comments the spec
// gives them. Tests check that this file names every generated model and
// enum type, and that each field
// list (Conversation's too) names every field of the generated struct, with
// its JSON key and its type as this package spells it. A newer server may
// send an enum value that gen does not list: it still decodes, into the
// same type, and the type's Valid method reports false.
type (
	// Agent is a user assignee, as the account sees them (meta.assignee when meta.assignee_type is "User").
	//
	// Fields (JSON key, Go type):
	//   - AccountID (account_id, int64)
	//   - AutoOffline (auto_offline, bool)
	//   - AvailabilityStatus (availability_status, AgentAvailabilityStatus)
	//   - AvailableName (available_name, string)
	//   - Confirmed (confirmed, bool)
	//   - CustomAttributes (custom_attributes, *FreeForm): kept as sent (jsonvalue.Value)
	//   - CustomRoleID (custom_role_id, *int64)
	//   - Email (email, string)
	//   - ID (id, int64)
	//   - Name (name, string)
	//   - Provider (provider, *string)
	//   - Role (role, AgentRole)
	//   - Thumbnail (thumbnail, string)
	Agent = gen.Agent

	// AgentBot is an agent-bot assignee (Chatwoot 4.8+; common from 4.16.2, which assigns new conversations to an inbox's active bot).
	//
	// Fields (JSON key, Go type):
	//   - BotType (bot_type, AgentBotBotType)
	//   - Description (description, *string)
	//   - ID (id, int64)
	//   - Name (name, string)
	//   - OutgoingURL (outgoing_url, *string)
	//   - Thumbnail (thumbnail, string)
	AgentBot = gen.AgentBot

	// AgentBotSender is the sender of a message an agent bot sent.
	//
	// Fields (JSON key, Go type):
	//   - AvatarURL (avatar_url, string)
	//   - ID (id, int64)
	//   - Name (name, string)
	//   - Type (type, AgentBotSenderType)
	AgentBotSender = gen.AgentBotSender

	// AppliedSLA is the SLA applied to a conversation (enterprise builds with the sla feature). The due and completed times are 4.16+ and 4.17+.
	//
	// Fields (JSON key, Go type):
	//   - CreatedAt (created_at, UnixTime)
	//   - ID (id, int64)
	//   - SLACompletedAt (sla_completed_at, *UnixTime)
	//   - SLADescription (sla_description, *string)
	//   - SLAFirstResponseTimeThreshold (sla_first_response_time_threshold, *float64)
	//   - SLAFrtDueAt (sla_frt_due_at, *UnixTime)
	//   - SLAID (sla_id, int64)
	//   - SLAName (sla_name, string)
	//   - SLANextResponseTimeThreshold (sla_next_response_time_threshold, *float64)
	//   - SLANrtDueAt (sla_nrt_due_at, *UnixTime)
	//   - SLAOnlyDuringBusinessHours (sla_only_during_business_hours, *bool)
	//   - SLAResolutionTimeThreshold (sla_resolution_time_threshold, *float64)
	//   - SLARtDueAt (sla_rt_due_at, *UnixTime)
	//   - SLAStatus (sla_status, AppliedSLASLAStatus)
	//   - UpdatedAt (updated_at, UnixTime)
	AppliedSLA = gen.AppliedSLA

	// Attachment is a file or rich item attached to a message; which fields are set depends on FileType.
	//
	// Fields (JSON key, Go type):
	//   - AccountID (account_id, int64)
	//   - ContentType (content_type, *string): the MIME type, for file types with a file (4.13+)
	//   - CoordinatesLat (coordinates_lat, *float64)
	//   - CoordinatesLong (coordinates_long, *float64)
	//   - DataURL (data_url, *string): where to fetch the file (a redirect), or the external URL
	//   - Extension (extension, *string): file types with a file
	//   - FallbackTitle (fallback_title, *string): location, fallback and contact attachments
	//   - FileSize (file_size, *int64): bytes, for file types with a file
	//   - FileType (file_type, AttachmentFileType)
	//   - Height (height, *float64)
	//   - ID (id, int64)
	//   - MessageID (message_id, int64)
	//   - Meta (meta, *FreeForm): kept as sent (jsonvalue.Value)
	//   - ThumbURL (thumb_url, *string): a thumbnail URL; "" when there is none
	//   - TranscribedText (transcribed_text, *string): audio only; "" by default
	//   - Width (width, *float64)
	Attachment = gen.Attachment

	// Call is a voice call (enterprise, content_type voice_call, Chatwoot 4.14+). A message holds it as a Lenient, since the server reads it raw from a JSON store.
	//
	// Fields (JSON key, Go type):
	//   - AcceptedByAgentID (accepted_by_agent_id, *int64)
	//   - AcceptedByAgentName (accepted_by_agent_name, *string)
	//   - ConferenceSid (conference_sid, *string)
	//   - Direction (direction, *CallDirection)
	//   - DurationSeconds (duration_seconds, *int64)
	//   - EndReason (end_reason, *string)
	//   - EndedAt (ended_at, *UnixTime)
	//   - FromNumber (from_number, *string)
	//   - ID (id, int64)
	//   - Provider (provider, *string)
	//   - ProviderCallID (provider_call_id, *string)
	//   - RecordingURL (recording_url, *string)
	//   - StartedAt (started_at, *UnixTime)
	//   - Status (status, *CallStatus)
	//   - ToNumber (to_number, *string)
	//   - Transcript (transcript, *AnyJSON): kept as sent (jsonvalue.Value)
	Call = gen.Call

	// CaptainAssistant is a Captain AI assistant assignee (enterprise, Chatwoot 4.18+).
	//
	// Fields (JSON key, Go type):
	//   - Description (description, *string)
	//   - ID (id, int64)
	//   - Name (name, string)
	//   - Thumbnail (thumbnail, string)
	CaptainAssistant = gen.CaptainAssistant

	// CaptainAssistantSender is the sender of a message a Captain AI assistant sent. Unlike every other created_at, its CreatedAt is an ISO time.
	//
	// Fields (JSON key, Go type):
	//   - AvatarURL (avatar_url, string)
	//   - CreatedAt (created_at, time.Time)
	//   - Description (description, *string)
	//   - ID (id, int64)
	//   - Name (name, string)
	//   - Type (type, CaptainAssistantSenderType)
	CaptainAssistantSender = gen.CaptainAssistantSender

	// Contact is the contact a conversation is with (meta.sender).
	//
	// Fields (JSON key, Go type):
	//   - AdditionalAttributes (additional_attributes, FreeForm): kept as sent (jsonvalue.Value)
	//   - AvailabilityStatus (availability_status, ContactAvailabilityStatus)
	//   - Blocked (blocked, bool)
	//   - CompanyID (company_id, *int64)
	//   - CreatedAt (created_at, *UnixTime)
	//   - CustomAttributes (custom_attributes, FreeForm): kept as sent (jsonvalue.Value)
	//   - Email (email, *string)
	//   - ID (id, int64)
	//   - Identifier (identifier, *string)
	//   - LastActivityAt (last_activity_at, *UnixTime)
	//   - Name (name, string): usually "" rather than null when unknown
	//   - PhoneNumber (phone_number, *string)
	//   - Thumbnail (thumbnail, string)
	Contact = gen.Contact

	// ContactSender is the sender of a message the contact sent.
	//
	// Fields (JSON key, Go type):
	//   - AdditionalAttributes (additional_attributes, FreeForm): kept as sent (jsonvalue.Value)
	//   - Blocked (blocked, bool)
	//   - CompanyID (company_id, *int64)
	//   - CustomAttributes (custom_attributes, FreeForm): kept as sent (jsonvalue.Value)
	//   - Email (email, *string)
	//   - ID (id, int64)
	//   - Identifier (identifier, *string)
	//   - Name (name, string)
	//   - PhoneNumber (phone_number, *string)
	//   - Thumbnail (thumbnail, string)
	//   - Type (type, ContactSenderType)
	ContactSender = gen.ContactSender

	// ConversationMeta holds a conversation's contact, channel, assignee and team. Conversation.Assignee and Conversation.Team read the last two for you.
	//
	// Fields (JSON key, Go type):
	//   - Assignee (assignee, jsonvalue.Value): who the conversation is assigned to, as sent (read it with Conversation.Assignee)
	//   - AssigneeType (assignee_type, *AssigneeType): which kind of assignee meta.assignee is
	//   - Channel (channel, Channel): the inbox's channel class, such as Channel::WebWidget
	//   - HMACVerified (hmac_verified, *bool)
	//   - Sender (sender, Contact): the contact the conversation is with (meta.sender)
	//   - Team (team, *Team)
	ConversationMeta = gen.ConversationMeta

	// Message is a message as Chatwoot's push events render it. A conversation holds its latest message of any kind in Messages and its latest one that is not an activity in LastNonActivityMessage; Conversation.LatestMessage and Conversation.LastMessage choose for you, SenderOf says who sent it and MessageText what it says.
	//
	// Fields (JSON key, Go type):
	//   - AccountID (account_id, int64)
	//   - AdditionalAttributes (additional_attributes, FreeForm): kept as sent (jsonvalue.Value)
	//   - Attachments (attachments, []Attachment)
	//   - Call (call, *jsonvalue.Lenient[Call])
	//   - Content (content, *string)
	//   - ContentAttributes (content_attributes, FreeForm): kept as sent (jsonvalue.Value)
	//   - ContentType (content_type, MessageContentType)
	//   - Conversation (conversation, MessageConversation)
	//   - ConversationID (conversation_id, int64): the conversation's display id (the same as its id)
	//   - CreatedAt (created_at, UnixTime)
	//   - ExternalSourceIds (external_source_ids, FreeForm): kept as sent (jsonvalue.Value)
	//   - ID (id, int64)
	//   - InboxID (inbox_id, int64)
	//   - MessageType (message_type, MessageType): 0 incoming, 1 outgoing, 2 activity, 3 template
	//   - Private (private, bool): true for private notes
	//   - ProcessedMessageContent (processed_message_content, *string)
	//   - Sender (sender, jsonvalue.Value): who sent the message, as sent (read it with SenderOf); absent for activities
	//   - SenderID (sender_id, *int64)
	//   - SenderType (sender_type, *MessageSenderType)
	//   - Sentiment (sentiment, FreeForm): kept as sent (jsonvalue.Value)
	//   - SourceID (source_id, *string)
	//   - Status (status, *MessageStatus)
	//   - UpdatedAt (updated_at, time.Time)
	Message = gen.Message

	// MessageConversation is the summary of its conversation that a message carries.
	//
	// Fields (JSON key, Go type):
	//   - AssigneeID (assignee_id, *int64)
	//   - ContactInbox (contact_inbox, struct{ SourceID string })
	//   - LastActivityAt (last_activity_at, UnixTime)
	//   - UnreadCount (unread_count, int64)
	MessageConversation = gen.MessageConversation

	// SLAEvent is a missed SLA target (enterprise): first response, next response or resolution.
	//
	// Fields (JSON key, Go type):
	//   - CreatedAt (created_at, UnixTime)
	//   - EventType (event_type, SLAEventEventType): frt first response, nrt next response, rt resolution
	//   - ID (id, int64)
	//   - Meta (meta, FreeForm): kept as sent (jsonvalue.Value)
	//   - UpdatedAt (updated_at, UnixTime)
	SLAEvent = gen.SLAEvent

	// Team is the team a conversation is assigned to. Icon and IconColor are 4.16+.
	//
	// Fields (JSON key, Go type):
	//   - AccountID (account_id, int64)
	//   - AllowAutoAssign (allow_auto_assign, *bool)
	//   - Description (description, *string)
	//   - Icon (icon, *string)
	//   - IconColor (icon_color, *string)
	//   - ID (id, int64)
	//   - IsMember (is_member, bool): whether the caller is a member of the team
	//   - Name (name, string)
	Team = gen.Team

	// UserSender is the sender of a message an agent (a user) sent.
	//
	// Fields (JSON key, Go type):
	//   - AvailabilityStatus (availability_status, *UserSenderAvailabilityStatus)
	//   - AvailableName (available_name, string)
	//   - AvatarURL (avatar_url, string)
	//   - ID (id, int64)
	//   - Name (name, string)
	//   - Thumbnail (thumbnail, string)
	//   - Type (type, UserSenderType)
	UserSender = gen.UserSender

	// AgentAvailabilityStatus is an agent's presence: online, busy or offline.
	AgentAvailabilityStatus = gen.AgentAvailabilityStatus
	// AgentBotBotType is an agent bot's kind: webhook.
	AgentBotBotType = gen.AgentBotBotType
	// AgentBotSenderType is the type key of an AgentBotSender: agent_bot.
	AgentBotSenderType = gen.AgentBotSenderType
	// AgentRole is an agent's role in the account: agent or administrator.
	AgentRole = gen.AgentRole
	// AppliedSLASLAStatus is an applied SLA's state: active, hit, missed or active_with_misses.
	AppliedSLASLAStatus = gen.AppliedSLASLAStatus
	// AssigneeType says which kind of assignee a conversation has: User, AgentBot or Captain::Assistant (4.18+; CaptainAssistant in an earlier design, which Conversation.Assignee reads as the same kind).
	AssigneeType = gen.AssigneeType
	// AttachmentFileType is an attachment's kind: image, audio, video, file, location and so on.
	AttachmentFileType = gen.AttachmentFileType
	// CallDirection is a voice call's direction: incoming or outgoing.
	CallDirection = gen.CallDirection
	// CallStatus is a voice call's state: ringing, in-progress, completed, no-answer, failed or rejected (4.16+).
	CallStatus = gen.CallStatus
	// CaptainAssistantSenderType is the type key of a CaptainAssistantSender: captain_assistant.
	CaptainAssistantSenderType = gen.CaptainAssistantSenderType
	// Channel is the inbox's channel class, such as Channel::WebWidget.
	Channel = gen.Channel
	// ContactAvailabilityStatus is a contact's presence: online or offline.
	ContactAvailabilityStatus = gen.ContactAvailabilityStatus
	// ContactSenderType is the type key of a ContactSender: contact.
	ContactSenderType = gen.ContactSenderType
	// ConversationPriority is low, medium, high or urgent; Conversation.GetPriority returns "" for none.
	ConversationPriority = gen.ConversationPriority
	// ConversationStatus is open, resolved, pending or snoozed.
	ConversationStatus = gen.ConversationStatus
	// MessageContentType is what a message holds: text, input_select, incoming_email, voice_call and so on.
	MessageContentType = gen.MessageContentType
	// MessageSenderType is the class of a message's sender: Contact, User, AgentBot or Captain::Assistant.
	MessageSenderType = gen.MessageSenderType
	// MessageStatus is a message's delivery state: sent, delivered, read or failed (nil for legacy rows).
	MessageStatus = gen.MessageStatus
	// SLAEventEventType is which SLA target was missed: frt (first response), nrt (next response) or rt (resolution).
	SLAEventEventType = gen.SLAEventEventType
	// UserSenderAvailabilityStatus is an agent sender's presence: online, busy or offline (nil once they left the account).
	UserSenderAvailabilityStatus = gen.UserSenderAvailabilityStatus
	// UserSenderType is the type key of a UserSender: user.
	UserSenderType = gen.UserSenderType
	// MessageType is incoming, outgoing, activity or template; it prints its
	// name (see package messagetype).
	MessageType = gen.MessageType
	// FreeForm is a JSON value from a jsonb column (custom_attributes,
	// content_attributes, …), kept exactly as sent: see jsonvalue.Value.
	FreeForm = gen.FreeForm
	// AnyJSON is any JSON value, kept exactly as sent (a call's transcript).
	AnyJSON = gen.AnyJSON
	// UnixTime is whole seconds since the epoch; 0 means "never": see
	// timestamp.Unix.
	UnixTime = gen.UnixTime
	// UnixFloatTime is seconds since the epoch with microseconds: see
	// timestamp.UnixFloat.
	UnixFloatTime = gen.UnixFloatTime
)
