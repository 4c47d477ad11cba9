package chatwoot_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// fakeWithRetries starts the fake server and a client with the default three
// attempts whose waits are recorded, not slept.
func fakeWithRetries(t *testing.T, opts ...chatwoot.Option) (*chatwoottest.Server, *chatwoot.Client, *chatwoot.WaitRecorder) {
	t.Helper()
	srv := chatwoottest.NewServer(t)
	c, err := srv.Client(opts...)
	require.NoError(t, err)
	return srv, c, chatwoot.RecordWaits(c)
}

func listDemo(c *chatwoot.Client) ([]chatwoot.Conversation, error) {
	return listDemoCtx(context.Background(), c)
}

func listDemoCtx(ctx context.Context, c *chatwoot.Client, opts ...chatwoot.Option) ([]chatwoot.Conversation, error) {
	return c.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.DemoContactID, opts...)
}

func TestRetry_TransientStatusesAreRetried(t *testing.T) {
	for _, status := range []int{502, 503, 504} {
		srv, c, waits := fakeWithRetries(t)
		srv.Inject(chatwoottest.StatusFault(status, "text/html", "<html>busy</html>"),
			chatwoottest.StatusFault(status, "text/html", "<html>busy</html>"))
		convs, err := listDemo(c)
		require.NoError(t, err, "status %d", status)
		assert.Len(t, convs, chatwoottest.DemoConversationCount)
		assert.Len(t, srv.Requests(), 3)
		// Capped exponential backoff, here without its random half.
		assert.Equal(t, []time.Duration{250 * time.Millisecond, 500 * time.Millisecond}, waits.Waits(), "status %d", status)
	}
}

func TestRetry_GivesUpAfterThreeAttemptsByDefault(t *testing.T) {
	srv, c, waits := fakeWithRetries(t)
	for range 4 {
		srv.Inject(chatwoottest.StatusFault(503, "text/plain", "down for maintenance"))
	}
	_, err := listDemo(c)
	var apiErr *chatwoot.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, "down for maintenance", apiErr.Message)
	assert.Len(t, srv.Requests(), 3)
	assert.Len(t, waits.Waits(), 2)
}

func TestRetry_WithMaxRetriesZeroMeansOneAttempt(t *testing.T) {
	srv, c, waits := fakeWithRetries(t, chatwoot.WithMaxRetries(0))
	srv.Inject(chatwoottest.StatusFault(503, "text/plain", "down"))
	_, err := listDemo(c)
	require.Error(t, err)
	assert.Len(t, srv.Requests(), 1)
	assert.Empty(t, waits.Waits())

	_, err = chatwoot.NewClient(srv.URL, chatwoot.WithAPIToken(testToken), chatwoot.WithMaxRetries(-1))
	assert.ErrorContains(t, err, "pass 0 (no retries) to 10")
}

func TestRetry_PermanentFailuresAreNotRetried(t *testing.T) {
	for _, fault := range []chatwoottest.Fault{
		chatwoottest.StatusFault(500, "application/json", `{"status":500,"error":"Internal Server Error"}`),
		chatwoottest.StatusFault(404, "application/json", `{"error":"Resource could not be found"}`),
		chatwoottest.StatusFault(401, "application/json", `{"error":"Invalid Access Token"}`),
		chatwoottest.StatusFault(400, "text/plain", "bad"),
	} {
		srv, c, waits := fakeWithRetries(t)
		srv.Inject(fault)
		_, err := listDemo(c)
		require.Error(t, err, fault.Status)
		assert.Len(t, srv.Requests(), 1, "status %d", fault.Status)
		assert.Empty(t, waits.Waits())
	}
}

func TestRetry_ChatwootsRateLimitWaitsForTheNextWindow(t *testing.T) {
	srv, c, waits := fakeWithRetries(t)
	// rack-attack counts per minute of Unix time; its 429 has no Retry-After.
	limited := chatwoottest.RateLimited()
	limited.Header = http.Header{"Date": {"Mon, 23 Nov 2026 19:04:45 GMT"}}
	srv.Inject(limited)
	convs, err := listDemo(c)
	require.NoError(t, err)
	assert.Len(t, convs, chatwoottest.DemoConversationCount)
	assert.Equal(t, []time.Duration{15 * time.Second}, waits.Waits(), "until 19:05:00 by the server's clock")
}

// rateLimitedAt is Chatwoot's 429 sent when the server's clock says date.
func rateLimitedAt(date string) chatwoottest.Fault {
	f := chatwoottest.RateLimited()
	f.Header = http.Header{"Date": {date}}
	return f
}

