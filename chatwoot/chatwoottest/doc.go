// Package chatwoottest starts a fake Chatwoot server in the test process, in
// the spirit of net/http/httptest, so that code using package chatwoot can be
// tested without a Chatwoot account or a network.
//
//	srv := chatwoottest.NewServer(t)
//	client, err := srv.Client()
//	convs, err := client.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
//
// The server behaves as Chatwoot 4.15 to 4.18 does for GET
// /api/v1/accounts/{account_id}/contacts/{contact_id}/conversations: the same
// 401 bodies for a missing or a wrong token, 404 for an unknown account or
// contact, at most 20 conversations, newest activity first, and the token
// accepted under either header spelling. It is seeded with realistic data
// (see the Demo and other ID constants) and takes more with AddContact and
// AddConversations.
//
// Every request it receives and every reply it makes is validated against
// api/openapi.yaml with kin-openapi. A violation fails the test that caused it
// (when the server was given a testing.TB) and is answered with a 500 whose
// body says what was wrong, so it cannot pass unnoticed. A conversation of a
// server newer or older than the spec (a key it does not describe, an enum
// value or a kind of assignee or sender it does not list, a key left out)
// is seeded with AddRawConversation, which takes what package chatwoot
// decodes, in that conversation only. Compare lists how a reply differs
// from the spec, as `chatwoot-conversations -check` does.
//
// Inject queues faults: any status and body, Chatwoot's 429 (RateLimited,
// which a client waits about a second for, not a minute), Chatwoot Cloud's
// 403 (Forbidden), a database timeout's 422 (DatabaseTimeout), delays, a
// body cut off mid-way, a reset connection (one attempt each, on a fresh or
// a reused connection), a redirect, or a 1xx status followed by silence. A
// fault may aim at one account or contact, and repeat (Times, Forever);
// PassThrough lets a request through in a sequence. A fault that cannot be
// served as written (Fault{Status: 42}) fails the test at once. Every reply
// carries an X-Request-Id, as Rails sends.
//
// For jobs over many contacts, WithRateLimit limits each client address as
// Chatwoot's rack-attack does, in windows as short as the test wants, with
// 429s that a client following Chatwoot's rule (as package chatwoot does)
// waits out until the fake's window ends; Requests records when each
// request arrived and what it was answered, so that a test can check the
// rate a job keeps. WithDemoContacts serves as many contacts as a job
// needs, each with conversations generated from its id (DemoConversations).
// WithListener serves on an address of the caller's choosing:
// `chatwoot-conversations -serve-demo 127.0.0.1:8080 -contacts 500
// -rate-limit 3000/1m` serves them from a shell.
package chatwoottest
