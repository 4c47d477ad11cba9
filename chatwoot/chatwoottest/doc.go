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
// body says what was wrong, so it cannot pass unnoticed.
//
// Inject queues faults: any status and body, Chatwoot's 429 (RateLimited,
// which a client waits about a second for, not a minute), Chatwoot Cloud's
// 403 (Forbidden), a database timeout's 422 (DatabaseTimeout), delays, a
// body cut off mid-way, a reset connection (one attempt each, on a fresh or
// a reused connection) or a redirect. A fault may aim at one account or
// contact, and repeat (Times, Forever); PassThrough lets a request through
// in a sequence. Every reply carries an X-Request-Id, as Rails sends.
package chatwoottest
