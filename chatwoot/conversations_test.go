package chatwoot_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/messagetype"
	"github.com/go-chatwoot/chatwoot-go/gen"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/api"
	"github.com/go-chatwoot/chatwoot-go/chatwoot"
)

// list serves a fixture and returns what the client makes of it.
func list(t *testing.T, name string) []chatwoot.Conversation {
	t.Helper()
	srv, _ := serveBody(t, http.StatusOK, "application/json; charset=utf-8", fixture(t, name))
	convs, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
	require.NoError(t, err)
	return convs
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestListContactConversations_SendsTheDocumentedRequest(t *testing.T) {
	srv, seen := serveBody(t, http.StatusOK, "application/json", []byte(`{"payload":[]}`))
	_, err := newClient(t, srv.URL+"/support/", chatwoot.WithUserAgent("crm-sync/2.1")).
		ListContactConversations(context.Background(), 3, 4821)
	require.NoError(t, err)

	assert.Equal(t, http.MethodGet, seen.Method)
	assert.Equal(t, "/support/api/v1/accounts/3/contacts/4821/conversations", seen.URL.Path)
	assert.Empty(t, seen.URL.RawQuery, "the endpoint reads no query parameters")
	assert.Equal(t, testToken, seen.Header.Get("Api-Access-Token"))
	assert.Empty(t, seen.Header.Get("api_access_token"))
	assert.Equal(t, "crm-sync/2.1 chatwoot-go/"+chatwoot.Version, seen.Header.Get("User-Agent"))
	assert.Equal(t, "application/json", seen.Header.Get("Accept"))
}

func TestListContactConversations_DefaultUserAgentNamesLibraryAndVersion(t *testing.T) {
	srv, seen := serveBody(t, http.StatusOK, "application/json", []byte(`{"payload":[]}`))
	_, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 1, 1)
	require.NoError(t, err)
	assert.Equal(t, "chatwoot-go/"+chatwoot.Version, seen.Header.Get("User-Agent"))
}

