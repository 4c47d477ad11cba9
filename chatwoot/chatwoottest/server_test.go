package chatwoottest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chatwoot/chatwoot-go/gen"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

func client(t *testing.T, srv *chatwoottest.Server) *chatwoot.Client {
	t.Helper()
	c, err := srv.Client(chatwoot.WithMaxRetries(0))
	require.NoError(t, err)
	return c
}

func TestServer_SeededContacts(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	c := client(t, srv)
	ctx := context.Background()

	demo, err := c.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	require.NoError(t, err)
	require.Len(t, demo, chatwoottest.DemoConversationCount)
	statuses := map[chatwoot.ConversationStatus]bool{}
	for i, conv := range demo {
		statuses[conv.Status] = true
		assert.Equal(t, chatwoottest.DemoContactID, conv.Meta.Sender.ID)
		if i > 0 {
			assert.GreaterOrEqual(t, demo[i-1].LastActivityAt, conv.LastActivityAt, "newest activity first")
		}
	}
	assert.Len(t, statuses, 4, "every status")

	many, err := c.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.ManyConversationsContactID)
	require.NoError(t, err)
	require.Len(t, many, 20, "at most 20, as Chatwoot")
	assert.Equal(t, int64(2024), many[0].ID, "the newest")
	assert.Equal(t, int64(2005), many[19].ID, "the five oldest are left out")

	none, err := c.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.NoConversationsContactID)
	require.NoError(t, err)
	assert.Empty(t, none)

	one, err := c.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.OneConversationContactID)
	require.NoError(t, err)
	assert.Len(t, one, 1)

	other, err := c.ListContactConversations(ctx, chatwoottest.OtherAccountID, chatwoottest.OtherAccountContactID)
	require.NoError(t, err)
	require.Len(t, other, 2)
	assert.Equal(t, chatwoottest.OtherAccountID, other[0].AccountID)
	assert.Empty(t, srv.Violations())
}

// get sends a raw request, so the test sees exactly what the server sends.
func get(t *testing.T, url string, header http.Header) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { require.NoError(t, resp.Body.Close()) }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

