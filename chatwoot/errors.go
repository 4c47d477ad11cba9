package chatwoot

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Sentinels for the statuses a caller usually handles on its own. Match them
// with errors.Is; the *APIError behind them has the details.
var (
	// ErrUnauthorized: 401. No token reached the server, the token is
	// unknown, it belongs to a bot or platform app, or its user is not a
	// member of the account.
	ErrUnauthorized = errors.New("chatwoot: unauthorized")
	// ErrNotFound: 404. The account or the contact does not exist (or the
	// contact is in another account).
	ErrNotFound = errors.New("chatwoot: not found")
	// ErrRateLimited: 429, after the retries allowed were used up.
	ErrRateLimited = errors.New("chatwoot: rate limited")
	// ErrForbidden: 403. Chatwoot Cloud (4.16+) sends it when the account's
	// plan does not include API access. It is not retried: the same request
	// fails until the plan changes.
	ErrForbidden = errors.New("chatwoot: forbidden")
	// ErrServerTimeout: 422 "The request took too long to complete" (4.16+;
	// earlier servers sent 500): the server's database query timed out. It
	// is retried like a 503; this is what is left after the retries.
	ErrServerTimeout = errors.New("chatwoot: the server timed out")
)

// APIError is a reply with a status other than 200.
type APIError struct {
	// StatusCode is the HTTP status, such as 401.
	StatusCode int
	// Message is the server's own message: Chatwoot's "error", or its
	// "errors" joined with "; ". For a body that is not JSON (an HTML page
	// from a proxy or a wrong base URL) it describes what came back.
	Message string
	// ContentType is the reply's Content-Type header.
	ContentType string
	// Body is the start of the reply's body, with the token scrubbed.
	Body string
	// RetryAfter is the wait the server asked for in Retry-After, if any.
	RetryAfter time.Duration
	// Method and URL identify the request. The URL holds no secret: the
	// token travels in a header.
	Method, URL string
	// RequestID is the server's id for the request (its X-Request-Id
	// header; Rails sends one), to find it in the server's logs.
	RequestID string

	retryInfo
}

// Error describes the failure and what to check.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "chatwoot: %s %s: %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if hint := e.hint(); hint != "" {
		b.WriteString(" (")
		b.WriteString(hint)
		b.WriteString(")")
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request id %s]", e.RequestID)
	}
	return b.String()
}

func (e *APIError) hint() string {
	switch e.StatusCode {
	case http.StatusUnauthorized:
		return "check the API token: it must be a user's access token from Profile settings, not a bot's or platform app's, and the user must be a member of the account; on Chatwoot 4.19+ an Authorization: Bearer header that a proxy or your transport adds wins over the token"
	case http.StatusNotFound:
		return "check the account id and the contact id, and that the base URL is the Chatwoot server's address"
	case http.StatusTooManyRequests:
		return "the server allows a limited number of requests a minute per IP; slow down or try again later"
	case http.StatusForbidden:
		return "the account's Chatwoot Cloud plan does not include API access: enable API access (the api_and_webhooks feature) or upgrade the plan; retrying will not help"
	case http.StatusUnprocessableEntity:
		return "the server's database took too long to answer; try again later, or ask its operator to look at slow queries"
	}
	return ""
}

// Is makes errors.Is(err, ErrUnauthorized), ErrForbidden, ErrNotFound,
// ErrServerTimeout and ErrRateLimited true for the matching status.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrServerTimeout:
		return e.StatusCode == http.StatusUnprocessableEntity
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// DecodeError is a 200 reply whose body is not the JSON this endpoint sends:
// not JSON at all, cut off, too large, or with a value of the wrong type.
// No conversations are returned with it, never a partial list.
type DecodeError struct {
	// StatusCode and ContentType are the reply's.
	StatusCode  int
	ContentType string
	// Field is the JSON path of a value of the wrong type, such as
	// "payload.updated_at"; empty for other failures.
	Field string
	// Offset is how many bytes into the body the problem was found.
	Offset int64
	// Excerpt is the body around Offset, with the token scrubbed.
	Excerpt string
	// Err is the underlying error (from encoding/json or the connection).
	Err error
	// Method and URL identify the request.
	Method, URL string
	// RequestID is the server's id for the request (X-Request-Id).
	RequestID string

	retryInfo
}

// Error describes the failure, where it was, and what came back.
func (e *DecodeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "chatwoot: %s %s: cannot read the %d reply (Content-Type %q)", e.Method, e.URL, e.StatusCode, e.ContentType)
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %s", e.Field)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	if e.Excerpt != "" {
		fmt.Fprintf(&b, "; near byte %d: %q", e.Offset, e.Excerpt)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request id %s]", e.RequestID)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *DecodeError) Unwrap() error { return e.Err }

// RedirectError is a redirect the Client refused to follow because it leads
// away from the base URL's host (or from https to http), where the token
// must not go.
type RedirectError struct {
	From, To string
}

// Error says which redirect was refused and what to check.
func (e *RedirectError) Error() string {
	return fmt.Sprintf("chatwoot: refused a redirect from %s to %s: the API token is only sent to the base URL's host; set the base URL to where the server really is", e.From, e.To)
}