func TestRetry_RateLimitedAfterEveryAttempt(t *testing.T) {
	srv, c, waits := fakeWithRetries(t)
	late := rateLimitedAt("Mon, 23 Nov 2026 19:04:55 GMT") // 5 s before the next window
	srv.Inject(late, late, late)
	_, err := listDemo(c)
	assert.ErrorIs(t, err, chatwoot.ErrRateLimited)
	assert.Contains(t, err.Error(), "429 Too Many Requests: Retry later")
	assert.Len(t, srv.Requests(), 3)
	assert.Equal(t, []time.Duration{5 * time.Second, 5 * time.Second}, waits.Waits())
	var apiErr *chatwoot.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 5*time.Second, apiErr.RetryAfter, "when the window resets, computed: Chatwoot sends no Retry-After")
}

// The next window is 50 s away, past the 30 s the call may wait: it
// returns at once, saying when to come back.
func TestRetry_RateLimitPastTheBudgetReturnsAtOnce(t *testing.T) {
	srv, c, waits := fakeWithRetries(t)
	srv.Inject(rateLimitedAt("Mon, 23 Nov 2026 19:04:10 GMT"))
	start := time.Now()
	_, err := listDemo(c)
	assert.Less(t, time.Since(start), time.Second)
	require.ErrorIs(t, err, chatwoot.ErrRateLimited)
	var apiErr *chatwoot.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 50*time.Second, apiErr.RetryAfter)
	assert.Len(t, srv.Requests(), 1)
	assert.Empty(t, waits.Waits())

	// A larger budget, for this call only, waits for the window.
	srv.Inject(rateLimitedAt("Mon, 23 Nov 2026 19:04:10 GMT"))
	_, err = listDemoCtx(context.Background(), c, chatwoot.WithMaxRetryWait(time.Minute))
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{50 * time.Second}, waits.Waits())
}

// Waits add up against the budget: the third attempt would need 20 s more
// after 15 s, past 30 s, so it is not made.
func TestRetry_WaitsAddUpToTheBudget(t *testing.T) {
	srv, c, waits := fakeWithRetries(t)
	fault := chatwoottest.StatusFault(503, "text/plain", "busy")
	fault.Header = http.Header{"Retry-After": {"15"}}
	second := fault
	second.Header = http.Header{"Retry-After": {"20"}}
	srv.Inject(fault, second)
	_, err := listDemo(c)
	var apiErr *chatwoot.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, 20*time.Second, apiErr.RetryAfter)
	assert.Equal(t, []time.Duration{15 * time.Second}, waits.Waits())
	assert.Len(t, srv.Requests(), 2)
}

func TestRetry_RetryAfterIsHonouredUpToACap(t *testing.T) {
	now := time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		retryAfter string
		wait       time.Duration
		retried    bool
	}{
		{"seconds", "7", 7 * time.Second, true},
		{"an HTTP date", now.Add(42 * time.Second).Format(http.TimeFormat), 42 * time.Second, true},
		{"a date in the past", now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"the cap", "60", 60 * time.Second, true},
		{"past the cap", "3600", 0, false},
		{"garbage falls back to backoff", "soon", 250 * time.Millisecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A budget that allows the longest wait the server may ask for.
			srv, c, waits := fakeWithRetries(t, chatwoot.WithMaxRetryWait(2*time.Minute))
			chatwoot.SetClock(c, func() time.Time { return now })
			fault := chatwoottest.StatusFault(503, "text/plain", "busy")
			fault.Header = http.Header{"Retry-After": {tt.retryAfter}}
			srv.Inject(fault)
			_, err := listDemo(c)
			if !tt.retried {
				var apiErr *chatwoot.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, time.Hour, apiErr.RetryAfter, "the caller sees what was asked")
				assert.Len(t, srv.Requests(), 1)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, []time.Duration{tt.wait}, waits.Waits())
		})
	}
}

func TestRetry_ConnectionFailuresAreRetried(t *testing.T) {
	srv, c, waits := fakeWithRetries(t)
	srv.Inject(chatwoottest.Fault{Reset: true})
	convs, err := listDemo(c)
	require.NoError(t, err)
	assert.Len(t, convs, chatwoottest.DemoConversationCount)
	assert.NotEmpty(t, waits.Waits())

	// Nothing listens: three attempts, then the dial error.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	dead, err := chatwoot.NewClient("http://"+addr, chatwoot.WithAPIToken(testToken))
	require.NoError(t, err)
	deadWaits := chatwoot.RecordWaits(dead)
	_, err = listDemo(dead)
	assert.ErrorContains(t, err, "connection refused")
	assert.Len(t, deadWaits.Waits(), 2)
}