func TestListContactConversations_SharedExample(t *testing.T) {
	convs := list(t, "example_response.json")
	require.Len(t, convs, 2)

	open := convs[0]
	assert.Equal(t, int64(1542), open.ID)
	assert.Equal(t, gen.ConversationStatusOpen, open.Status)
	require.NotNil(t, open.Priority)
	assert.Equal(t, gen.ConversationPriorityHigh, *open.Priority)
	assert.Equal(t, []string{"billing", "vip"}, open.Labels)
	assert.Equal(t, "5b0c9d4e-2f7a-4c1e-9a53-0d6f1e8b7c21", open.UUID)
	assert.Equal(t, utc("2026-06-17T10:22:05.498213Z"), open.UpdatedAt.Time(), "the float updated_at, to the microsecond")
	assert.Equal(t, time.Unix(1781683331, 0).UTC(), open.CreatedAt.Time())
	assert.Equal(t, open.LastActivityAt, open.Timestamp)
	assert.True(t, open.WaitingSince.IsSet())
	assert.Equal(t, int64(2), open.UnreadCount)
	assert.Nil(t, open.SnoozedUntil)
	assert.Equal(t, "A-10023", text(t, member(t, open.CustomAttributes, "order_id")))
	assert.Equal(t, "de", text(t, member(t, open.AdditionalAttributes, "browser_language")))

	assert.Equal(t, chatwoot.Channel("Channel::WebWidget"), open.Meta.Channel)
	assert.Equal(t, "Jane Doe", open.Meta.Sender.Name)
	require.NotNil(t, open.Meta.Sender.Email)
	assert.Equal(t, "jane.doe@example.com", *open.Meta.Sender.Email)
	require.NotNil(t, open.Meta.HMACVerified)
	assert.False(t, *open.Meta.HMACVerified)
	require.NotNil(t, open.Meta.Team)
	assert.Equal(t, "billing", open.Meta.Team.Name)
	assignee, ok := open.Assignee()
	require.True(t, ok)
	assert.Equal(t, chatwoot.Assignee{Kind: gen.AssigneeTypeUser, ID: 12, Name: "Sam"}, withoutRaw(assignee))
	agent, ok := assignee.Agent()
	require.True(t, ok)
	_, isBot := assignee.AgentBot()
	assert.False(t, isBot)
	assert.Equal(t, "Samantha Reyes", agent.Name)
	assert.Equal(t, "agent", string(agent.Role))
	assert.Nil(t, agent.CustomRoleID, "custom_role_id is null")

	require.Len(t, open.Messages, 1)
	msg := open.Messages[0]
	assert.Equal(t, messagetype.Incoming, msg.MessageType)
	assert.Equal(t, utc("2026-06-17T10:22:05.702Z"), msg.UpdatedAt.UTC(), "message updated_at is an ISO string")
	require.Len(t, msg.Attachments, 1)
	assert.Equal(t, "image", string(msg.Attachments[0].FileType))
	require.NotNil(t, msg.Attachments[0].Width)
	assert.InDelta(t, 1440, *msg.Attachments[0].Width, 0)
	sender, ok := chatwoot.SenderOf(&msg)
	require.True(t, ok)
	assert.Equal(t, chatwoot.SenderContact, sender.Kind)
	assert.Equal(t, "Jane Doe", sender.Name)
	contactSender, ok := sender.Contact()
	require.True(t, ok)
	assert.Equal(t, int64(4821), contactSender.ID)
	require.NotNil(t, open.LastNonActivityMessage)
	assert.Equal(t, msg.ID, open.LastNonActivityMessage.ID)

	require.NotNil(t, open.AppliedSLA)
	assert.Equal(t, "VIP", open.AppliedSLA.SLAName)
	require.NotNil(t, open.AppliedSLA.SLAFirstResponseTimeThreshold)
	assert.InDelta(t, 900.0, *open.AppliedSLA.SLAFirstResponseTimeThreshold, 0)
	assert.Nil(t, open.AppliedSLA.SLAResolutionTimeThreshold)
	require.NotNil(t, open.SLAEvents)
	assert.Empty(t, *open.SLAEvents)

	resolved := convs[1]
	assert.Equal(t, gen.ConversationStatusResolved, resolved.Status)
	assert.Nil(t, resolved.Priority)
	assert.Nil(t, resolved.Meta.Assignee)
	assert.Nil(t, resolved.Meta.AssigneeType)
	assert.Nil(t, resolved.Meta.Team)
	_, assigned := resolved.Assignee()
	assert.False(t, assigned)
	assert.Empty(t, resolved.Messages)
	assert.Nil(t, resolved.LastNonActivityMessage)
	assert.Nil(t, resolved.AppliedSLA)
	assert.Nil(t, resolved.SLAPolicyID)
	// 0 means "never", not the first second of 1970.
	assert.False(t, resolved.FirstReplyCreatedAt.IsSet())
	assert.True(t, resolved.FirstReplyCreatedAt.Time().IsZero())
	assert.True(t, resolved.AgentLastSeenAt.Time().IsZero())
	assert.True(t, resolved.WaitingSince.Time().IsZero())
}

