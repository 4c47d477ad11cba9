package chatwoot

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// tokenHeader carries the token. Chatwoot reads api_access_token under any
// spelling, but nginx drops header names with underscores by default.
const tokenHeader = "Api-Access-Token"

// Client reads a Chatwoot server's API. It is safe for concurrent use by
// many goroutines, and cheap to share: create one per server and token.
type Client struct {
	server     string   // base URL ending in "/", as gen's request builders want it
	origin     *url.URL // scheme and host the token may be sent to
	httpClient *http.Client
	maxBody    int64
	// defaults are the settings of every call, before its own options.
	defaults settings
	// slots bounds the attempts under way to the default transport's
	// connections, so that an attempt's timeout starts only once it can
	// have a connection; nil with WithHTTPClient.
	slots chan struct{}
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
	if s.response != nil {
		return nil, errors.New("chatwoot: NewClient: WithResponseInto is for one call: pass it to ListContactConversations")
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
		maxBody:     s.maxBodyBytes,
		defaults:    s,
		token:       &s.token,
		retryPolicy: defaultRetryPolicy,
		sleep:       sleep,
	}
	// Plain http is allowed here only to this machine: make sure it goes
	// nowhere else, whatever the proxy settings and name resolution say.
	plainLoopback := origin.Scheme == "http" && !s.insecureHTTP
	if c.httpClient, err = c.wrapHTTPClient(s.httpClient, ua, plainLoopback); err != nil {
		return nil, err
	}
	if s.httpClient == nil {
		c.slots = make(chan struct{}, maxConnsPerHost)
	}
	c.defaults.token, c.defaults.httpClient = "", nil // kept in their own fields
	return c, nil
}

// parseBaseURL checks baseURL and returns it with a trailing slash, so that
// request paths resolve below any path prefix. Its errors name the URL by
// its scheme and host only: a path, query or user info may hold a secret
// (a token pasted as ?api_access_token=...).
func parseBaseURL(raw string, insecureOK bool) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("chatwoot: NewClient: the base URL is empty: pass the address you open Chatwoot at, such as https://app.chatwoot.com")
	}
	u, err := url.Parse(raw)
	if err == nil && u.Scheme == "" {
		return nil, errors.New("chatwoot: NewClient: the base URL has no scheme: write https:// (or http:// for this machine) in front of the server's address, as in https://app.chatwoot.com")
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("chatwoot: NewClient: the base URL (%s) is not an http(s) URL with a host: pass something like https://app.chatwoot.com", safeURL(u, raw))
	}
	if u.User != nil {
		return nil, fmt.Errorf("chatwoot: NewClient: the base URL (%s) holds a user name or password: remove it; Chatwoot authenticates with WithAPIToken", safeURL(u, raw))
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, fmt.Errorf("chatwoot: NewClient: the base URL (%s) has a query or fragment: pass only the server's address; the token goes in WithAPIToken, never in the URL", safeURL(u, raw))
	}
	trimmed := strings.TrimRight(u.Path, "/")
	if strings.HasSuffix(trimmed, "/api/v1") || strings.HasSuffix(trimmed, "/api") {
		return nil, fmt.Errorf("chatwoot: NewClient: the base URL (%s) ends in the API path: pass the server's address without /api/v1 (the client adds it)", safeURL(u, raw))
	}
	if u.Scheme == "http" && !insecureOK && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("chatwoot: NewClient: the base URL (%s) is plain http to another machine, which would send the API token in clear text: use https, or pass chatwoot.WithInsecureHTTP() if the network between you is trusted", safeURL(u, raw))
	}
	u.Path = trimmed + "/"
	u.RawPath = ""
	return u, nil
}

