package chatwoot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds each attempt of a request when the caller brings no
// *http.Client. A reply holds at most 20 conversations, so a healthy server
// answers in well under a second; 30 s (as Chatwoot's own CLI uses) leaves room
// for a slow server without hanging a program on a dead one. Pass a context
// with a deadline, or WithHTTPClient, to choose another bound.
const DefaultTimeout = 30 * time.Second

// tokenHeader carries the token. Chatwoot reads api_access_token under any
// spelling, but nginx drops header names with underscores by default.
const tokenHeader = "Api-Access-Token"

// Client reads a Chatwoot server's API. It is safe for concurrent use by
// many goroutines, and cheap to share: create one per server and token.
type Client struct {
	server     string   // base URL ending in "/", as gen's request builders want it
	origin     *url.URL // scheme and host the token may be sent to
	httpClient *http.Client
	maxRetries int
	maxBody    int64
	logger     *slog.Logger
	// token is kept to scrub server text. It is behind a pointer because fmt
	// prints unexported fields raw, without their Format method, but prints
	// nested pointers as addresses: even %+v of *c cannot show it.
	token       *secret
	retryPolicy retryPolicy
	sleep       func(context.Context, time.Duration) error // tests record waits instead
}

// NewClient returns a Client for the Chatwoot server at baseURL, the address
// you open Chatwoot at (https://app.chatwoot.com, or your own, with a path
// prefix if it is served under one: https://example.com/support/).
//
// WithAPIToken is required. baseURL must be http or https with a host; plain
// http is refused for hosts other than this machine unless WithInsecureHTTP
// is given, because the token would cross the network in clear text.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	s := defaultSettings()
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&s); err != nil {
			return nil, err
		}
	}
	origin, err := parseBaseURL(baseURL, s.insecureHTTP)
	if err != nil {
		return nil, err
	}
	if s.token == "" {
		return nil, errors.New("chatwoot: NewClient: no API token: pass chatwoot.WithAPIToken(token) with the access token from Chatwoot's Profile settings")
	}
	ua := "chatwoot-go/" + Version
	if s.userAgent != "" {
		ua = s.userAgent + " " + ua
	}
	c := &Client{
		server:      origin.String(),
		origin:      origin,
		maxRetries:  s.maxRetries,
		maxBody:     s.maxBodyBytes,
		logger:      s.logger,
		token:       &s.token,
		retryPolicy: defaultRetryPolicy,
		sleep:       sleep,
	}
	c.httpClient = c.wrapHTTPClient(s.httpClient, ua)
	return c, nil
}

// parseBaseURL checks baseURL and returns it with a trailing slash, so that
// request paths resolve below any path prefix.
func parseBaseURL(raw string, insecureOK bool) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("chatwoot: NewClient: the base URL is empty: pass the address you open Chatwoot at, such as https://app.chatwoot.com")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("chatwoot: NewClient: base URL %q is not an http(s) URL with a host: pass something like https://app.chatwoot.com", raw)
	}
	if u.User != nil {
		return nil, errors.New("chatwoot: NewClient: the base URL holds a user name or password: remove it; Chatwoot authenticates with WithAPIToken")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("chatwoot: NewClient: base URL %q has a query or fragment: pass only the server's address", raw)
	}
	trimmed := strings.TrimRight(u.Path, "/")
	if strings.HasSuffix(trimmed, "/api/v1") || strings.HasSuffix(trimmed, "/api") {
		return nil, fmt.Errorf("chatwoot: NewClient: base URL %q ends in the API path: pass the server's address without /api/v1 (the client adds it)", raw)
	}
	if u.Scheme == "http" && !insecureOK && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("chatwoot: NewClient: base URL %q is plain http to another machine, which would send the API token in clear text: use https, or pass chatwoot.WithInsecureHTTP() if the network between you is trusted", raw)
	}
	u.Path = trimmed + "/"
	u.RawPath = ""
	return u, nil
}

// isLoopback reports whether host names this machine: localhost (and
// *.localhost, RFC 6761), 127.0.0.0/8 or ::1.
func isLoopback(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// wrapHTTPClient returns a copy of hc (or a new default client) whose
// transport adds the headers and whose redirect check keeps the token home.
// The caller's client is never modified.
func (c *Client) wrapHTTPClient(hc *http.Client, userAgent string) *http.Client {
	var wrapped http.Client
	if hc != nil {
		wrapped = *hc
	} else {
		wrapped = http.Client{Timeout: DefaultTimeout, Transport: newDefaultTransport()}
	}
	base := wrapped.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	wrapped.Transport = &authTransport{base: base, origin: c.origin, token: c.token, userAgent: userAgent}
	callerCheck := wrapped.CheckRedirect
	wrapped.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !sameOrigin(c.origin, req.URL) {
			return &RedirectError{From: redactURL(via[len(via)-1].URL), To: redactURL(req.URL)}
		}
		if callerCheck != nil {
			return callerCheck(req, via)
		}
		if len(via) >= 10 {
			return errors.New("chatwoot: stopped after 10 redirects")
		}
		return nil
	}
	return &wrapped
}

// maxConnsPerHost bounds the default transport's connections to the server,
// all of them kept for reuse. net/http keeps only 2 idle ones, so a program
// calling from many goroutines would open a connection (and do a TLS
// handshake) for most calls. Calls beyond 16 at once wait for a free
// connection: Chatwoot limits each IP to 3000 requests a minute, which 16
// connections exceed many times over. WithHTTPClient chooses otherwise.
const maxConnsPerHost = 16

// newDefaultTransport is net/http's default transport with maxConnsPerHost.
func newDefaultTransport() http.RoundTripper {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport // replaced by the program: respect that
	}
	t = t.Clone()
	t.MaxIdleConnsPerHost = maxConnsPerHost
	t.MaxConnsPerHost = maxConnsPerHost // without it, racing dials open a few more
	return t
}

// authTransport adds the User-Agent and, for requests to the base URL's
// origin only, the token. It works on a clone: a RoundTripper must not
// change the request it is given.
type authTransport struct {
	base      http.RoundTripper
	origin    *url.URL
	token     *secret
	userAgent string
}

// RoundTrip implements http.RoundTripper.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.Header.Set("User-Agent", t.userAgent)
	out.Header.Del(tokenHeader)
	if sameOrigin(t.origin, req.URL) {
		out.Header.Set(tokenHeader, string(*t.token))
	}
	return t.base.RoundTrip(out)
}

// sameOrigin reports whether u is on the host the token belongs to: the same
// scheme and host, or the upgrade from http to https on the same host name.
func sameOrigin(origin, u *url.URL) bool {
	if u.Scheme == origin.Scheme {
		return strings.EqualFold(u.Host, origin.Host)
	}
	return origin.Scheme == "http" && u.Scheme == "https" && strings.EqualFold(u.Hostname(), origin.Hostname())
}

// redactURL renders u without user info or query, the places a secret could
// hide in a URL someone else chose.
func redactURL(u *url.URL) string {
	v := *u
	v.User = nil
	v.RawQuery = ""
	v.ForceQuery = false
	v.Fragment = ""
	return v.String()
}

// String describes the client without its token.
func (c *Client) String() string {
	return fmt.Sprintf("chatwoot.Client{BaseURL: %s, Token: %s}", c.server, redacted)
}

// GoString describes the client without its token, for %#v.
func (c *Client) GoString() string { return c.String() }
