// Package httpcall makes the client's HTTP calls: the transport that adds
// the token for the base URL's origin only, the attempt loop with its
// retries and deadlines (Doer, a gen.HttpRequestDoer), the bounded reading
// of bodies, and the errors and Response a call reports.
package httpcall

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-chatwoot/chatwoot-go/internal/redact"
)

// TokenHeader carries the token. Chatwoot reads api_access_token under any
// spelling, but nginx drops header names with underscores by default.
const TokenHeader = "Api-Access-Token"

// maxIdleConnsPerHost is how many of the default transport's connections
// to the server are kept for reuse: net/http keeps only 2, so a program
// calling from many goroutines would open (and handshake) one for most
// calls.
const maxIdleConnsPerHost = 16

// NewHTTPClient returns a copy of hc (or a client on a default transport
// when hc is nil) whose transport adds userAgent and, for origin only, the
// token, and whose redirect check keeps the token home. hc is not
// modified. With loopback, the transport uses no proxy and connects to
// loopback addresses only, so that plain http keeps the token on this
// machine.
func NewHTTPClient(hc *http.Client, origin *url.URL, tok redact.Token, userAgent string, loopback bool) (*http.Client, error) {
	var wrapped http.Client
	if hc != nil {
		wrapped = *hc
	} else {
		// No http.Client.Timeout: it would count the wait for a connection.
		wrapped = http.Client{Transport: newDefaultTransport()}
	}
	base := wrapped.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	if loopback {
		t, ok := base.(*http.Transport)
		if !ok {
			return nil, fmt.Errorf("chatwoot: NewClient: a plain http base URL needs an *http.Transport (this one is a %T), so that the client can keep the token on this machine: use https, or pass WithInsecureHTTP() if you trust your transport", base)
		}
		base = loopbackOnly(t)
	}
	wrapped.Transport = &authTransport{base: base, origin: origin, token: tok,
		fixed: http.Header{"User-Agent": {userAgent}, "Accept": {"application/json"}}}
	callerCheck := wrapped.CheckRedirect
	wrapped.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !sameOrigin(origin, req.URL) {
			return &RedirectError{From: QuoteURL(tok, via[len(via)-1].URL), To: QuoteURL(tok, req.URL)}
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

// newDefaultTransport is net/http's default transport with
// maxIdleConnsPerHost and a response head of at most 64 KiB (Chatwoot's
// are under 2 KiB).
func newDefaultTransport() http.RoundTripper {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport // replaced by the program: respect that
	}
	t = t.Clone()
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	t.MaxResponseHeaderBytes = 64 << 10
	return t
}

// loopbackOnly returns a copy of t that uses no proxy and refuses to
// connect anywhere but a loopback address. A host name that looks local is
// not enough: net/http sends all but "localhost" through HTTP_PROXY, and a
// resolver may put such a name anywhere.
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

// authTransport adds the User-Agent, Accept and, for the origin only, the
// token, on a copy: a RoundTripper must not change the request it is given.
// (Setting them on the request before http.Client.Do would cost as much:
// the client copies a request's headers for its redirects.)
type authTransport struct {
	base   http.RoundTripper
	origin *url.URL
	token  redact.Token
	fixed  http.Header // User-Agent and Accept, the same on every request
}

// RoundTrip implements http.RoundTripper. The request it sends has a new
// header map that shares the caller's value slices, which nothing here
// changes: the caller's request is left as it was, at a fraction of
// Header.Clone's cost.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	out := *req
	out.Header = make(http.Header, len(req.Header)+len(t.fixed)+1)
	maps.Copy(out.Header, req.Header)
	delete(out.Header, TokenHeader)
	values := make([]string, 0, len(t.fixed)) // the request's own: a transport may edit a value in place
	for k, v := range t.fixed {
		values = append(values, v[0])
		out.Header[k] = values[len(values)-1 : len(values) : len(values)]
	}
	if sameOrigin(t.origin, req.URL) {
		out.Header[TokenHeader] = []string{string(t.token)}
	}
	return t.base.RoundTrip(&out)
}

// sameOrigin reports whether u is where the token belongs: the same scheme
// and host, or the upgrade from http to https of the same host name on
// the default ports.
func sameOrigin(origin, u *url.URL) bool {
	if u.Scheme == origin.Scheme {
		return strings.EqualFold(u.Host, origin.Host)
	}
	return origin.Scheme == "http" && u.Scheme == "https" && strings.EqualFold(u.Hostname(), origin.Hostname()) &&
		(origin.Port() == "" || origin.Port() == "80") && (u.Port() == "" || u.Port() == "443")
}

// QuoteURL names a URL for an error or a log line: without user info,
// query or fragment, the places a secret could hide, and scrubbed.
func QuoteURL(tok redact.Token, u *url.URL) string {
	v := *u
	v.User, v.RawQuery, v.ForceQuery, v.Fragment = nil, "", false, ""
	return redact.Quote(tok, v.String(), 0, 400)
}
