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
	"sync"

	"github.com/go-chatwoot/chatwoot-go/gen"
	"github.com/go-chatwoot/chatwoot-go/internal/decode"
	"github.com/go-chatwoot/chatwoot-go/internal/httpcall"
	"github.com/go-chatwoot/chatwoot-go/internal/redact"
)

// Client reads a Chatwoot server's API. It is safe for concurrent use by
// many goroutines, and cheap to share: create one per server and token.
type Client struct {
	server string // base URL ending in "/"
	api    *gen.Client
	// doer makes the attempts (see internal/httpcall); it holds the token
	// behind a pointer, which fmt prints as an address, so even %+v of *c
	// cannot show it.
	doer *httpcall.Doer
	// defaults are the settings of every call, before its own options.
	defaults settings
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
	if err := s.apply(opts); err != nil {
		return nil, err
	}
	if s.call.Response != nil {
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
	// Plain http is allowed here only to this machine: make sure it goes
	// nowhere else, whatever the proxy settings and name resolution say.
	hc, err := httpcall.NewHTTPClient(s.httpClient, origin, s.token, ua, origin.Scheme == "http" && !s.insecureHTTP)
	if err != nil {
		return nil, err
	}
	tok := s.token
	c := &Client{server: origin.String(), defaults: s,
		doer: &httpcall.Doer{HTTP: hc, Token: &tok, MaxBody: s.maxBodyBytes, Policy: httpcall.DefaultPolicy, Sleep: httpcall.Sleep}}
	if c.api, err = gen.NewClient(c.server, gen.WithHTTPClient(c.doer)); err != nil {
		return nil, fmt.Errorf("chatwoot: NewClient: %w", err)
	}
	c.defaults.token, c.defaults.httpClient = "", nil // kept in the doer
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

// safeURL names a URL for an error by its scheme and host: a path, query
// or fragment may hold a secret, and the error says which is at fault. A
// URL that does not parse is named by its length only.
func safeURL(u *url.URL, raw string) string {
	if u == nil || u.Host == "" || strings.ContainsAny(u.Host, " \t\r\n") {
		return fmt.Sprintf("a text of %d bytes, not quoted", len(raw))
	}
	return strconv.Quote(u.Scheme + "://" + u.Host)
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

// Redact returns text with the client's token removed, in any form a
// server, proxy or encoder may have put it in (see the package doc). Every
// error and log line of the client has been through it already; use it on
// anything else you print that came from the server.
func (c *Client) Redact(text string) string {
	if c == nil {
		return text
	}
	return c.doer.Token.Scrub(text)
}

// RedactorFor returns the scrubbing that Client.Redact does, for a token
// that has no Client yet (to print NewClient's error, say).
func RedactorFor(token string) func(string) string {
	t := redact.Token(strings.TrimSpace(token))
	if len(t) < minTokenLength {
		t = "" // WithAPIToken refuses it: nothing will be sent
	}
	return t.Scrub
}

// String describes the client without its token.
func (c *Client) String() string {
	if c == nil {
		return "chatwoot.Client(nil)"
	}
	return fmt.Sprintf("chatwoot.Client{BaseURL: %s, Token: %s}", c.server, redact.Redacted)
}

// GoString describes the client without its token, for %#v.
func (c *Client) GoString() string { return c.String() }

// ListContactConversations returns the conversations of contact contactID in
// account accountID: at most 20, of every status, newest activity first, as
// Chatwoot sends them (there is no paging). Conversations in inboxes the
// token's user cannot see are left out; a user without permission gets an
// empty list, not an error.
//
// Errors: ids below 1 are refused before any request. A status other than
// 200 is an *APIError (errors.Is matches ErrUnauthorized, ErrForbidden,
// ErrNotFound, ErrServerTimeout, ErrRateLimited); a 200 whose body is not
// the expected JSON is a *DecodeError, and no conversation is returned with
// it (one that cannot be read makes the reply unreadable: a partial list
// would look whole). When ctx ends, the error matches ctx.Err() with
// errors.Is. No error holds the token, whatever the server or a proxy
// echoes back.
//
// Options given here apply to this call only: WithMaxRetries, WithTimeout,
// WithMaxRetryWait, WithLogger, WithRateLimiter and WithResponseInto.
func (c *Client) ListContactConversations(ctx context.Context, accountID, contactID int64, opts ...Option) ([]Conversation, error) {
	if c == nil {
		return nil, errors.New("chatwoot: ListContactConversations on a nil *Client: make one with NewClient")
	}
	if ctx == nil {
		return nil, errors.New("chatwoot: ListContactConversations: the context is nil: pass context.Background() or a context with a deadline")
	}
	call := &c.defaults.call
	if len(opts) > 0 {
		s := c.defaults
		if err := s.apply(opts); err != nil {
			return nil, err
		}
		if name := clientOnly(&s, &c.defaults); name != "" {
			return nil, fmt.Errorf("chatwoot: ListContactConversations: %s is for a Client: pass it to NewClient", name)
		}
		call = &s.call
	}
	// Always: a context kept from an earlier call (by a limiter, say) must
	// not lend this call its settings.
	ctx = httpcall.WithCall(ctx, call)
	switch {
	case accountID < 1:
		return nil, fmt.Errorf("chatwoot: ListContactConversations: account id %d is not a positive integer: use the number after /app/accounts/ in Chatwoot's address bar", accountID)
	case contactID < 1:
		return nil, fmt.Errorf("chatwoot: ListContactConversations: contact id %d is not a positive integer: use the number after /contacts/ in Chatwoot's address bar", contactID)
	}
	resp, err := c.api.ListContactConversations(ctx, accountID, contactID)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }() // the doer read it whole: this frees nothing, but says so
	return c.decodeReply(resp)
}

// scratch holds the conversations of a reply while it is decoded, so that
// a reply costs one slice of its exact size.
var scratch = sync.Pool{New: func() any { return new([]Conversation) }}

// decodeReply decodes a 200's body, which the doer read whole: all the
// conversations, or a *DecodeError.
func (c *Client) decodeReply(resp *http.Response) ([]Conversation, error) {
	data := httpcall.Body(resp)
	sp := scratch.Get().(*[]Conversation) //nolint:forcetypeassert // the pool holds nothing else
	convs := (*sp)[:0]
	derr := decode.Reply(data, *c.doer.Token, func() any {
		convs = append(convs, Conversation{})
		return &convs[len(convs)-1].ConversationFields
	}, func(raw []byte) error { return convs[len(convs)-1].keep(raw) })
	var out []Conversation
	if derr == nil {
		out = make([]Conversation, len(convs))
		copy(out, convs)
	}
	clear(convs)
	*sp = convs[:0]
	scratch.Put(sp)
	if derr != nil {
		return nil, c.doer.DecodeError(resp, data, derr)
	}
	return out, nil
}
