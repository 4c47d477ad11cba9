package chatwoot_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// countingLimiter counts its Waits, each taking delay, and fails with err.
type countingLimiter struct {
	waits atomic.Int32
	delay time.Duration
	err   error
}

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.waits.Add(1)
	select {
	case <-time.After(l.delay):
	case <-ctx.Done():
		return ctx.Err()
	}
	return l.err
}

func TestRateLimiter_WaitsBeforeEveryAttemptRetriesIncluded(t *testing.T) {
	srv, c, _ := fakeWithRetries(t)
	srv.Inject(chatwoottest.StatusFault(503, "text/plain", "busy"), chatwoottest.StatusFault(502, "text/plain", "busy"))
	limiter := &countingLimiter{}
	_, err := listDemoCtx(context.Background(), c, chatwoot.WithRateLimiter(limiter))
	require.NoError(t, err)
	assert.Len(t, srv.Requests(), 3)
	assert.Equal(t, int32(3), limiter.waits.Load(), "one Wait per attempt")
}

// The limiter's wait counts against the caller's context, not WithTimeout.
// The attempt's deadline is set once the limiter's wait is over: read off
// the request the transport gets, so that no timing can make it flaky.
func TestRateLimiter_WaitIsNotPartOfTheAttempt(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	limiter := &countingLimiter{delay: 300 * time.Millisecond}
	var deadline atomic.Value
	hc := &http.Client{Transport: chatwoot.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		d, _ := r.Context().Deadline()
		deadline.Store(d)
		return http.DefaultTransport.RoundTrip(r)
	})}
	const timeout = 10 * time.Second
	c, err := srv.Client(chatwoot.WithRateLimiter(limiter), chatwoot.WithTimeout(timeout), chatwoot.WithMaxRetries(0), chatwoot.WithHTTPClient(hc), chatwoot.WithInsecureHTTP())
	require.NoError(t, err)
	start := time.Now()
	convs, err := listDemo(c)
	require.NoError(t, err)
	assert.Len(t, convs, chatwoottest.DemoConversationCount)
	d, ok := deadline.Load().(time.Time)
	require.True(t, ok, "the transport saw the request")
	assert.GreaterOrEqual(t, d.Sub(start), 300*time.Millisecond+timeout, "the attempt's %v start after the limiter's 300 ms wait", timeout)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = listDemoCtx(ctx, c)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "but the context bounds it")
	assert.Len(t, srv.Requests(), 1, "nothing sent when Wait fails")
}

func TestRateLimiter_AFailedWaitSendsNothing(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	refused := errors.New("over quota")
	c, err := srv.Client()
	require.NoError(t, err)
	_, err = listDemoCtx(context.Background(), c, chatwoot.WithRateLimiter(&countingLimiter{err: refused}))
	assert.ErrorIs(t, err, refused)
	assert.Empty(t, srv.Requests())
	_, ok := chatwoot.Retryable(err)
	assert.False(t, ok)
	_, err = chatwoot.NewClient(srv.URL, chatwoot.WithAPIToken(srv.Token), chatwoot.WithRateLimiter(nil))
	assert.ErrorContains(t, err, "WithRateLimiter: the limiter is nil")
}

