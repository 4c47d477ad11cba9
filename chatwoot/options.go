package chatwoot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/go-chatwoot/chatwoot-go/internal/httpcall"
	"github.com/go-chatwoot/chatwoot-go/internal/redact"
)

// An Option configures a Client (passed to NewClient) or one call (passed
// to ListContactConversations, where it applies to that call only). Most
// options are for one or the other, as their documentation says; one used
// in the wrong place, or given a bad value, is an error that says so.
type Option func(*settings) error

// settings collects what the options say.
type settings struct {
	// For a Client only.
	token        redact.Token
	httpClient   *http.Client
	userAgent    string
	maxBodyBytes int64
	insecureHTTP bool
	// For a Client, and for one call (its Response for one call only).
	call httpcall.Call
}

func defaultSettings() settings {
	return settings{maxBodyBytes: DefaultMaxResponseBytes,
		call: httpcall.Call{MaxRetries: DefaultMaxRetries, MaxWait: DefaultMaxRetryWait, Timeout: DefaultTimeout}}
}

// apply applies opts (a nil one does nothing), stopping at an error.
func (s *settings) apply(opts []Option) error {
	for _, opt := range opts {
		if opt != nil {
			if err := opt(s); err != nil {
				return err
			}
		}
	}
	return nil
}

// clientOnly names the first client-only setting that differs between
// call (a client's settings with a call's options applied) and the
// client's own, or returns "".
func clientOnly(call, client *settings) string {
	switch {
	case call.token != client.token:
		return "WithAPIToken"
	case call.httpClient != client.httpClient:
		return "WithHTTPClient"
	case call.userAgent != client.userAgent:
		return "WithUserAgent"
	case call.maxBodyBytes != client.maxBodyBytes:
		return "WithMaxResponseBytes"
	case call.insecureHTTP != client.insecureHTTP:
		return "WithInsecureHTTP"
	}
	return ""
}

// minTokenLength is the shortest token accepted. Chatwoot's are 24
// characters; a shorter one is a cut paste, and could not be told apart
// from ordinary text when it is scrubbed from what a server sends.
const minTokenLength = 8

// WithAPIToken sets the user's API access token (Chatwoot: Profile settings,
// Access Token). It is sent only to the base URL's host, in the
// Api-Access-Token header, and never appears in errors, logs or formatted
// output. Surrounding whitespace, such as the newline at the end of a file or
// a secret store's value, is trimmed. For a Client only.
func WithAPIToken(token string) Option {
	return func(s *settings) error {
		t := strings.TrimSpace(token)
		if t == "" {
			return errors.New("chatwoot: WithAPIToken: the token is empty: pass the access token from Chatwoot's Profile settings")
		}
		if len(t) < minTokenLength {
			return fmt.Errorf("chatwoot: WithAPIToken: the token has %d characters; Chatwoot's have 24: copy the whole token from Profile settings", len(t))
		}
		for i, r := range t {
			if r < 0x21 || r > 0x7e {
				// Say where, never what: the token itself must not reach the error.
				return fmt.Errorf("chatwoot: WithAPIToken: the token has a space, control or non-ASCII character at byte %d (of %d): copy the token again; Chatwoot tokens are plain letters and digits", i, len(t))
			}
		}
		s.token = redact.Token(t)
		return nil
	}
}

// WithHTTPClient makes the Client send its requests through hc, for its
// transport, proxy, TLS settings and timeout. hc is not modified: the Client
// works on a copy whose transport adds the token and whose redirect check
// refuses to follow the token to another host. hc's Timeout, if set, bounds
// each attempt besides WithTimeout. Without this option the Client uses its
// own transport, which keeps up to 16 connections to the server for reuse.
// For a Client only.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if hc == nil {
			return errors.New("chatwoot: WithHTTPClient: the *http.Client is nil: leave the option out to use the default client")
		}
		s.httpClient = hc
		return nil
	}
}

