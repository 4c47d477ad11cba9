package chatwoottest_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// Each request records when it arrived and the status it was answered
// with: the normal reply's, a fault's, and 0 when no status line was sent.
func TestRequests_RecordTimeAndStatus(t *testing.T) {
	tb := &recordingTB{TB: t}
	srv := chatwoottest.NewServer(tb)
	defer srv.Close()
	c := client(t, srv)
	ctx := context.Background()
	list := func(contact int64) {
		_, _ = c.ListContactConversations(ctx, chatwoottest.DemoAccountID, contact)
	}
	before := time.Now()
	list(chatwoottest.DemoContactID)
	list(999)
	srv.Inject(chatwoottest.StatusFault(503, "text/plain", "busy"))
	list(chatwoottest.DemoContactID)
	srv.Inject(chatwoottest.Fault{Reset: true})
	list(chatwoottest.DemoContactID)
	srv.Inject(chatwoottest.Fault{CutAfter: 10})
	list(chatwoottest.DemoContactID)
	srv.Inject(chatwoottest.Fault{RedirectTo: "https://elsewhere.example/"})
	list(chatwoottest.DemoContactID)
	get(t, srv.URL+"/api/v1/accounts/3/contacts", http.Header{}) // not in the spec: a violation's 500
	after := time.Now()

	reqs := srv.Requests()
	var statuses []int
	for i, r := range reqs {
		statuses = append(statuses, r.Status)
		assert.False(t, r.Time.Before(before) || r.Time.After(after), "request %d arrived during the test", i)
		if i > 0 {
			assert.False(t, r.Time.Before(reqs[i-1].Time), "oldest first")
		}
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		require.NoError(t, err)
		assert.Equal(t, "127.0.0.1", host)
	}
	assert.Equal(t, []int{200, 404, 503, 0, 200, 302, 500}, statuses)
	require.Len(t, srv.Violations(), 1)
	assert.Len(t, tb.errors, 1)
}

// A client that gives up during a Delay got no status line: 0.
func TestRequests_AnAbandonedRequestHasNoStatus(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	c := client(t, srv)
	srv.Inject(chatwoottest.Fault{Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	require.Error(t, err)
	srv.Close() // waits for the handler
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, 0, reqs[0].Status)
}

// WithListener serves on the caller's listener; an address on every
// interface is named by loopback in URL.
func TestWithListener_ServesOnTheGivenAddress(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "0.0.0.0:0"} {
		l, err := net.Listen("tcp", addr)
		require.NoError(t, err)
		srv := chatwoottest.NewServer(t, chatwoottest.WithListener(l))
		_, port, err := net.SplitHostPort(l.Addr().String())
		require.NoError(t, err)
		u, err := url.Parse(srv.URL)
		require.NoError(t, err)
		assert.Equal(t, "http", u.Scheme)
		assert.Equal(t, port, u.Port())
		assert.True(t, net.ParseIP(u.Hostname()).IsLoopback(), srv.URL)
		c, err := srv.Client()
		require.NoError(t, err)
		convs, err := c.ListContactConversations(context.Background(), chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
		require.NoError(t, err)
		assert.Len(t, convs, chatwoottest.DemoConversationCount)

		srv.Close()
		_, err = net.Dial("tcp", l.Addr().String())
		assert.Error(t, err, "Close closes the listener")
	}
}

// Requests hands out copies: changing one changes nothing in the server.
func TestRequests_AreCopies(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	_, err := client(t, srv).ListContactConversations(context.Background(), chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	reqs[0].Header.Set("Api-Access-Token", "changed")
	reqs[0].Status = 1
	again := srv.Requests()
	assert.Equal(t, srv.Token, again[0].Header.Get("Api-Access-Token"))
	assert.Equal(t, 200, again[0].Status)
}