func TestListContactConversations_SnoozedWithBotAssignees(t *testing.T) {
	convs := list(t, "snoozed_bot_assignee.json")
	require.Len(t, convs, 2)

	snoozed := convs[0]
	assert.Equal(t, gen.ConversationStatusSnoozed, snoozed.Status)
	require.NotNil(t, snoozed.SnoozedUntil)
	assert.Equal(t, utc("2026-06-18T07:00:00Z"), snoozed.SnoozedUntil.UTC())
	assert.Nil(t, snoozed.Meta.HMACVerified, "hmac_verified is null without a contact inbox")
	assert.Nil(t, snoozed.Meta.Team)
	assert.Nil(t, snoozed.AppliedSLA, "no SLA keys on a community build")
	assert.Nil(t, snoozed.SLAEvents)

	activity := snoozed.Messages[0]
	assert.Equal(t, messagetype.Activity, activity.MessageType)
	assert.Nil(t, activity.Sender)
	assert.Nil(t, activity.SenderType)
	_, hasSender := chatwoot.SenderOf(&activity)
	assert.False(t, hasSender, "an activity message has no sender")
	require.NotNil(t, snoozed.LastNonActivityMessage)
	assert.Equal(t, "Is anyone there?", *snoozed.LastNonActivityMessage.Content)

	assignee, ok := snoozed.Assignee()
	require.True(t, ok)
	assert.Equal(t, gen.AssigneeTypeAgentBot, assignee.Kind)
	bot, ok := assignee.AgentBot()
	require.True(t, ok)
	require.NotNil(t, bot.OutgoingURL)
	assert.Equal(t, "https://bots.acme.test/triage", *bot.OutgoingURL)
	_, isAgent := assignee.Agent()
	assert.False(t, isAgent)

	systemAssignee, ok := convs[1].Assignee()
	require.True(t, ok)
	system, ok := systemAssignee.AgentBot()
	require.True(t, ok)
	assert.Nil(t, system.OutgoingURL, "system bots have no outgoing_url")
	assert.Nil(t, system.Description)
	botSender, ok := chatwoot.SenderOf(&convs[1].Messages[0])
	require.True(t, ok)
	botDetail, ok := botSender.AgentBot()
	require.True(t, ok)
	assert.Equal(t, chatwoot.AgentBotSender{ID: 1, Name: "Captain", AvatarURL: "", Type: "agent_bot"}, botDetail)
}

func TestListContactConversations_EverySenderKind(t *testing.T) {
	convs := list(t, "senders.json")
	require.Len(t, convs, 4)

	note := convs[0].LastNonActivityMessage
	require.NotNil(t, note)
	assert.True(t, note.Private, "a private note counts as the last non-activity message")
	sender, ok := chatwoot.SenderOf(note)
	require.True(t, ok)
	user, ok := sender.User()
	require.True(t, ok)
	require.NotNil(t, user.AvailabilityStatus)
	assert.Equal(t, "busy", string(*user.AvailabilityStatus))
	require.NotNil(t, convs[0].Meta.Sender.CompanyID)
	assert.Equal(t, int64(77), *convs[0].Meta.Sender.CompanyID)

	sender, ok = chatwoot.SenderOf(&convs[1].Messages[0])
	require.True(t, ok)
	captain, ok := sender.CaptainAssistant()
	require.True(t, ok)
	assert.Equal(t, utc("2026-04-02T08:15:30.12Z"), captain.CreatedAt.UTC(),
		"a Captain assistant's created_at is an ISO string")
	require.NotNil(t, convs[1].Messages[0].SenderType)
	assert.Equal(t, "Captain::Assistant", string(*convs[1].Messages[0].SenderType))

	sender, ok = chatwoot.SenderOf(&convs[2].Messages[0])
	require.True(t, ok)
	contact, ok := sender.Contact()
	require.True(t, ok)
	require.NotNil(t, contact.CompanyID)
	assert.Equal(t, int64(77), *contact.CompanyID)

	sender, ok = chatwoot.SenderOf(&convs[3].Messages[0])
	require.True(t, ok)
	gone, ok := sender.User()
	require.True(t, ok)
	assert.Nil(t, gone.AvailabilityStatus, "null for a user no longer in the account")
}

