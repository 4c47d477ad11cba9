package chatwoot_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
)

func TestNewClient_RefusesBadConfiguration(t *testing.T) {
	tests := []struct {
		name    string
		baseURL string
		opts    []chatwoot.Option
		want    string
	}{
		{"no token", "https://chat.example.com", nil, "no API token: pass chatwoot.WithAPIToken"},
		{"empty token", "https://chat.example.com", []chatwoot.Option{chatwoot.WithAPIToken(" \n")}, "the token is empty"},
		{"control character in token", "https://chat.example.com", []chatwoot.Option{chatwoot.WithAPIToken("abc\x00defghij")}, "control or non-ASCII character at byte 3"},
		{"cut-off token", "https://chat.example.com", []chatwoot.Option{chatwoot.WithAPIToken("abc123")}, "the token has 6 characters; Chatwoot's have 24"},
		{"space inside token", "https://chat.example.com", []chatwoot.Option{chatwoot.WithAPIToken("abc defghijk")}, "at byte 3"},
		{"empty URL", "", []chatwoot.Option{chatwoot.WithAPIToken(testToken)}, "the base URL is empty"},
		{"no scheme", "chat.example.com", []chatwoot.Option{chatwoot.WithAPIToken(testToken)}, "has no scheme: write https://"},
		{"other scheme", "ftp://chat.example.com", []chatwoot.Option{chatwoot.WithAPIToken(testToken)}, "is not an http(s) URL with a host"},
		{"no host", "https://", []chatwoot.Option{chatwoot.WithAPIToken(testToken)}, "is not an http(s) URL with a host"},
		{"user info", "https://bob:pw@chat.example.com", []chatwoot.Option{chatwoot.WithAPIToken(testToken)}, "holds a user name or password"},
		{"query", "https://chat.example.com/?x=1", []chatwoot.Option{chatwoot.WithAPIToken(testToken)}, "has a query or fragment"},
		{"API path", "https://chat.example.com/api/v1", []chatwoot.Option{chatwoot.WithAPIToken(testToken)}, "without /api/v1"},
		{"plain http to another host", "http://chat.example.com", []chatwoot.Option{chatwoot.WithAPIToken(testToken)}, "pass chatwoot.WithInsecureHTTP()"},
		{"nil http client", "https://chat.example.com", []chatwoot.Option{chatwoot.WithAPIToken(testToken), chatwoot.WithHTTPClient(nil)}, "the *http.Client is nil"},
		{"empty user agent", "https://chat.example.com", []chatwoot.Option{chatwoot.WithAPIToken(testToken), chatwoot.WithUserAgent("")}, "the user agent is empty"},
		{"user agent with newline", "https://chat.example.com", []chatwoot.Option{chatwoot.WithAPIToken(testToken), chatwoot.WithUserAgent("a\nb")}, "control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := chatwoot.NewClient(tt.baseURL, tt.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestNewClient_AcceptsWhatServersUse(t *testing.T) {
	for _, u := range []string{
		"https://app.chatwoot.com",
		"https://app.chatwoot.com/",
		"https://example.com/support",
		"https://example.com:8443/support/",
		"http://localhost:3000",
		"http://127.0.0.2:3000",
		"http://[::1]:3000",
		"http://chatwoot.localhost",
	} {
		_, err := chatwoot.NewClient(u, chatwoot.WithAPIToken(testToken))
		assert.NoError(t, err, u)
	}
	_, err := chatwoot.NewClient("http://chat.internal", chatwoot.WithAPIToken(testToken), chatwoot.WithInsecureHTTP())
	assert.NoError(t, err, "plain http to another host is allowed when asked for")
}

func TestNewClient_TrimsTheToken(t *testing.T) {
	srv, seen := serveBody(t, http.StatusOK, "application/json", []byte(`{"payload":[]}`))
	c, err := chatwoot.NewClient(srv.URL, chatwoot.WithAPIToken("  "+testToken+"\n"))
	require.NoError(t, err)
	_, err = c.ListContactConversations(context.Background(), 1, 2)
	require.NoError(t, err)
	assert.Equal(t, testToken, seen.Header.Get("Api-Access-Token"))
}

func TestListContactConversations_RefusesBadIDsBeforeAnyRequest(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { requests.Add(1) }))
	defer srv.Close()
	c := newClient(t, srv.URL)
	for _, ids := range [][2]int64{{0, 1}, {-3, 1}, {1, 0}, {1, -9}} {
		_, err := c.ListContactConversations(context.Background(), ids[0], ids[1])
		require.Error(t, err)
		assert.Contains(t, err.Error(), "is not a positive integer")
	}
	//nolint:staticcheck // a nil context is exactly what is being tested
	_, err := c.ListContactConversations(nil, 1, 1)
	assert.ErrorContains(t, err, "the context is nil")
	assert.Zero(t, requests.Load())
}

func TestWithHTTPClient_DoesNotChangeTheCallersClient(t *testing.T) {
	srv, seen := serveBody(t, http.StatusOK, "application/json", []byte(`{"payload":[]}`))
	var viaCaller atomic.Int32
	callerTransport := chatwoot.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		viaCaller.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})
	hc := &http.Client{Transport: callerTransport, Timeout: 7 * time.Second}
	before := *hc

	// A RoundTripper the client cannot look into: plain http needs the
	// caller's word that it stays on this machine.
	_, err := chatwoot.NewClient(srv.URL, chatwoot.WithAPIToken(testToken), chatwoot.WithHTTPClient(hc))
	assert.ErrorContains(t, err, "a plain http base URL needs an *http.Transport")
	c := newClient(t, srv.URL, chatwoot.WithHTTPClient(hc), chatwoot.WithInsecureHTTP())
	_, err = c.ListContactConversations(context.Background(), 1, 2)
	require.NoError(t, err)

	assert.Equal(t, int32(1), viaCaller.Load(), "requests go through the caller's transport")
	assert.Equal(t, testToken, seen.Header.Get("Api-Access-Token"))
	assert.Equal(t, fmt.Sprintf("%p", before.Transport), fmt.Sprintf("%p", hc.Transport), "transport untouched")
	assert.Nil(t, hc.CheckRedirect, "redirect policy untouched")
	assert.Equal(t, 7*time.Second, hc.Timeout)
}
