package httpcall

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-chatwoot/chatwoot-go/internal/redact"
)

// Sentinels for the statuses a caller usually handles on its own, matched
// by an *APIError of that status with errors.Is.
var (
	ErrUnauthorized  = errors.New("chatwoot: unauthorized")
	ErrNotFound      = errors.New("chatwoot: not found")
	ErrRateLimited   = errors.New("chatwoot: rate limited")
	ErrForbidden     = errors.New("chatwoot: forbidden")
	ErrServerTimeout = errors.New("chatwoot: the server timed out")
)

var statuses = map[error]int{ErrUnauthorized: http.StatusUnauthorized, ErrNotFound: http.StatusNotFound,
	ErrRateLimited: http.StatusTooManyRequests, ErrForbidden: http.StatusForbidden, ErrServerTimeout: http.StatusUnprocessableEntity}

var hints = map[int]string{
	http.StatusUnauthorized:        "check the API token: it must be a user's access token from Profile settings, not a bot's or platform app's, and the user must be a member of the account; on Chatwoot 4.19+ an Authorization: Bearer header that a proxy or your transport adds wins over the token",
	http.StatusNotFound:            "check the account id and the contact id, and that the base URL is the Chatwoot server's address",
	http.StatusTooManyRequests:     "the server allows a limited number of requests a minute per IP; slow down or try again later",
	http.StatusForbidden:           "the account's Chatwoot Cloud plan does not include API access: enable API access (the api_and_webhooks feature) or upgrade the plan; retrying will not help",
	http.StatusUnprocessableEntity: "the server's database took too long to answer; try again later, or ask its operator to look at slow queries",
}

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
	// RetryAfter is, for a 429, when to come back: the server's
	// Retry-After, or else the start of its rate limit's next window, in
	// whole seconds; for other statuses the Retry-After the server sent.
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
		b.WriteString(": " + e.Message)
	}
	if hint := hints[e.StatusCode]; hint != "" {
		b.WriteString(" (" + hint + ")")
	}
	return withID(&b, e.RequestID)
}

func withID(b *strings.Builder, id string) string {
	if id != "" {
		fmt.Fprintf(b, " [request id %s]", id)
	}
	return b.String()
}

// retryable reports a 429's wait as RetryAfter does, in whole seconds (the
// wait itself has up to a second of jitter on top).
func (e *APIError) retryable() (time.Duration, bool) {
	if e.StatusCode == http.StatusTooManyRequests {
		return e.RetryAfter, e.retry
	}
	return e.wait, e.retry
}

// Is makes errors.Is(err, ErrUnauthorized), ErrForbidden, ErrNotFound,
// ErrServerTimeout and ErrRateLimited true for the matching status.
func (e *APIError) Is(target error) bool {
	status, ok := statuses[target]
	return ok && e.StatusCode == status
}

// DecodeError is a 200 reply whose body is not the JSON this endpoint
// sends: not JSON at all, cut off, too large, or with a value of the wrong
// type. No conversations are returned with it, never a partial list.
type DecodeError struct {
	// StatusCode and ContentType are the reply's.
	StatusCode  int
	ContentType string
	// Field is the JSON Pointer of the value at fault, such as
	// "/payload/3/updated_at"; empty for the body as a whole.
	Field string
	// Offset is how many bytes into the body the problem was found.
	Offset int64
	// Excerpt is the body around Offset, with the token scrubbed.
	Excerpt string
	// Err says what is wrong. A body cut by the connection matches
	// io.ErrUnexpectedEOF; a network failure stays reachable with errors.As
	// when its text holds no part of the token.
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
	return withID(&b, e.RequestID)
}

// Unwrap returns Err.
func (e *DecodeError) Unwrap() error { return e.Err }

// RedirectError is a redirect the client refused to follow because it
// leads away from the base URL's origin, where the token must not go.
type RedirectError struct {
	From, To string
}

// Error says which redirect was refused and what to check.
func (e *RedirectError) Error() string {
	return fmt.Sprintf("chatwoot: refused a redirect from %s to %s: the API token is only sent to the base URL's host; set the base URL to where the server really is", e.From, e.To)
}

// retryInfo is what the client decided of a failed attempt: whether it is
// worth another try, and after how long.
type retryInfo struct {
	retry bool
	wait  time.Duration
}

func (r retryInfo) retryable() (time.Duration, bool) { return r.wait, r.retry }

// Retryable reports whether the client itself retries err, and the wait it
// chose; false for nil, for a call whose context ended, and for an error
// that the same request would meet again.
func Retryable(err error) (wait time.Duration, ok bool) {
	var r interface{ retryable() (time.Duration, bool) }
	if errors.Is(err, context.Canceled) || !errors.As(err, &r) {
		return 0, false
	}
	return r.retryable()
}

// timeoutError is an attempt that took longer than its timeout. It matches
// context.DeadlineExceeded, and is a timeout as net.Error says.
type timeoutError time.Duration

func (e timeoutError) Error() string {
	return fmt.Sprintf("no reply within %v (see WithTimeout)", time.Duration(e))
}

func (timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }
func (timeoutError) Timeout() bool        { return true }
func (timeoutError) Temporary() bool      { return true }

// foreignError is another package's error, whose text may quote what a
// server sent: its text is a bounded quote, and the error stays reachable
// with errors.As only when its own text is clean of the token (errors.Is
// sees through it either way).
type foreignError struct {
	text  string
	cause error
	clean bool
	retryInfo
}

func foreign(tok redact.Token, prefix string, err error, info retryInfo) *foreignError {
	text := err.Error()
	return &foreignError{text: prefix + redact.Quote(tok, text, 0, 400), cause: err, clean: tok.Clean(text), retryInfo: info}
}

func (e *foreignError) Error() string { return e.text }

func (e *foreignError) Unwrap() error {
	if e.clean {
		return e.cause
	}
	return nil
}

func (e *foreignError) Is(target error) bool { return errors.Is(e.cause, target) }

// Timeout reports whether the cause was a timeout, as net.Error does.
func (e *foreignError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.cause, &t) && t.Timeout()
}

// retryableTransportError reports whether a failure to get a reply is
// worth another try: a refused redirect, a redirect loop or a certificate
// problem fails the same way again.
func retryableTransportError(err error) bool {
	var redirect *RedirectError
	var certInvalid *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	return !errors.As(err, &redirect) && !errors.Is(err, errTooManyRedirects) && !errors.As(err, &certInvalid) &&
		!errors.As(err, &unknownAuthority) && !errors.As(err, &hostname) && !errors.As(err, &invalid)
}