func TestListContactConversations_EveryAttachmentType(t *testing.T) {
	convs := list(t, "attachments.json")
	require.Len(t, convs, 1)
	msg := convs[0].Messages[0]
	assert.Nil(t, msg.Content, "an attachment-only message has null content")

	byType := map[string]chatwoot.Attachment{}
	for _, a := range msg.Attachments {
		byType[string(a.FileType)] = a
	}
	assert.Len(t, byType, 13, "one attachment of each file type")

	video := byType["video"]
	require.NotNil(t, video.Width)
	assert.InDelta(t, 720.5, *video.Height, 0, "video sizes are floats")
	audio := byType["audio"]
	require.NotNil(t, audio.TranscribedText)
	assert.Equal(t, "Hello, I need help with my order", *audio.TranscribedText)
	assert.Nil(t, audio.Width, "null when not analysed")
	file := byType["file"]
	assert.Nil(t, file.Extension)
	require.NotNil(t, file.FileSize)
	assert.Equal(t, int64(88012), *file.FileSize)
	loc := byType["location"]
	require.NotNil(t, loc.CoordinatesLat)
	assert.InDelta(t, 52.520008, *loc.CoordinatesLat, 1e-9)
	assert.InDelta(t, 13.404954, *loc.CoordinatesLong, 1e-9)
	assert.Nil(t, byType["fallback"].DataURL)
	contactCard := byType["contact"]
	require.NotNil(t, contactCard.Meta)
	assert.Equal(t, "Max", text(t, member(t, *contactCard.Meta, "first_name")))
	require.NotNil(t, byType["embed"].DataURL)
	assert.Contains(t, *byType["embed"].DataURL, "youtube.com/embed")
}

func TestListContactConversations_EnterpriseSLA(t *testing.T) {
	convs := list(t, "sla.json")
	require.Len(t, convs, 2)
	c := convs[0]
	require.NotNil(t, c.AppliedSLA)
	assert.Equal(t, "missed", string(c.AppliedSLA.SLAStatus))
	assert.Nil(t, c.AppliedSLA.SLADescription)
	assert.Nil(t, c.AppliedSLA.SLANextResponseTimeThreshold)
	require.NotNil(t, c.AppliedSLA.SLAOnlyDuringBusinessHours)
	assert.True(t, *c.AppliedSLA.SLAOnlyDuringBusinessHours)
	require.NotNil(t, c.SLAEvents)
	var kinds []string
	for _, e := range *c.SLAEvents {
		kinds = append(kinds, string(e.EventType))
	}
	assert.Equal(t, []string{"frt", "nrt", "rt"}, kinds)
	assert.Equal(t, utc("2026-06-17T09:53:20.000001Z"), c.UpdatedAt.Time())
	assert.InDelta(t, 49.9, as[float64](t, member(t, c.CustomAttributes, "refund_amount")), 0)
	assert.True(t, as[bool](t, member(t, c.CustomAttributes, "escalated")))

	assignee, ok := c.Assignee()
	require.True(t, ok)
	a, ok := assignee.Agent()
	require.True(t, ok)
	require.NotNil(t, a.Provider)
	assert.Equal(t, "saml", *a.Provider)
	require.NotNil(t, a.CustomRoleID)
	assert.Equal(t, int64(4), *a.CustomRoleID)
	require.NotNil(t, a.CustomAttributes)
	assert.Equal(t, "early", text(t, member(t, *a.CustomAttributes, "shift")))
	require.NotNil(t, c.Meta.Team)
	assert.Nil(t, c.Meta.Team.AllowAutoAssign)

	assert.Equal(t, "active_with_misses", string(convs[1].AppliedSLA.SLAStatus))
	assert.Nil(t, convs[1].AppliedSLA.SLAOnlyDuringBusinessHours)
	assert.Equal(t, utc("2026-06-15T05:06:41.5Z"), convs[1].UpdatedAt.Time())
}