// The previous reply's body is drained and closed before the next attempt,
// so the retry reuses the connection.
func TestRetry_DrainsTheFailedReplyAndReusesTheConnection(t *testing.T) {
	var conns, calls atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html>" + strings.Repeat("proxy page ", 5000) + "</html>"))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(fixture(t, "example_response.json"))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := chatwoot.NewClient(srv.URL, chatwoot.WithAPIToken(testToken))
	require.NoError(t, err)
	chatwoot.RecordWaits(c)
	convs, err := c.ListContactConversations(context.Background(), 3, 4821)
	require.NoError(t, err)
	assert.Len(t, convs, 2)
	assert.Equal(t, int32(2), calls.Load())
	assert.Equal(t, int32(1), conns.Load(), "one connection for both attempts")
}

// A wait that cannot end before the context's deadline is not started.
func TestRetry_AWaitPastTheDeadlineIsNotStarted(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	c, err := srv.Client() // real sleeping
	require.NoError(t, err)
	fault := chatwoottest.StatusFault(503, "text/plain", "busy")
	fault.Header = http.Header{"Retry-After": {"30"}}
	srv.Inject(fault)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err = listDemoCtx(ctx, c)
	assert.Less(t, time.Since(start), 5*time.Second, "at once, not after the 10 s")
	var apiErr *chatwoot.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 30*time.Second, apiErr.RetryAfter)
	assert.Len(t, srv.Requests(), 1)
}

// A wait under way ends when the context is canceled, and says so.
func TestRetry_WaitsEndWhenTheContextDoes(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	c, err := srv.Client() // real sleeping
	require.NoError(t, err)
	limited := chatwoottest.RateLimited()
	limited.Header = http.Header{"Retry-After": {"20"}}
	srv.Inject(limited)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err = listDemoCtx(ctx, c)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, chatwoot.ErrRateLimited, "and says what it was waiting out")
	assert.Contains(t, err.Error(), "gave up waiting")
	assert.Less(t, time.Since(start), 10*time.Second, "not the 20 s the 429 asked for")
	assert.Len(t, srv.Requests(), 1)
}