func TestServer_BehavesLikeChatwoot(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	path := func(account, contact int64) string {
		return fmt.Sprintf("%s/api/v1/accounts/%d/contacts/%d/conversations", srv.URL, account, contact)
	}
	demo := path(chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	tests := []struct {
		name   string
		url    string
		header http.Header
		status int
		body   string
	}{
		{"no token", demo, http.Header{}, 401, `{"errors":["You need to sign in or sign up before continuing."]}`},
		{"wrong token", demo, http.Header{"Api-Access-Token": {"nope"}}, 401, `{"error":"Invalid Access Token"}`},
		{"unknown account", path(999, 1), http.Header{"Api-Access-Token": {srv.Token}}, 404, `{"error":"Resource could not be found"}`},
		{"unknown contact", path(chatwoottest.DemoAccountID, 999), http.Header{"Api-Access-Token": {srv.Token}}, 404, `{"error":"Resource could not be found"}`},
		{"contact of another account", path(chatwoottest.OtherAccountID, chatwoottest.DemoContactID), http.Header{"Api-Access-Token": {srv.Token}}, 404, `{"error":"Resource could not be found"}`},
		{"account the user is not in", path(chatwoottest.ForeignAccountID, 1), http.Header{"Api-Access-Token": {srv.Token}}, 401, `{"error":"You are not authorized to access this account"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, ct, body := get(t, tt.url, tt.header)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, "application/json; charset=utf-8", ct)
			assert.JSONEq(t, tt.body, body)
		})
	}

	// Rack reads the token under either spelling.
	status, _, body := get(t, demo, http.Header{"Api_access_token": {srv.Token}})
	assert.Equal(t, 200, status)
	assert.True(t, strings.HasPrefix(body, `{"payload":[`))
	assert.Empty(t, srv.Violations())
}

// recordingTB stands in for the test that uses the server, to see what the
// server reports to it.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	logs   []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Cleanup(func()) {}

func TestServer_ABadReplyFailsTheTestLoudly(t *testing.T) {
	tb := &recordingTB{TB: t}
	srv := chatwoottest.NewServer(tb, chatwoottest.WithoutSeedData())
	defer srv.Close()
	bad := chatwoottest.NewConversation(1, 5)
	bad.Status = "archived" // not a status Chatwoot has
	srv.AddConversations(1, 5, bad)

	_, err := client(t, srv).ListContactConversations(context.Background(), 1, 5)
	var apiErr *chatwoot.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 500, apiErr.StatusCode)
	assert.Contains(t, apiErr.Message, "violates api/openapi.yaml")

	require.Len(t, tb.errors, 1, "the test that caused it fails")
	assert.Contains(t, tb.errors[0], `archived`)
	require.Len(t, srv.Violations(), 1)
}

func TestServer_ABadRequestFailsTheTestLoudly(t *testing.T) {
	tb := &recordingTB{TB: t}
	srv := chatwoottest.NewServer(tb)
	defer srv.Close()
	status, _, body := get(t, srv.URL+"/api/v1/accounts/three/contacts/1/conversations", http.Header{"Api-Access-Token": {srv.Token}})
	assert.Equal(t, 500, status)
	assert.Contains(t, body, "violates api/openapi.yaml")
	status, _, _ = get(t, srv.URL+"/api/v1/accounts/3/contacts", http.Header{"Api-Access-Token": {srv.Token}})
	assert.Equal(t, 500, status)
	require.Len(t, tb.errors, 2)
	assert.Contains(t, tb.errors[1], "is not in api/openapi.yaml")
}

func TestNewConversation_IsValidAndEditable(t *testing.T) {
	srv := chatwoottest.NewServer(t, chatwoottest.WithoutSeedData())
	conv := chatwoottest.NewConversation(42, 7)
	conv.Status = gen.ConversationStatusOpen
	conv.Labels = nil // made [] as the server sends it
	srv.AddConversations(1, 7, conv)
	got, err := client(t, srv).ListContactConversations(context.Background(), 1, 7)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, int64(42), got[0].ID)
	assert.Equal(t, int64(7), got[0].Meta.Sender.ID)
	assert.Equal(t, int64(1), got[0].AccountID)
	assert.Equal(t, []string{}, got[0].Labels)
	assert.Empty(t, srv.Violations())
}

func TestServer_Faults(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	c := client(t, srv)
	ctx := context.Background()
	list := func() ([]chatwoot.Conversation, error) {
		return c.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	}

	srv.Inject(chatwoottest.RateLimited())
	_, err := list()
	assert.ErrorIs(t, err, chatwoot.ErrRateLimited)
	assert.Contains(t, err.Error(), "Retry later")

	srv.Inject(chatwoottest.StatusFault(503, "text/html", "<html><title>Maintenance</title></html>"))
	_, err = list()
	assert.ErrorContains(t, err, `503 Service Unavailable: an HTML page titled "Maintenance"`)

	srv.Inject(chatwoottest.Fault{CutAfter: 100})
	convs, err := list()
	assert.Nil(t, convs)
	assert.ErrorContains(t, err, "ends after 100 bytes")

	srv.Inject(chatwoottest.Fault{Reset: true})
	_, err = list()
	assert.Error(t, err)

	start := time.Now()
	srv.Inject(chatwoottest.Fault{Delay: 50 * time.Millisecond})
	convs, err = list()
	require.NoError(t, err)
	assert.Len(t, convs, chatwoottest.DemoConversationCount)
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)

	// Faults are used up: the next request is normal again.
	convs, err = list()
	require.NoError(t, err)
	assert.Len(t, convs, chatwoottest.DemoConversationCount)
	assert.Len(t, srv.Requests(), 6)
	assert.Empty(t, srv.Violations())
}

// Faults aimed at one contact leave the others alone.
func TestFaults_AimedAtAContact(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	c := client(t, srv)
	ctx := context.Background()
	srv.Inject(chatwoottest.Fault{Contact: chatwoottest.OneConversationContactID, Times: chatwoottest.Forever,
		Status: 500, ContentType: "application/json", Body: `{"error":"boom"}`})
	for range 3 {
		_, err := c.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
		require.NoError(t, err, "another contact is not affected")
		_, err = c.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.OneConversationContactID)
		assert.ErrorContains(t, err, "500 Internal Server Error: boom", "every time: Forever")
	}
	srv.ClearFaults()
	_, err := c.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.OneConversationContactID)
	require.NoError(t, err)

	srv.Inject(chatwoottest.Fault{Account: chatwoottest.OtherAccountID, Status: 503, Body: "busy"})
	_, err = c.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	require.NoError(t, err, "the fault waits for its account")
	_, err = c.ListContactConversations(ctx, chatwoottest.OtherAccountID, chatwoottest.OtherAccountContactID)
	assert.ErrorContains(t, err, "503")
}

// Times repeats a fault; PassThrough lets one request through in a sequence.
func TestFaults_RepeatAndPassThrough(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	c := client(t, srv)
	srv.Inject(chatwoottest.Fault{Status: 502, Body: "bad gateway", Times: 2}, chatwoottest.PassThrough(), chatwoottest.Forbidden())
	var got []string
	for range 5 {
		_, err := c.ListContactConversations(context.Background(), chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
		if err != nil {
			got = append(got, err.Error()[strings.Index(err.Error(), "conversations: ")+15:][:3])
		} else {
			got = append(got, "ok")
		}
	}
	assert.Equal(t, []string{"502", "502", "ok", "403", "ok"}, got)
}

// A Reset costs one attempt, on a fresh connection and on a reused one
// alike (net/http would otherwise retry a reused one by itself).
func TestFaults_ResetCostsOneAttemptOnAReusedConnection(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	c := client(t, srv)
	ctx := context.Background()
	_, err := c.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	require.NoError(t, err, "opens a connection that the next call reuses")
	srv.Inject(chatwoottest.Fault{Reset: true}, chatwoottest.Fault{Reset: true})
	_, err = c.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	require.Error(t, err)
	assert.Len(t, srv.Requests(), 2, "one request for the one attempt")
	_, err = c.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	require.Error(t, err, "the second Reset is still there for the next call")
	_, err = c.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	require.NoError(t, err)
}

// RateLimited makes a client wait about a second, not a minute.
func TestFaults_RateLimitedWaitsASecond(t *testing.T) {
	t.Parallel() // waits on the clock, not the CPU
	srv := chatwoottest.NewServer(t)
	c, err := srv.Client()
	require.NoError(t, err)
	srv.Inject(chatwoottest.RateLimited())
	start := time.Now()
	_, err = c.ListContactConversations(context.Background(), chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	require.NoError(t, err)
	took := time.Since(start)
	assert.GreaterOrEqual(t, took, time.Second)
	assert.Less(t, took, 5*time.Second, "a second and its jitter, with room for a busy machine; not a minute")

	var resp chatwoot.Response
	srv.Inject(chatwoottest.RateLimitedFor(45 * time.Second))
	_, err = c.ListContactConversations(context.Background(), chatwoottest.DemoAccountID, chatwoottest.DemoContactID,
		chatwoot.WithResponseInto(&resp))
	var apiErr *chatwoot.APIError
	require.ErrorAs(t, err, &apiErr, "45 s is past the client's 30 s budget: no wait")
	assert.InDelta(t, 45, apiErr.RetryAfter.Seconds(), 1.5)
	assert.Equal(t, 1, resp.Attempts)
}
