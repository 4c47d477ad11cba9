package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// exitDrift is the exit status of -check when the reply differs from the spec.
const exitDrift = 3

// checkDrift compares what the server sent with the spec this library
// follows and prints each difference, then a one-line verdict. A new
// Chatwoot release shows up here first: keys, values and kinds it added,
// and anything it changed. body is the reply as sent, if it was kept: it
// is compared as it is (a reply the library cannot read too, after the
// reason it cannot); without it, the conversations' JSON is.
func checkDrift(w io.Writer, convs []chatwoot.Conversation, listErr error, body []byte, redact func(string) string) int {
	safe := func(s string) string { return printable(redact(s)) }
	var decErr *chatwoot.DecodeError
	unreadable := errors.As(listErr, &decErr)
	if body == nil && !unreadable {
		body = []byte(`{"payload":[`)
		for i := range convs {
			if i > 0 {
				body = append(body, ',')
			}
			body = append(body, convs[i].RawJSON()...)
		}
		body = append(body, "]}"...)
	}
	diffs, err := chatwoottest.Compare(body)
	if err != nil && !unreadable { // the client read it: it is JSON
		fmt.Fprintf(w, "chatwoot-conversations: -check: %v\n", err)
		return exitAPIError
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if unreadable {
		fmt.Fprintf(tw, "%s\t%s\n", chatwoottest.Violation, safe(decErr.Error()))
	}
	count := map[chatwoottest.DifferenceKind]int{}
	conversations := map[string]bool{}
	for _, d := range diffs {
		count[d.Kind]++
		conversations[conversationOf(d.Path)] = true
		detail := ""
		if d.Detail != "" {
			detail = ": " + d.Detail
		}
		fmt.Fprintf(tw, "%s\t%s%s\n", d.Kind, safe(d.Path), safe(detail))
	}
	if err := tw.Flush(); err != nil {
		return exitAPIError
	}
	found := fmt.Sprintf("%d difference(s) (%d unknown key(s), %d unknown value(s), %d violation(s))",
		len(diffs), count[chatwoottest.UnknownKey], count[chatwoottest.UnknownValue], count[chatwoottest.Violation])
	switch {
	case unreadable && err != nil:
		fmt.Fprintln(w, "differs: this library cannot read the reply (see above), which is not JSON to compare with the spec either: please report it with the Chatwoot version")
	case unreadable:
		fmt.Fprintf(w, "differs: this library cannot read the reply (the first line), and the spec finds %s in %d conversation(s) of it: please report them with the Chatwoot version\n",
			found, len(conversations))
	case len(diffs) == 0:
		fmt.Fprintf(w, "matches: %d conversation(s), every key and value as api/openapi.yaml (Chatwoot 4.0.2 to 4.18) describes\n", len(convs))
		return exitOK
	default:
		fmt.Fprintf(w, "differs: %s in %d of %d conversation(s); the library keeps them all, but its spec does not describe them: please report them with the Chatwoot version\n",
			found, len(conversations), len(convs))
	}
	return exitDrift
}

// bodyKeeper is the transport of -check's client: it keeps the body of the
// last 200 reply, as sent (up to chatwoot.DefaultMaxResponseBytes), so that
// a reply the library cannot read is compared with the spec too.
type bodyKeeper struct {
	base http.RoundTripper
	mu   sync.Mutex
	kept []byte
}

// options are the client options that send its requests through k; none
// for a nil k, or for a plain http URL of another machine, which
// chatwoot.NewClient refuses in its own words. The client holds a plain
// http request to this machine only when it owns the transport; through k,
// k's transport does the same: no proxy, and loopback addresses only.
func (k *bodyKeeper) options(baseURL string, allowPlain bool) []chatwoot.Option {
	if k == nil {
		return nil
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	k.base = t
	opts := []chatwoot.Option{chatwoot.WithHTTPClient(&http.Client{Transport: k})}
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil || u.Scheme != "http" || allowPlain {
		return opts
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if !isLoopbackHost(host) && !strings.HasSuffix(host, ".localhost") {
		return nil
	}
	t.Proxy = nil
	t.DialContext = loopbackOnly((&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext)
	return append(opts, chatwoot.WithInsecureHTTP())
}

// dialFunc is the type of http.Transport.DialContext.
type dialFunc = func(ctx context.Context, network, addr string) (net.Conn, error)

// loopbackOnly wraps dial to refuse a connection to anything but this
// machine: a plain http host name may resolve elsewhere.
func loopbackOnly(dial dialFunc) dialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if tcp, ok := conn.RemoteAddr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
			_ = conn.Close()
			return nil, fmt.Errorf("the plain http CHATWOOT_URL is at %s, which is not this machine: the token would cross the network in clear text; use https, or -insecure-http if the network is trusted", conn.RemoteAddr())
		}
		return conn, nil
	}
}

// RoundTrip sends req and keeps the body of a 200 reply, read at once,
// then hands it on as it came (with the error that ended it, if any).
func (k *bodyKeeper) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := k.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	b, readErr := io.ReadAll(io.LimitReader(resp.Body, chatwoot.DefaultMaxResponseBytes))
	k.mu.Lock()
	k.kept = b
	k.mu.Unlock()
	rest := io.Reader(resp.Body)
	if readErr != nil {
		rest = failingReader{readErr}
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), rest), resp.Body}
	return resp, nil
}

// body returns the last 200 reply's body kept, or nil.
func (k *bodyKeeper) body() []byte {
	if k == nil {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.kept
}

// failingReader fails every read with err.
type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

// conversationOf returns "/payload/N" of a path inside conversation N.
func conversationOf(path string) string {
	parts := strings.SplitN(path, "/", 4)
	if len(parts) < 3 {
		return path
	}
	return strings.Join(parts[:3], "/")
}