func TestRetry_ASlowServerEndsWithTheContext(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	c, err := srv.Client()
	require.NoError(t, err)
	srv.Inject(chatwoottest.Fault{Delay: 5 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = listDemoCtx(ctx, c)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Len(t, srv.Requests(), 1, "no retry once the context has ended")

	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	_, err = listDemoCtx(ctx, c)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestRetry_BackoffIsCappedAndJittered(t *testing.T) {
	for n := 1; n <= 40; n++ {
		d := chatwoot.Backoff(n)
		full := min(500*time.Millisecond<<min(n-1, 20), 8*time.Second)
		assert.GreaterOrEqual(t, d, full/2, "retry %d", n)
		assert.LessOrEqual(t, d, full, "retry %d", n)
	}
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[chatwoot.Backoff(3)] = true
	}
	assert.Greater(t, len(seen), 1, "jitter spreads the waits")
}

func TestDefaultHTTPClient_TimesEachAttemptItself(t *testing.T) {
	c := newClient(t, "https://chat.example.com")
	hc := chatwoot.HTTPClientOf(c)
	assert.Zero(t, hc.Timeout, "no http.Client.Timeout: it would count the wait for a connection")
	assert.Equal(t, 30*time.Second, chatwoot.DefaultTimeout)

	mine := &http.Client{Timeout: 3 * time.Second}
	assert.Equal(t, 3*time.Second, chatwoot.HTTPClientOf(newClient(t, "https://chat.example.com", chatwoot.WithHTTPClient(mine))).Timeout,
		"the caller's timeout is kept")
}

func TestErrors_AreNotSwallowed(t *testing.T) {
	_, c, _ := fakeWithRetries(t)
	_, err := c.ListContactConversations(context.Background(), 999, 1)
	assert.True(t, errors.Is(err, chatwoot.ErrNotFound))
}

// Chatwoot Cloud's 403 (4.16+) is final: not retried, matched by
// ErrForbidden, with a hint that names the plan's API access.
func TestRetry_ForbiddenIsNotRetried(t *testing.T) {
	srv, c, waits := fakeWithRetries(t)
	srv.Inject(chatwoottest.Forbidden())
	_, err := listDemo(c)
	require.ErrorIs(t, err, chatwoot.ErrForbidden)
	assert.NotErrorIs(t, err, chatwoot.ErrUnauthorized)
	var apiErr *chatwoot.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 403, apiErr.StatusCode)
	assert.Equal(t, "API access is not enabled for this account", apiErr.Message)
	assert.Contains(t, err.Error(), "Cloud plan does not include API access")
	assert.Len(t, srv.Requests(), 1)
	assert.Empty(t, waits.Waits())
}

// A database timeout (422, 4.16+) is transient: retried, and typed when the
// retries run out.
func TestRetry_DatabaseTimeoutIsRetried(t *testing.T) {
	srv, c, waits := fakeWithRetries(t)
	srv.Inject(chatwoottest.DatabaseTimeout())
	convs, err := listDemo(c)
	require.NoError(t, err)
	assert.Len(t, convs, chatwoottest.DemoConversationCount)
	assert.Len(t, waits.Waits(), 1)

	srv.Inject(chatwoottest.DatabaseTimeout(), chatwoottest.DatabaseTimeout(), chatwoottest.DatabaseTimeout())
	_, err = listDemo(c)
	require.ErrorIs(t, err, chatwoot.ErrServerTimeout)
	assert.Contains(t, err.Error(), "422 Unprocessable Entity: The request took too long to complete. Please try again.")
	assert.Len(t, srv.Requests(), 5, "1+1, then 3 attempts")
}

// Each attempt has its own deadline (WithTimeout): a server that does not
// answer in time costs one attempt, and the next one is made.
func TestRetry_AnAttemptThatTimesOutIsRetried(t *testing.T) {
	t.Parallel() // waits on timers, measures no memory
	// The honest retry must come within the timeout however busy the
	// machine (100 ms, then 1 s, were too short under -race beside two busy
	// processes and other parallel tests); the stalled attempt waits it out.
	srv, c, waits := fakeWithRetries(t, chatwoot.WithTimeout(5*time.Second))
	srv.Inject(chatwoottest.Fault{Delay: time.Minute})
	convs, err := listDemo(c)
	require.NoError(t, err)
	assert.Len(t, convs, chatwoottest.DemoConversationCount)
	assert.Len(t, srv.Requests(), 2)
	assert.Len(t, waits.Waits(), 1)

	srv.Inject(chatwoottest.Fault{Delay: time.Minute})
	_, err = listDemoCtx(context.Background(), c, chatwoot.WithMaxRetries(0), chatwoot.WithTimeout(200*time.Millisecond))
	assert.ErrorContains(t, err, "no reply within 200ms (see WithTimeout)")
}

// Per-call options apply to that call; client-only ones are refused there.
func TestCallOptions(t *testing.T) {
	srv, c, waits := fakeWithRetries(t)
	srv.Inject(chatwoottest.StatusFault(503, "text/plain", "busy"), chatwoottest.StatusFault(503, "text/plain", "busy"))
	_, err := listDemoCtx(context.Background(), c, chatwoot.WithMaxRetries(0))
	require.Error(t, err, "no retries for this call")
	assert.Len(t, srv.Requests(), 1)
	_, err = listDemo(c)
	require.NoError(t, err, "the client's own retries are unchanged")
	assert.Len(t, waits.Waits(), 1)

	for name, opt := range map[string]chatwoot.Option{
		"WithAPIToken":         chatwoot.WithAPIToken("other-token-123"),
		"WithHTTPClient":       chatwoot.WithHTTPClient(&http.Client{}),
		"WithUserAgent":        chatwoot.WithUserAgent("x"),
		"WithMaxResponseBytes": chatwoot.WithMaxResponseBytes(4096),
		"WithInsecureHTTP":     chatwoot.WithInsecureHTTP(),
	} {
		_, err := listDemoCtx(context.Background(), c, opt)
		assert.ErrorContains(t, err, name+" is for a Client: pass it to NewClient", name)
	}
	_, err = chatwoot.NewClient(srv.URL, chatwoot.WithAPIToken(srv.Token), chatwoot.WithResponseInto(&chatwoot.Response{}))
	assert.ErrorContains(t, err, "WithResponseInto is for one call")
}

func TestWithResponseInto(t *testing.T) {
	srv, c, _ := fakeWithRetries(t)
	busy := chatwoottest.StatusFault(503, "text/plain", "busy")
	srv.Inject(busy)
	var resp chatwoot.Response
	_, err := listDemoCtx(context.Background(), c, chatwoot.WithResponseInto(&resp))
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, 2, resp.Attempts)
	assert.Equal(t, 250*time.Millisecond, resp.Waited)
	assert.Contains(t, resp.Header.Get("Content-Type"), "application/json")
	assert.NotEmpty(t, resp.RequestID, "the fake sends X-Request-Id, as Rails does")
}