func TestRetryable_SaysWhatTheClientRetries(t *testing.T) {
	_, ok := chatwoot.Retryable(nil)
	assert.False(t, ok, "nil")
	for _, tc := range []struct {
		fault chatwoottest.Fault
		retry bool
	}{
		{chatwoottest.StatusFault(503, "text/plain", "busy"), true},
		{chatwoottest.StatusFault(502, "text/plain", "busy"), true},
		{chatwoottest.DatabaseTimeout(), true},
		{chatwoottest.StatusFault(500, "text/plain", "bug"), false},
		{chatwoottest.Forbidden(), false},
		{chatwoottest.Fault{CutAfter: 100}, true},
		{chatwoottest.Fault{Reset: true}, true},
	} {
		srv := chatwoottest.NewServer(t)
		c, err := srv.Client(chatwoot.WithMaxRetries(0))
		require.NoError(t, err)
		srv.Inject(tc.fault)
		_, err = listDemo(c)
		require.Error(t, err)
		wait, ok := chatwoot.Retryable(err)
		assert.Equal(t, tc.retry, ok, "%+v: %v", tc.fault, err)
		if ok {
			assert.Positive(t, wait, "%v", err)
		}
	}

	srv := chatwoottest.NewServer(t)
	c, err := srv.Client(chatwoot.WithMaxRetries(0))
	require.NoError(t, err)
	srv.Inject(chatwoottest.RateLimitedFor(3 * time.Second))
	_, err = listDemo(c)
	var apiErr *chatwoot.APIError
	require.ErrorAs(t, err, &apiErr)
	wait, ok := chatwoot.Retryable(err)
	assert.True(t, ok)
	assert.Equal(t, apiErr.RetryAfter, wait, "a 429 waits for the server's window")
	assert.InDelta(t, 3*time.Second, wait, float64(2*time.Second))

	_, err = c.ListContactConversations(context.Background(), 0, 1)
	_, ok = chatwoot.Retryable(err)
	assert.False(t, ok, "an argument error")
}

// A refused connection is reachable as the net error it is; an argument
// error is not a network error.
func TestErrors_ATransportFailureIsReachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	c := newClient(t, "http://"+addr)
	_, err = c.ListContactConversations(context.Background(), 3, 4821)
	require.Error(t, err)
	var opErr *net.OpError
	require.ErrorAs(t, err, &opErr)
	assert.Equal(t, "dial", opErr.Op)
	var netErr net.Error
	assert.ErrorAs(t, err, &netErr)
	_, ok := chatwoot.Retryable(err)
	assert.True(t, ok)
	assert.Contains(t, err.Error(), "connection refused")

	_, err = c.ListContactConversations(context.Background(), -1, 4821)
	assert.False(t, errors.As(err, &netErr), "an argument error is no network error")
}

// A 200 cut after its headers is retried like a reset; when every attempt
// is cut, the error is io.ErrUnexpectedEOF.
func TestRetry_ACutBodyIsRetried(t *testing.T) {
	srv, c, _ := fakeWithRetries(t)
	srv.Inject(chatwoottest.Fault{CutAfter: 500})
	var resp chatwoot.Response
	convs, err := listDemoCtx(context.Background(), c, chatwoot.WithResponseInto(&resp))
	require.NoError(t, err)
	assert.Len(t, convs, chatwoottest.DemoConversationCount)
	assert.Equal(t, 2, resp.Attempts)

	srv.Inject(chatwoottest.Fault{CutAfter: 500, Times: chatwoottest.Forever})
	_, err = listDemo(c)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	var derr *chatwoot.DecodeError
	assert.ErrorAs(t, err, &derr)
	_, ok := chatwoot.Retryable(err)
	assert.True(t, ok)
}

// A 200 whose body stalls after the headers ends by WithTimeout and is
// retried; the last error matches the attempt's deadline.
func TestRetry_AStalledBodyIsRetried(t *testing.T) {
	t.Parallel() // waits on timers, measures no memory
	var attempts atomic.Int32
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			attempts.Add(1)
			go func() {
				_, _ = http.ReadRequest(bufio.NewReader(conn))
				_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"payload\":[")
				time.Sleep(20 * time.Second)
				_ = conn.Close()
			}()
		}
	}()
	// 2 s, so that the head arrives within the attempt and it is the body
	// that stalls; on a machine so loaded that even the head comes late,
	// the attempt ends the same way, as "no reply within".
	c := newClient(t, "http://"+l.Addr().String(), chatwoot.WithTimeout(2*time.Second), chatwoot.WithMaxRetries(1))
	start := time.Now()
	_, err = c.ListContactConversations(context.Background(), 3, 4821)
	assert.Less(t, time.Since(start), 9*time.Second, "two attempts of 2 s and a wait, not the 20 s stall")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Regexp(t, `the body stalled after \d+ bytes|no reply within 2s`, err.Error())
	assert.Equal(t, int32(2), attempts.Load())
	_, ok := chatwoot.Retryable(err)
	assert.True(t, ok)
}