func TestListContactConversations_VoiceCallsTemplatesAndLegacyMessages(t *testing.T) {
	convs := list(t, "voice_and_templates.json")
	require.Len(t, convs, 3)

	template := convs[0].Messages[0]
	assert.Equal(t, messagetype.Template, template.MessageType)
	require.NotNil(t, template.Status)
	assert.Equal(t, "failed", string(*template.Status))
	assert.False(t, convs[0].CanReply)

	voice := convs[1].Messages[0]
	assert.Equal(t, "voice_call", string(voice.ContentType))
	require.NotNil(t, voice.Call)
	call, ok := voice.Call.Get()
	require.True(t, ok, "the call fits Call: %v", voice.Call.Err)
	require.NotNil(t, call.DurationSeconds)
	assert.Equal(t, int64(184), *call.DurationSeconds)
	require.NotNil(t, call.StartedAt)
	assert.Equal(t, time.Unix(1781695000, 0).UTC(), call.StartedAt.Time())
	require.NotNil(t, call.EndedAt, "ended_at is integer epoch seconds (docs/chatwoot-server.md, A message)")
	assert.Equal(t, time.Unix(1781695184, 0).UTC(), call.EndedAt.Time())
	assert.Nil(t, call.RecordingURL)

	legacy := convs[2]
	assert.Nil(t, legacy.Messages[0].Status, "legacy rows have a null status")
	assert.True(t, legacy.Muted)
	assert.True(t, legacy.Meta.Sender.Blocked)
}

func TestListContactConversations_EmptyPayloadIsAnEmptyList(t *testing.T) {
	for _, body := range []string{`{"payload":[]}`, `{"payload":null}`, ` {"payload": [] }` + "\n"} {
		srv, _ := serveBody(t, http.StatusOK, "application/json", []byte(body))
		convs, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
		require.NoError(t, err, body)
		assert.NotNil(t, convs, body)
		assert.Empty(t, convs, body)
	}
}

// Marshalling what the client returns gives back what the server sent, on
// every fixture: unknown keys at every level, null against absent, unknown
// enum values, numbers as spelled (900.0, integers beyond 2^53), the keys of
// 4.16 to 4.18, and the keys an older server leaves out.
func TestListContactConversations_RoundTripLosesNothing(t *testing.T) {
	names := api.FixtureNames()
	require.Contains(t, names, "future_keys.json")
	require.Contains(t, names, "legacy_v3.json")
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			sent := fixture(t, name)
			convs := list(t, name)
			again, err := json.Marshal(map[string]any{"payload": convs})
			require.NoError(t, err)
			assert.Equal(t, sameJSON(t, sent), sameJSON(t, again))

			var body struct{ Payload []json.RawMessage }
			require.NoError(t, json.Unmarshal(sent, &body))
			require.Len(t, convs, len(body.Payload))
			for k := range convs {
				assert.JSONEq(t, string(body.Payload[k]), string(convs[k].RawJSON()), "RawJSON of conversation %d", k)
			}
		})
	}
}

// The round-trip check can fail: each kind of loss is caught.
func TestSameJSON_CatchesEveryLoss(t *testing.T) {
	for _, pair := range [][2]string{
		{`{"a":1,"b":[]}`, `{"a":1}`},                              // a lost key
		{`{"a":1,"b":null}`, `{"a":1}`},                            // a null made absent
		{`{"a":900.0}`, `{"a":900}`},                               // a float made an integer
		{`{"a":1789234567890123456}`, `{"a":1789234567890123500}`}, // a big integer rounded
		{`{"t":"2026-06-17T10:22:05.700Z"}`, `{"t":"2026-06-17T10:22:05.7Z"}`},
	} {
		assert.NotEqual(t, sameJSON(t, []byte(pair[0])), sameJSON(t, []byte(pair[1])), pair[0])
	}
	assert.Equal(t, sameJSON(t, []byte(`{"a":"<b>","b":2}`)), sameJSON(t, []byte(`{"b":2,"a":"\u003cb>"}`)))
}