// safeURL names a URL for an error: its scheme and host, with "/…" and
// "?…" standing for a path and a query, which are not quoted. A URL that
// does not parse is named by its length only.
func safeURL(u *url.URL, raw string) string {
	if u == nil || u.Host == "" || strings.ContainsAny(u.Host, " \t\r\n") {
		return fmt.Sprintf("a text of %d bytes, not quoted", len(raw))
	}
	out := u.Scheme + "://" + u.Host
	if strings.Trim(u.Path, "/") != "" {
		out += "/…"
	}
	if u.RawQuery != "" || u.ForceQuery {
		out += "?…"
	}
	if u.Fragment != "" {
		out += "#…"
	}
	return strconv.Quote(out)
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
// The caller's client is never modified. With plainLoopback, the transport
// dials loopback addresses only and uses no proxy.
func (c *Client) wrapHTTPClient(hc *http.Client, userAgent string, plainLoopback bool) (*http.Client, error) {
	var wrapped http.Client
	if hc != nil {
		wrapped = *hc
	} else {
		// No http.Client.Timeout: it would count the wait for a connection;
		// each attempt has its own deadline (see WithTimeout).
		wrapped = http.Client{Transport: newDefaultTransport()}
	}
	base := wrapped.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	if plainLoopback {
		t, ok := base.(*http.Transport)
		if !ok {
			return nil, fmt.Errorf("chatwoot: NewClient: a plain http base URL needs an *http.Transport (this one is a %T), so that the client can keep the token on this machine: use https, or pass WithInsecureHTTP() if you trust your transport", base)
		}
		base = loopbackOnly(t)
	}
	wrapped.Transport = &authTransport{base: base, origin: c.origin, token: c.token, userAgent: userAgent}
	callerCheck := wrapped.CheckRedirect
	wrapped.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !sameOrigin(c.origin, req.URL) {
			return &RedirectError{From: c.quoteURL(via[len(via)-1].URL), To: c.quoteURL(req.URL)}
		}
		if callerCheck != nil {
			return callerCheck(req, via)
		}
		if len(via) >= 10 {
			return errTooManyRedirects
		}
		return nil
	}
	return &wrapped, nil
}

// errTooManyRedirects is a redirect loop, which no retry will end.
var errTooManyRedirects = errors.New("chatwoot: stopped after 10 redirects: the server redirects in a loop; check the base URL")

// loopbackOnly returns a copy of t that uses no proxy and refuses to
// connect anywhere but a loopback address. A host name that looks local
// (chatwoot.localhost, LOCALHOST, localhost.) is not enough: net/http sends
// all but "localhost" through HTTP_PROXY, and a resolver may put such a
// name anywhere; plain http would then carry the token off the machine.
func loopbackOnly(t *http.Transport) *http.Transport {
	t = t.Clone()
	t.Proxy = nil
	dial := t.DialContext
	if dial == nil {
		dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if tcp, ok := conn.RemoteAddr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
			_ = conn.Close()
			return nil, fmt.Errorf("chatwoot: the plain http base URL's host is at %s, which is not this machine: the token would cross the network in clear text; use https, or WithInsecureHTTP() if the network is trusted", conn.RemoteAddr())
		}
		return conn, nil
	}
	return t
}

// maxConnsPerHost bounds the default transport's connections to the server,
// all of them kept for reuse. net/http keeps only 2 idle ones, so a program
// calling from many goroutines would open a connection (and do a TLS
// handshake) for most calls. Calls beyond 16 at once wait for a free
// connection (before their attempt's timeout starts): Chatwoot limits each
// IP to 3000 requests a minute, which 16 connections exceed many times
// over. WithHTTPClient chooses otherwise.
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

// Redact returns text with the client's token removed, in any form a
// server, proxy or encoder may have put it in (see the package doc). Every
// error and log line of the client has been through it already; use it on
// anything else you print that came from the server.
func (c *Client) Redact(text string) string {
	if c == nil {
		return text
	}
	return c.token.scrub(text)
}

// RedactorFor returns the scrubbing that Client.Redact does, for a token
// that has no Client yet (to print NewClient's error, say).
func RedactorFor(token string) func(string) string {
	s := secret(strings.TrimSpace(token))
	if len(s) < minTokenLength {
		s = "" // WithAPIToken refuses it: nothing will be sent
	}
	return s.scrub
}

// String describes the client without its token.
func (c *Client) String() string {
	if c == nil {
		return "chatwoot.Client(nil)"
	}
	return fmt.Sprintf("chatwoot.Client{BaseURL: %s, Token: %s}", c.server, redacted)
}

// GoString describes the client without its token, for %#v.
func (c *Client) GoString() string { return c.String() }