// A job over 3000 contacts against Chatwoot's limit (3000 requests a
// minute, here 300 a window of 100 ms), with 429s, 5xx, resets and cut
// bodies injected: every contact is reported, none with an error, and the
// fake's limit never refuses a request.
func TestBulkJob_ThreeThousandContactsUnderTheLimit(t *testing.T) {
	const window, limit = 100 * time.Millisecond, 300
	srv := chatwoottest.NewServer(t, chatwoottest.WithoutSeedData(), chatwoottest.WithRateLimit(limit, window))
	var contacts []int64
	for id := int64(1); id <= 3000; id++ {
		srv.AddConversations(1, id, chatwoottest.NewConversation(id, id))
		contacts = append(contacts, id)
	}
	var injected []chatwoottest.Fault
	for i := int64(0); i < 40; i++ {
		injected = append(injected,
			chatwoottest.Fault{Contact: 10 + i*70, Status: 503, Body: "busy"},
			chatwoottest.Fault{Contact: 20 + i*70, Reset: true},
			chatwoottest.Fault{Contact: 30 + i*70, CutAfter: 40},
			chatwoottest.Fault{Contact: 40 + i*70, Status: 502, Body: "bad gateway"})
	}
	injected = append(injected, chatwoottest.RateLimited(), chatwoottest.DatabaseTimeout())
	srv.Inject(injected...)

	tick := time.NewTicker(window / (limit * 9 / 10)) // 90% of the limit, burst 1
	defer tick.Stop()
	c, err := srv.Client(chatwoot.WithRateLimiter(pacer{tick}))
	require.NoError(t, err)
	chatwoot.ShortenWaits(c)
	counts, failed := runJob(context.Background(), c, 1, contacts, 8)
	assert.Empty(t, failed)
	assert.Len(t, counts, len(contacts), "every contact reported")

	perWindow := map[int64]int{}
	statuses := map[int]int{}
	for _, r := range srv.Requests() {
		perWindow[r.Time.UnixNano()/int64(window)]++
		statuses[r.Status]++
	}
	assert.Equal(t, 1, statuses[http.StatusTooManyRequests], "only the injected 429: the limit never refused one")
	for w, n := range perWindow {
		assert.LessOrEqual(t, n, limit, "window %d", w)
	}
	t.Logf("%d requests for %d contacts; statuses %v; busiest window %d of %d", len(srv.Requests()), len(contacts), statuses, maxOf(perWindow), limit)
}

func maxOf(m map[int64]int) int {
	best := 0
	for _, n := range m {
		best = max(best, n)
	}
	return best
}

// An error reply whose body stalls past what the client reads is not
// waited for until the attempt's deadline: the rest is not needed.
func TestErrors_TheRestOfAStalledErrorBodyIsNotAwaited(t *testing.T) {
	stalled := make(chan struct{})
	url := serveRaw(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", "1048576")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write(bytes.Repeat([]byte("<p>busy</p>"), 10_000))
		w.(http.Flusher).Flush()
		<-stalled
	})
	t.Cleanup(func() { close(stalled) }) // before the server's Close, which waits for the handler
	start := time.Now()
	_, err := newClient(t, url, chatwoot.WithTimeout(10*time.Second)).ListContactConversations(context.Background(), 3, 4821)
	var apiErr *chatwoot.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
	assert.Less(t, time.Since(start), 5*time.Second, "not the 10 s of the attempt's deadline")
}
