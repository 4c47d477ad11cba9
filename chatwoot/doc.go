// Package chatwoot is a client for Chatwoot's "contact conversations"
// endpoint, GET /api/v1/accounts/{account_id}/contacts/{contact_id}/conversations,
// that decodes what real Chatwoot servers send (3.x to 4.18).
//
// The published API docs differ from the server in about 30 places: the
// conversation's updated_at is a float with microseconds, snoozed_until and a
// message's updated_at are ISO-8601 strings, a message has attachments (a
// list), not attachment, keys such as meta.assignee and applied_sla are left
// out rather than null, the assignee may be an agent bot or a Captain
// assistant, enums are wider, and errors have other bodies. The models here
// follow the server; see api/openapi.yaml, whose "docs:" comments list every
// difference.
//
// # Usage
//
//	client, err := chatwoot.NewClient("https://app.chatwoot.com",
//		chatwoot.WithAPIToken(os.Getenv("CHATWOOT_API_TOKEN")))
//	if err != nil { ... }
//	convs, err := client.ListContactConversations(ctx, accountID, contactID)
//
// # Models
//
// Conversation and the types it holds are generated from the spec into
// package gen and re-exported here; each one's documentation lists its
// fields. Helpers save the nil checks and type switches: Conversation's
// Assignee, Team, LastMessage, LatestMessage and GetPriority, SenderOf,
// MessageText and MessagePreview, MayHaveMore. An Assignee or a Sender gives
// kind, id and name for every kind, including kinds a newer server adds.
//
// # Nothing lost
//
// A Conversation keeps the JSON it was decoded from: json.Marshal gives it
// back, with keys this version does not know, nulls, enum values it does not
// list and numbers of any size, and RawJSON returns it. Values the server
// reads raw from jsonb columns (custom_attributes, content_attributes, a
// message's sentiment, a voice call) may hold any JSON type on some server:
// they are jsonvalue.Value (kept as sent) or jsonvalue.Lenient (decoded when
// they fit, kept as sent either way), so drift there never makes a reply
// unreadable. Core keys (ids, status, times) are checked: a value of the
// wrong type there is a *DecodeError that names it, such as
// /payload/3/updated_at.
//
// # Times
//
// Chatwoot renders most times as whole Unix seconds and "never" as 0;
// UnixTime.Get returns false for 0 and Format returns "", so a conversation
// without a reply does not look like 1970. UnixFloatTime (updated_at)
// converts to the microsecond. ISO-string times decode into time.Time.
//
// # Errors, retries and time
//
// Replies other than 200 are *APIError values, matched with errors.Is
// against ErrUnauthorized, ErrForbidden, ErrNotFound, ErrServerTimeout and
// ErrRateLimited; a 200 that is not the JSON the server sends is a
// *DecodeError. Connection failures, timed-out attempts, bodies cut or
// stalled after the headers, 422, 429, 502, 503 and 504 are retried (see
// WithMaxRetries); Retryable tells a program's own loop the same, and a
// network failure stays reachable with errors.As (*net.OpError, net.Error).
// WithRateLimiter paces every attempt. Each attempt has its own deadline
// (WithTimeout, 30 s), counted from when it is sent, which bounds every
// read of the body too (a reply that switches protocols is refused
// unread); all waits between attempts add up to at most WithMaxRetryWait
// (30 s); a wait that would end after the context's deadline is not
// started. With context.Background and the defaults a call lasts at most 2
// minutes.
//
// # JSON: json/v2's rules, one for names at every level
//
// Replies are decoded with json/v2 (github.com/go-json-experiment/json on Go
// 1.26; the same API is encoding/json/v2 in Go 1.27), by its rules, the
// same for the reply, the conversations, a 200's error value, the values
// kept as sent, Assignee and SenderOf, jsonvalue.Value and jsonvalue.Lenient:
//
//   - a name sent twice in one object is refused, at any depth, inside a
//     value kept as sent too: which of the two would be meant? The reply is
//     a *DecodeError whose Field names the second (/payload/0/id); a value
//     read on its own (a Lenient, or a Value given to json/v2's Unmarshal)
//     does not fit.
//   - a name binds only to a field of exactly its spelling: "ID",
//     "Messages" or "ſtatus" bind to nothing, are kept in RawJSON and
//     json.Marshal's output, and chatwoot-conversations -check reports
//     them. No value is ever replaced silently.
//
// # Memory
//
// A body is read as it arrives, in pooled 16 KiB pieces, up to
// WithMaxResponseBytes (16 MiB), then copied once into a buffer of its size,
// which the conversations keep as their RawJSON: nothing is reserved ahead of
// the bytes received, whatever Content-Length announces. A reply may hold at
// most 1000 conversations and 10000 list items, counted as they are decoded,
// and the Go values they fill may take at most 32 KiB more than the body, so
// a list of tiny items ([{},{},…]) costs what its bytes do. A value the client
// skips (a key no field has) costs nothing; one it keeps as sent (a
// jsonvalue.Value: custom_attributes, a sender, …) is a part of the body,
// not a copy. Nesting is limited by json/v2. What a call holds is at most
// about three times the body.
//
// # The token
//
// The token is sent only to the base URL's host, in the Api-Access-Token
// header, and never over plain http off this machine or through a proxy
// unless WithInsecureHTTP is given. It never appears in an error, a log line
// or formatted output: every error the client returns and every line it logs
// goes through one scrubber, which finds the token as it is, in any case,
// JSON-, percent- or HTML-escaped, cut short or split: each word that holds
// a run of six or more of its characters is redacted. Client.Redact applies it to text of
// your own. net/http itself may write a server's bytes to the standard
// logger (package log: "Unsolicited response received on idle HTTP
// channel starting with …"); a program that prints that logger should send
// it through Redact too, as chatwoot-conversations does.
//
// Package chatwoottest starts a fake Chatwoot server for tests.
package chatwoot