// The keys a newer server adds survive, at every level, with their values.
func TestListContactConversations_FutureKeysAndBigIntegersSurvive(t *testing.T) {
	convs := list(t, "future_keys.json")
	require.Len(t, convs, 1)
	c := convs[0]
	assert.Equal(t, int64(1789234567890123456), as[int64](t, member(t, c.CustomAttributes, "crm_id")), "not rounded through a float64")
	assert.Equal(t, "123456789012345678901234567890", string(member(t, c.CustomAttributes, "big")), "kept as sent")

	out, err := json.Marshal(c)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"crm_id":1789234567890123456`)
	assert.Contains(t, string(out), `"ratio":900.0`)
	assert.Contains(t, string(out), `"brand_new_key":{"nested":[1,2.5,null],"flag":true}`)
	assert.Contains(t, string(out), `"applied_sla":null`, "an explicit null stays")
	assert.Contains(t, string(out), `"reactions":[{"emoji":"👍","count":2}]`)
}

// A conversation changed in Go encodes its fields, keeping the keys this
// version does not describe; one left as decoded encodes what was sent.
func TestConversation_MarshalAfterAChange(t *testing.T) {
	c := list(t, "future_keys.json")[0]
	c.Labels = append(c.Labels, "escalated")
	out, err := json.Marshal(c)
	require.NoError(t, err)
	var got map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(out, &got))
	assert.JSONEq(t, `["billing","vip","escalated"]`, string(got["labels"]), "the change is encoded")
	assert.JSONEq(t, `{"nested":[1,2.5,null],"flag":true}`, string(got["brand_new_key"]), "an unknown key is kept")

	var again chatwoot.Conversation
	require.NoError(t, json.Unmarshal(out, &again))
	assert.Equal(t, c.Labels, again.Labels)
	assert.Equal(t, int64(9001), again.ID)
}

func TestConversation_UnmarshalJSONChecksLikeTheClient(t *testing.T) {
	var c chatwoot.Conversation
	assert.ErrorContains(t, json.Unmarshal([]byte(`{}`), &c), "without a positive id")
	err := json.Unmarshal([]byte(`{"id":3,"messages":[{"updated_at":5}]}`), &c)
	assert.ErrorContains(t, err, "at /messages/0/updated_at")
	require.NoError(t, json.Unmarshal([]byte(`{"id":3,"odd":[1]}`), &c))
	assert.JSONEq(t, `{"id":3,"odd":[1]}`, string(c.RawJSON()))
	out, err := json.Marshal(c)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":3,"odd":[1]}`, string(out))
}

// A newer server may add keys and enum values; both must still decode.
func TestListContactConversations_NewerServerStillDecodes(t *testing.T) {
	var body map[string]any
	require.NoError(t, json.Unmarshal(fixture(t, "example_response.json"), &body))
	conv := body["payload"].([]any)[0].(map[string]any)
	conv["status"] = "archived"
	conv["priority"] = "critical"
	conv["brand_new_key"] = map[string]any{"x": 1}
	meta := conv["meta"].(map[string]any)
	meta["channel"] = "Channel::Voice"
	meta["assignee_type"] = "Team"
	msg := conv["messages"].([]any)[0].(map[string]any)
	msg["message_type"] = 4
	msg["content_type"] = "hologram"
	msg["sender"].(map[string]any)["type"] = "robot"
	msg["attachments"].([]any)[0].(map[string]any)["file_type"] = "hologram"
	newer, err := json.Marshal(body)
	require.NoError(t, err)

	srv, _ := serveBody(t, http.StatusOK, "application/json", newer)
	convs, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
	require.NoError(t, err)
	c := convs[0]
	assert.Equal(t, chatwoot.ConversationStatus("archived"), c.Status)
	assert.False(t, c.Status.Valid(), "an unknown value decodes, and says it is unknown")
	assert.Equal(t, chatwoot.ConversationPriority("critical"), *c.Priority)
	assert.Equal(t, chatwoot.Channel("Channel::Voice"), c.Meta.Channel)
	assert.Equal(t, chatwoot.MessageType(4), c.Messages[0].MessageType)
	assert.Equal(t, chatwoot.AttachmentFileType("hologram"), c.Messages[0].Attachments[0].FileType)

	// Kinds this version does not know still give kind, id and name.
	assignee, ok := c.Assignee()
	require.True(t, ok)
	assert.Equal(t, chatwoot.Assignee{Kind: "Team", ID: 12, Name: "Sam"}, withoutRaw(assignee))
	_, isAgent := assignee.Agent()
	assert.False(t, isAgent)
	assert.JSONEq(t, string(must(json.Marshal(c.Meta.Assignee))), string(assignee.RawJSON()))
	sender, ok := chatwoot.SenderOf(&c.Messages[0])
	require.True(t, ok)
	assert.Equal(t, chatwoot.SenderKind("robot"), sender.Kind)
	assert.Equal(t, "Jane Doe", sender.Name)
	assert.Equal(t, int64(4821), sender.ID)
	_, isContact := sender.Contact()
	assert.False(t, isContact)
}