// WithUserAgent puts ua, such as "my-crm-sync/2.1", in front of the default
// User-Agent "chatwoot-go/VERSION", so that the server's logs show both.
// For a Client only.
func WithUserAgent(ua string) Option {
	return func(s *settings) error {
		ua = strings.TrimSpace(ua)
		if ua == "" {
			return errors.New("chatwoot: WithUserAgent: the user agent is empty: leave the option out to send the default")
		}
		if strings.ContainsFunc(ua, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return fmt.Errorf("chatwoot: WithUserAgent: %q has a control character, which a header cannot carry", ua)
		}
		s.userAgent = ua
		return nil
	}
}

// DefaultMaxResponseBytes caps a reply's body. Chatwoot sends at most 20
// conversations, typically well under 1 MiB; the cap stops a broken or
// hostile server from making the client read without end.
const DefaultMaxResponseBytes int64 = 16 << 20

// MaxResponseBytesLimit is the largest cap WithMaxResponseBytes accepts.
const MaxResponseBytesLimit int64 = 1 << 30

// WithMaxResponseBytes caps the size of a reply's body (the default is
// DefaultMaxResponseBytes; at most MaxResponseBytesLimit). A larger reply
// is an error, not a partial list. For a Client only.
//
// Memory: a call holds at most about three times the body (the body, which
// the conversations and their raw values keep as their JSON, the strings
// decoded from it, and the structs of at most 1000 conversations and 10000
// list items). It is read in 16 KiB pieces as it arrives, then copied once:
// nothing is reserved ahead of the bytes received.
func WithMaxResponseBytes(n int64) Option {
	return func(s *settings) error {
		if n < 1024 || n > MaxResponseBytesLimit {
			return fmt.Errorf("chatwoot: WithMaxResponseBytes: %d bytes is out of range: pass 1024 to %d (1 GiB); a Chatwoot reply is well under 1 MiB", n, MaxResponseBytesLimit)
		}
		s.maxBodyBytes = n
		return nil
	}
}

// DefaultMaxRetries is how many times a failed request is tried again: three
// attempts in all. See WithMaxRetries for what is retried.
const DefaultMaxRetries = 2

// WithMaxRetries sets how many times a failed request is tried again (0: no
// retries; the default is DefaultMaxRetries; at most 10). What is retried:
// failures to connect or to get a response in time, a 200 whose body is
// cut or stalls after the headers, and the statuses 422
// (a database timeout), 429, 502, 503 and 504. Waits grow exponentially
// from 0.5 s to 8 s, with jitter; a Retry-After header is honoured; a 429
// without one, as Chatwoot sends, waits for the rate limit's next
// one-minute window. No wait goes past WithMaxRetryWait's budget or the
// context's deadline: the call returns the last error at once instead. For
// a Client or one call.
func WithMaxRetries(n int) Option {
	return func(s *settings) error {
		if n < 0 || n > 10 {
			return fmt.Errorf("chatwoot: WithMaxRetries: %d is out of range: pass 0 (no retries) to 10", n)
		}
		s.call.MaxRetries = n
		return nil
	}
}

// DefaultMaxRetryWait is how long one call may spend waiting between
// attempts, all waits together.
const DefaultMaxRetryWait = 30 * time.Second

// WithMaxRetryWait sets how long one call may spend waiting between
// attempts, all waits together (the default is DefaultMaxRetryWait; 0
// allows no waiting, so only a reply whose Retry-After is 0 is retried; at
// most 15 minutes). A retry whose wait
// would go past it is not made: the call returns the last error, and for a
// 429 APIError.RetryAfter says when to come back. For a Client or one call.
func WithMaxRetryWait(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 || d > 15*time.Minute {
			return fmt.Errorf("chatwoot: WithMaxRetryWait: %v is out of range: pass 0 to 15m", d)
		}
		s.call.MaxWait = d
		return nil
	}
}

