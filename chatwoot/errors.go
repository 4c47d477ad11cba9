package chatwoot

import (
	"time"

	"github.com/go-chatwoot/chatwoot-go/internal/httpcall"
)

// Sentinels for the statuses a caller usually handles on its own. Match them
// with errors.Is; the *APIError behind them has the details.
var (
	// ErrUnauthorized: 401. No token reached the server, the token is
	// unknown, it belongs to a bot or platform app, or its user is not a
	// member of the account.
	ErrUnauthorized = httpcall.ErrUnauthorized
	// ErrNotFound: 404. The account or the contact does not exist (or the
	// contact is in another account).
	ErrNotFound = httpcall.ErrNotFound
	// ErrRateLimited: 429, after the retries allowed were used up.
	ErrRateLimited = httpcall.ErrRateLimited
	// ErrForbidden: 403. Chatwoot Cloud (4.16+) sends it when the account's
	// plan does not include API access. It is not retried: the same request
	// fails until the plan changes.
	ErrForbidden = httpcall.ErrForbidden
	// ErrServerTimeout: 422 "The request took too long to complete" (4.16+;
	// earlier servers sent 500): the server's database query timed out. It
	// is retried like a 503; this is what is left after the retries.
	ErrServerTimeout = httpcall.ErrServerTimeout
)

type (
	// APIError is a reply with a status other than 200: see its fields for
	// the status, the server's message, a scrubbed start of the body,
	// RetryAfter and the request id.
	APIError = httpcall.APIError
	// DecodeError is a 200 reply whose body is not the JSON this endpoint
	// sends: not JSON at all, cut off, too large, or with a value of the
	// wrong type (Field names it, as /payload/3/updated_at). No
	// conversation is returned with it, never a partial list.
	DecodeError = httpcall.DecodeError
	// RedirectError is a redirect the Client refused to follow because it
	// leads away from the base URL's origin (another host or port, or from
	// https to http), where the token must not go.
	RedirectError = httpcall.RedirectError
	// Response is what a call received besides the conversations (status,
	// a bounded and scrubbed copy of the headers, request id, attempts,
	// time waited): pass WithResponseInto(&r) to ListContactConversations.
	Response = httpcall.Response
)

// Retryable reports whether the client itself retries err (a failure to
// connect or to get a reply in time, a body cut or stalled after the
// headers, or the statuses 422, 429, 502, 503 and 504), and the wait it
// chose before the next attempt: for a 429, the time to the server's next
// window or its Retry-After, as APIError.RetryAfter says. It is false for
// nil, for a call whose context ended, and for everything else: a program
// with its own retry loop uses it instead of a list of statuses.
func Retryable(err error) (wait time.Duration, ok bool) { return httpcall.Retryable(err) }
