// Package chatwoot is a client for Chatwoot's "contact conversations"
// endpoint, GET /api/v1/accounts/{account_id}/contacts/{contact_id}/conversations,
// that decodes what Chatwoot 4.x servers really send.
//
// The published API docs differ from the server in about 30 places: the
// conversation's updated_at is a float with microseconds, snoozed_until and a
// message's updated_at are ISO-8601 strings, a message has attachments (a
// list), not attachment, keys such as meta.assignee and applied_sla are left
// out rather than null, the assignee may be an agent bot, enums are wider,
// and errors have other bodies. The models here follow the server; see
// api/openapi.yaml, whose "docs:" comments list every difference.
//
// # Usage
//
//	client, err := chatwoot.NewClient("https://app.chatwoot.com",
//		chatwoot.WithAPIToken(os.Getenv("CHATWOOT_API_TOKEN")))
//	if err != nil { ... }
//	convs, err := client.ListContactConversations(ctx, accountID, contactID)
//
// # Times
//
// Chatwoot renders most times as whole Unix seconds and "never" as 0;
// UnixTime.Time returns the zero time.Time for 0, so a conversation without
// a reply does not look like 1970. UnixFloatTime (updated_at) converts to
// the microsecond. ISO-string times decode straight into time.Time.
//
// # Kinds
//
// An assignee is a user or an agent bot, and a message's sender one of four
// kinds; AssigneeOf and SenderOf return the right Go type for a type switch.
//
// # Errors, retries and the token
//
// Replies other than 200 are *APIError values, matched with errors.Is
// against ErrUnauthorized, ErrNotFound and ErrRateLimited; a 200 that is not
// the JSON the server sends is a *DecodeError. Connection failures, 429, 502,
// 503 and 504 are retried (see WithMaxRetries). The token is sent only to the
// base URL's host, and never appears in errors, logs or formatted values.
//
// Package chatwoottest starts a fake Chatwoot server for tests.
package chatwoot