// DefaultTimeout bounds each attempt: from the moment it is sent (time
// spent waiting for the rate limiter does not count) to the last byte of
// the reply. A reply holds at most 20 conversations, so a healthy server
// answers in well under a second.
const DefaultTimeout = 30 * time.Second

// WithTimeout sets how long each attempt may take (the default is
// DefaultTimeout; at most one hour). A timed-out attempt is retried. A
// context's deadline bounds the whole call besides. For a Client or one
// call.
//
// With context.Background and the defaults, a call lasts at most 2 minutes:
// 3 attempts of 30 s and waits of 30 s in all.
func WithTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 || d > time.Hour {
			return fmt.Errorf("chatwoot: WithTimeout: %v is out of range: pass more than 0 and at most 1h", d)
		}
		s.call.Timeout = d
		return nil
	}
}

// WithLogger makes the Client log one record per attempt to l, with the
// message "chatwoot request" and these attributes, a stable schema:
//
//   - method (string) and path (string): the request's, without query
//   - status (int): the reply's status, 0 when no reply came
//   - attempt (int): 1 for the first attempt, 2 for the first retry, …
//   - duration (time.Duration): how long the attempt took
//   - error (string): why the attempt failed, if it did
//   - retry_in (time.Duration): the wait before the next attempt, only on
//     an attempt that is retried
//
// An attempt that is retried is logged at Warn: the caller never sees its
// error. Every other attempt, the last of a call that fails included, is
// logged at Debug: the call returns its error, which is the caller's to
// report. Headers and the token are never logged. For a Client or one call.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l == nil {
			return errors.New("chatwoot: WithLogger: the logger is nil: leave the option out to log nothing")
		}
		s.call.Logger = l
		return nil
	}
}

// RateLimiter paces requests: Wait blocks until one may be sent, or
// returns an error (as when ctx ends first). A *rate.Limiter of
// golang.org/x/time/rate is one.
type RateLimiter interface {
	Wait(ctx context.Context) error
}

// WithRateLimiter makes the client call l.Wait before every attempt,
// retries included, so that a job over many contacts stays under the
// server's limit however many attempts its calls take. The wait counts
// against the call's context, never against WithTimeout; when Wait fails,
// nothing is sent and the call returns its error. For a Client or one call.
//
// Chatwoot allows 3000 requests a minute per IP, counted in fixed windows
// aligned to the minute. A token bucket that refills at r a second with a
// burst of b can let r*60 + b requests into one minute, so keep r*60 + b
// under 3000 with a margin for other clients of the same IP:
// rate.NewLimiter(45, 10) sends at most 2710 a minute.
func WithRateLimiter(l RateLimiter) Option {
	return func(s *settings) error {
		if l == nil || isNil(reflect.ValueOf(l)) {
			return errors.New("chatwoot: WithRateLimiter: the limiter is nil: leave the option out to send without pacing")
		}
		s.call.Limiter = l
		return nil
	}
}

// isNil reports whether v is a nil of a kind that can be nil: a typed nil
// in an interface is not == nil, and calling its method would panic.
func isNil(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Func, reflect.Map, reflect.Chan, reflect.Slice, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// WithInsecureHTTP allows a plain http:// base URL on a host other than this
// machine, which sends the token in clear text (to the server, and to any
// proxy the environment names). Use it only where the network between
// client and server is trusted. Without it, plain http is allowed to this
// machine only, straight to a loopback address and through no proxy,
// whatever HTTP_PROXY says. For a Client only.
func WithInsecureHTTP() Option {
	return func(s *settings) error {
		s.insecureHTTP = true
		return nil
	}
}

// WithResponseInto makes the call fill r with what it received besides the
// conversations: status, headers, request id, attempts. r is filled on
// failure too, as far as the call got. For one call only.
func WithResponseInto(r *Response) Option {
	return func(s *settings) error {
		if r == nil {
			return errors.New("chatwoot: WithResponseInto: the *Response is nil: pass the address of a chatwoot.Response")
		}
		s.call.Response = r
		return nil
	}
}
