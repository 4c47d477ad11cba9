package chatwoot

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// An Option configures a Client. Options that receive a bad value make
// NewClient return an error saying what was wrong.
type Option func(*settings) error

// settings collects what the options say before NewClient builds the Client.
type settings struct {
	token        secret
	httpClient   *http.Client
	userAgent    string
	maxRetries   int
	maxBodyBytes int64
	logger       *slog.Logger
	insecureHTTP bool
}

func defaultSettings() settings {
	return settings{
		maxRetries:   DefaultMaxRetries,
		maxBodyBytes: DefaultMaxResponseBytes,
	}
}

// WithAPIToken sets the user's API access token (Chatwoot: Profile settings,
// Access Token). It is sent only to the base URL's host, in the
// Api-Access-Token header, and never appears in errors, logs or formatted
// output. Surrounding whitespace, such as the newline at the end of a file or
// a secret store's value, is trimmed.
func WithAPIToken(token string) Option {
	return func(s *settings) error {
		t := strings.TrimSpace(token)
		if t == "" {
			return errors.New("chatwoot: WithAPIToken: the token is empty: pass the access token from Chatwoot's Profile settings")
		}
		for i, r := range t {
			if r < 0x21 || r > 0x7e {
				// Say where, never what: the token itself must not reach the error.
				return fmt.Errorf("chatwoot: WithAPIToken: the token has a space, control or non-ASCII character at byte %d (of %d): copy the token again; Chatwoot tokens are plain letters and digits", i, len(t))
			}
		}
		s.token = secret(t)
		return nil
	}
}

// WithHTTPClient makes the Client send its requests through hc, for its
// transport, proxy, TLS settings and timeout. hc is not modified: the Client
// works on a copy whose transport adds the token and whose redirect check
// refuses to follow the token to another host. Without this option the
// Client uses its own http.Client with a timeout of DefaultTimeout.
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

// WithMaxRetries sets how many times a failed request is tried again (0: no
// retries; the default is DefaultMaxRetries). What is retried: failures to
// connect or to get a response, and the statuses 422 (a database timeout),
// 429, 502, 503 and 504.
// Waits grow exponentially from 0.5 s to 8 s, with jitter; a Retry-After
// header is honoured up to 60 s (a longer one is returned as an error at
// once); a 429 without one, as Chatwoot sends, waits for the rate limit's
// next one-minute window. Every wait ends when the request's context does.
func WithMaxRetries(n int) Option {
	return func(s *settings) error {
		if n < 0 || n > 10 {
			return fmt.Errorf("chatwoot: WithMaxRetries: %d is out of range: pass 0 (no retries) to 10", n)
		}
		s.maxRetries = n
		return nil
	}
}

// WithMaxResponseBytes caps the size of a reply's body (the default is
// DefaultMaxResponseBytes). A larger reply is an error, not a partial list.
func WithMaxResponseBytes(n int64) Option {
	return func(s *settings) error {
		if n < 1024 {
			return fmt.Errorf("chatwoot: WithMaxResponseBytes: %d bytes is too small for any reply: pass at least 1024", n)
		}
		s.maxBodyBytes = n
		return nil
	}
}

// WithLogger makes the Client log one line per attempt to l: method, path,
// status, attempt number and duration, at Debug, or at Warn with the error
// and the wait before the next attempt when one failed. Headers and the
// token are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l == nil {
			return errors.New("chatwoot: WithLogger: the logger is nil: leave the option out to log nothing")
		}
		s.logger = l
		return nil
	}
}

// WithInsecureHTTP allows a plain http:// base URL on a host other than this
// machine, which sends the token in clear text. Use it only where the
// network between client and server is trusted. Loopback (localhost,
// 127.0.0.0/8, ::1) is always allowed.
func WithInsecureHTTP() Option {
	return func(s *settings) error {
		s.insecureHTTP = true
		return nil
	}
}