// Servers before 4.0.2 send no updated_at, no contact blocked and no
// sla_policy_id; 4.0.2 to 4.7 no assignee provider or assignee_type. Both
// decode, and what they leave out reads as unset.
func TestListContactConversations_OlderServers(t *testing.T) {
	legacy := list(t, "legacy_v3.json")
	require.Len(t, legacy, 2)
	assert.Equal(t, []int64{402, 388}, []int64{legacy[0].ID, legacy[1].ID}, "ordered by id before 4.0.2")
	assert.False(t, legacy[0].UpdatedAt.IsSet(), "no updated_at before 4.0.2")
	assert.Nil(t, legacy[0].SLAPolicyID)
	assert.False(t, legacy[0].Meta.Sender.Blocked)
	assignee, ok := legacy[0].Assignee()
	require.True(t, ok)
	assert.Equal(t, gen.AssigneeTypeUser, assignee.Kind, "no assignee_type: a user, as before 4.8")
	agent, ok := assignee.Agent()
	require.True(t, ok)
	assert.Equal(t, "Sam", agent.AvailableName)

	v402 := list(t, "v4_0_2.json")
	require.Len(t, v402, 2)
	assert.True(t, v402[0].UpdatedAt.IsSet())
	assert.Nil(t, v402[0].Meta.AssigneeType)
	assert.Nil(t, v402[0].Messages[0].Attachments[0].ContentType, "attachment content_type is 4.13+")
}

// 4.16 to 4.18: team icons, SLA deadlines, an explicit null applied_sla for
// a blocked contact, a rejected call with integer ended_at, and a Captain
// assistant as assignee.
func TestListContactConversations_Chatwoot418(t *testing.T) {
	convs := list(t, "v4_18.json")
	require.Len(t, convs, 3)
	c := convs[0]
	require.NotNil(t, c.Meta.Team)
	require.NotNil(t, c.Meta.Team.Icon)
	assert.Equal(t, "i-lucide-credit-card", *c.Meta.Team.Icon)
	require.NotNil(t, c.AppliedSLA)
	require.NotNil(t, c.AppliedSLA.SLAFrtDueAt)
	assert.Equal(t, time.Unix(1786602800, 0).UTC(), c.AppliedSLA.SLAFrtDueAt.Time())
	assert.Nil(t, c.AppliedSLA.SLARtDueAt)
	assert.Nil(t, c.AppliedSLA.SLACompletedAt)

	assignee, ok := c.Assignee()
	require.True(t, ok)
	assert.Equal(t, chatwoot.Assignee{Kind: gen.AssigneeTypeCaptainAssistant, ID: 3, Name: "Acme Helper"}, withoutRaw(assignee))
	captain, ok := assignee.CaptainAssistant()
	require.True(t, ok)
	require.NotNil(t, captain.Description)

	call, fits := c.Messages[0].Call.Get()
	require.True(t, fits)
	require.NotNil(t, call.Status)
	assert.Equal(t, "rejected", string(*call.Status))
	assert.Equal(t, time.Unix(1786602109, 0).UTC(), call.EndedAt.Time())

	blocked := convs[1]
	assert.True(t, blocked.Meta.Sender.Blocked)
	assert.Nil(t, blocked.AppliedSLA)
	out, err := json.Marshal(blocked)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"applied_sla":null`, "the explicit null is kept")

	twilio, ok := convs[2].Messages[0].Call.Get()
	require.True(t, ok)
	assert.Nil(t, twilio.EndedAt, "rejected Twilio calls have no ended_at")
}
