package chatwoot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// Each test here guards a defect found on an older version.

// bytesServer answers every request with reply, byte for byte, then closes
// the connection. reply is built once, so that serving it allocates
// nothing that a memory bound would count.
func bytesServer(t *testing.T, reply []byte) string {
	t.Helper()
	return tcpServer(t, func(conn net.Conn, _ *http.Request) { _, _ = conn.Write(reply) })
}

// A malformed response head of megabytes (a status line of 0x80 bytes, a
// header line without a colon) once cost hundreds of MiB and seconds per
// attempt: net/http quotes the line in its error (%q: four bytes for each
// 0x80), and the client scrubbed and copied that text whole. Now each
// attempt fails fast, with a short error free of the token. On the default
// transport, which reads at most 64 KiB of head, a call of three attempts
// costs little whatever the size; on a caller's transport, which reads up
// to 10 MiB of head, net/http's own error costs what it costs, and the
// client adds at most a fraction of it (its scrubber sees bounded windows).
func TestDefect_AHugeMalformedResponseHead(t *testing.T) {
	heads := map[string]func(n int) []byte{
		"status line of 0x80 bytes": func(n int) []byte {
			return bytes.Join([][]byte{[]byte("HTTP/1.1 2" + testToken), bytes.Repeat([]byte{0x80}, n), []byte(testToken + "\r\n\r\n")}, nil)
		},
		"header line without a colon": func(n int) []byte {
			return bytes.Join([][]byte{[]byte("HTTP/1.1 200 OK\r\n" + testToken), bytes.Repeat([]byte{'x'}, n), []byte(testToken + "\r\n\r\n")}, nil)
		},
	}
	check := func(t *testing.T, err error, took time.Duration) {
		t.Helper()
		require.Error(t, err)
		assert.Less(t, took, 10*time.Second)
		assert.Less(t, len(err.Error()), 4<<10, "the error's text is bounded")
		assert.Less(t, len(formatted(err)), 5*(8<<10), "every format of the error is bounded")
		noToken(t, append(errorTexts(err), formatted(err))...)
	}
	for headName, head := range heads {
		for _, size := range []int{1536 << 10, 9 << 20} {
			t.Run(fmt.Sprintf("%s, %d KiB, default transport", headName, size>>10), func(t *testing.T) {
				url := bytesServer(t, head(size))
				c := newClient(t, url, chatwoot.WithMaxRetries(2))
				chatwoot.ShortenWaits(c)
				var resp chatwoot.Response
				var err error
				var took time.Duration
				used := memoryUsedBy(func() {
					start := time.Now()
					_, err = c.ListContactConversations(context.Background(), 3, 4821, chatwoot.WithResponseInto(&resp))
					took = time.Since(start)
				})
				t.Logf("%v, %d KiB allocated: %.160s", took.Round(time.Millisecond), used>>10, err)
				check(t, err, took)
				assert.Equal(t, 3, resp.Attempts, "a broken head is retried like a failure to connect")
				assert.Less(t, used, uint64(64<<20), "bytes allocated by the call's three attempts")
			})
		}
		size := 1536 << 10
		t.Run(fmt.Sprintf("%s, %d KiB, caller's transport", headName, size>>10), func(t *testing.T) {
			url := bytesServer(t, head(size))
			// What net/http alone allocates for one such reply.
			plain := &http.Client{Transport: &http.Transport{}}
			t.Cleanup(plain.CloseIdleConnections)
			baseline := memoryUsedBy(func() {
				resp, err := plain.Get(url + "/api/v1/accounts/3/contacts/4821/conversations")
				if err == nil {
					_ = resp.Body.Close()
				}
				require.Error(t, err)
			})
			c := newClient(t, url, chatwoot.WithMaxRetries(0), chatwoot.WithHTTPClient(&http.Client{Transport: &http.Transport{}}))
			var err error
			var took time.Duration
			used := memoryUsedBy(func() {
				start := time.Now()
				_, err = c.ListContactConversations(context.Background(), 3, 4821)
				took = time.Since(start)
			})
			t.Logf("%v, %d MiB allocated (net/http alone: %d MiB): %.160s", took.Round(time.Millisecond), used>>20, baseline>>20, err)
			check(t, err, took)
			assert.Less(t, used, 2*baseline+32<<20, "bytes allocated, beyond what net/http allocates itself")
		})
	}
}

// countValues is the number of header values in h, and its longest value.
func countValues(h http.Header) (n, longest int) {
	for k, vs := range h {
		longest = max(longest, len(k))
		for _, v := range vs {
			n++
			longest = max(longest, len(v))
		}
	}
	return n, longest
}

// WithResponseInto once copied every header the server sent into the
// Response, whatever their size: a 2 MiB value, or 5000 headers, cost
// megabytes per call and kept them alive. Now the copy is bounded (at most
// 100 values, each cut at 1 KiB) and scrubbed of the token the server
// echoes, in values and in names.
func TestDefect_WithResponseIntoOnHugeHeaders(t *testing.T) {
	bigValue := func(w http.ResponseWriter, tok string) {
		w.Header().Set("X-Big", tok+" "+strings.Repeat("v", 2<<20)+" "+tok)
		w.Header().Set("X-Echo", "your token is "+tok)
	}
	manyHeaders := func(w http.ResponseWriter, tok string) {
		for i := range 5000 {
			w.Header().Set("X-H-"+strconv.Itoa(i), "value "+strconv.Itoa(i)+" "+tok)
		}
		w.Header().Set("X-"+tok, "named after the token")
	}
	for name, headers := range map[string]func(http.ResponseWriter, string){"a 2 MiB value": bigValue, "5000 headers": manyHeaders} {
		for _, status := range []int{200, 503} {
			// The default transport refuses a head over 64 KiB; a caller's
			// transport with a high limit lets the Response see it all.
			for trName, opt := range map[string]chatwoot.Option{
				"default transport":  nil,
				"caller's transport": chatwoot.WithHTTPClient(&http.Client{Transport: &http.Transport{MaxResponseHeaderBytes: 64 << 20}}),
			} {
				t.Run(fmt.Sprintf("%s, %d, %s", name, status, trName), func(t *testing.T) {
					var echoed atomic.Bool
					url := serveRaw(t, func(w http.ResponseWriter, r *http.Request) {
						tok := r.Header.Get("Api-Access-Token")
						echoed.Store(tok == testToken)
						headers(w, tok)
						w.Header().Set("Content-Type", "application/json")
						w.WriteHeader(status)
						_, _ = w.Write([]byte(`{"payload":[]}`))
					})
					c := newClient(t, url, opt)
					var resp chatwoot.Response
					var err error
					used := memoryUsedBy(func() {
						_, err = c.ListContactConversations(context.Background(), 3, 4821, chatwoot.WithResponseInto(&resp))
					})
					t.Logf("%d KiB allocated, status %d, %d headers recorded: %.200v", used>>10, resp.StatusCode, len(resp.Header), err)
					require.True(t, echoed.Load(), "the server saw the token")
					assert.Less(t, used, uint64(64<<20), "bytes allocated")
					n, longest := countValues(resp.Header)
					assert.LessOrEqual(t, n, 100, "values recorded")
					assert.LessOrEqual(t, longest, 1<<10+len("…")+64, "longest value recorded")
					switch {
					case opt == nil:
						require.Error(t, err, "the default transport refuses a head over 64 KiB")
						assert.Zero(t, resp.StatusCode)
					case status == 200:
						require.NoError(t, err)
						assert.Equal(t, 200, resp.StatusCode)
					}
					if opt != nil && name == "5000 headers" {
						assert.Equal(t, 100, n, "as many values as the bound allows")
					}
					if status == 503 {
						require.Error(t, err)
						assert.Less(t, len(err.Error()), 4<<10)
					}
					noToken(t, append(outcome{err: err, resp: resp}.texts(), formatted(resp))...)
				})
			}
		}
	}
}

// Over HTTP/2, thousands of header values of 4000 bytes cost a few bytes
// each on the wire, and one string in net/http (HPACK repeats them from
// its table). A Response records at most 100 of them, each cut and
// scrubbed in a bounded window, so they cost the client next to nothing
// (on 129dcfc, 366 MiB and a 100 ms deadline passed by a second).
func TestDefect_HTTP2HeadersRepeatedByHPACK(t *testing.T) { // not parallel: it measures memory
	value := strings.Repeat("v", 4000)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range 2400 {
			w.Header().Add(fmt.Sprintf("X-R%d", i%4), value)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"payload":[]}`))
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, chatwoot.WithHTTPClient(srv.Client()))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var resp chatwoot.Response
	var err error
	start := time.Now()
	used := memoryUsedBy(func() {
		_, err = c.ListContactConversations(ctx, 3, 4821, chatwoot.WithResponseInto(&resp), chatwoot.WithMaxRetries(0))
	})
	took := time.Since(start)
	n, longest := countValues(resp.Header)
	t.Logf("%v, %d KiB allocated, %d values recorded: %.160v", took.Round(time.Millisecond), used>>10, n, err)
	require.NoError(t, err)
	assert.Less(t, took, 10*time.Second)
	assert.LessOrEqual(t, n, 100)
	assert.LessOrEqual(t, longest, 1<<10+len("…"))
	assert.Equal(t, 100, n)
	assert.Less(t, used, uint64(16<<20))
}

// The context ended between a retryable reply and the retry, and the call
// returned the 503's APIError, which Retryable called retryable: a program
// with its own loop retried a call its caller had cancelled. The context
// is cancelled by the server, after it sent the 503, or by the limiter
// that precedes the retry: no timing decides the outcome.
func TestDefect_TheContextEndsBeforeTheRetry(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, err error) {
		t.Helper()
		require.Error(t, err)
		assert.ErrorIs(t, err, context.Canceled, "%v", err)
		var apiErr *chatwoot.APIError
		if errors.As(err, &apiErr) {
			assert.Equal(t, 503, apiErr.StatusCode, "the last attempt's error may be named besides")
		}
		_, ok := chatwoot.Retryable(err)
		assert.False(t, ok, "a cancelled call is never to be retried: %v", err)
		noToken(t, append(errorTexts(err), formatted(err))...)
	}

	t.Run("cancelled by the server after its 503", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var requests atomic.Int32
		url := serveRaw(t, func(w http.ResponseWriter, r *http.Request) {
			if requests.Add(1) > 1 {
				// Came before the cancel: hold it until the cancel, so
				// that this attempt ends with the context, not a 503.
				<-ctx.Done()
				<-r.Context().Done()
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("busy " + testToken))
			w.(http.Flusher).Flush()
			cancel()
		})
		c := newClient(t, url, chatwoot.WithMaxRetries(2))
		start := time.Now()
		_, err := c.ListContactConversations(ctx, 3, 4821)
		check(t, err)
		assert.Less(t, time.Since(start), 5*time.Second)
		t.Logf("%d request(s): %v", requests.Load(), err)
	})

	t.Run("cancelled by the limiter before the retry", func(t *testing.T) {
		t.Parallel()
		srv, c, waits := fakeWithRetries(t)
		srv.Inject(chatwoottest.StatusFault(503, "text/plain", "busy"))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var calls atomic.Int32
		_, err := listDemoCtx(ctx, c, chatwoot.WithRateLimiter(limiterFunc(func(ctx context.Context) error {
			if calls.Add(1) == 2 {
				cancel()
				return ctx.Err()
			}
			return nil
		})))
		check(t, err)
		assert.Len(t, srv.Requests(), 1, "nothing sent after the cancel")
		assert.Len(t, waits.Waits(), 1)
	})

	t.Run("cancelled as the retried attempt is logged", func(t *testing.T) {
		t.Parallel()
		srv, c, _ := fakeWithRetries(t)
		srv.Inject(chatwoottest.StatusFault(503, "text/plain", "busy"))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		chatwoot.RecordWaits(c) // its Sleep returns the context's error: cancel first
		var calls atomic.Int32
		_, err := listDemoCtx(ctx, c, chatwoot.WithLogger(slog.New(cancellingHandler{cancel: cancel, calls: &calls})))
		check(t, err)
		assert.Len(t, srv.Requests(), 1, "nothing sent after the cancel")
	})
}

// cancellingHandler is a slog.Handler that cancels when the first record
// (the attempt that is about to be retried) is logged: after the reply,
// before the wait.
type cancellingHandler struct {
	cancel context.CancelFunc
	calls  *atomic.Int32
}

func (cancellingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h cancellingHandler) Handle(context.Context, slog.Record) error {
	if h.calls.Add(1) == 1 {
		h.cancel()
	}
	return nil
}
func (h cancellingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h cancellingHandler) WithGroup(string) slog.Handler      { return h }

// The context's deadline passed while the server held back its headers,
// and the error was the transport's, which Retryable called retryable (as
// an attempt's timeout is). Now it matches context.DeadlineExceeded, and
// is not to be retried: the caller's time is up.
func TestDefect_TheContextsDeadlinePassesWaitingForHeaders(t *testing.T) {
	t.Parallel()
	c := newClient(t, stallingServer(t, ""), chatwoot.WithMaxRetries(2))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ListContactConversations(ctx, 3, 4821)
	took := time.Since(start)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "%v", err)
	_, ok := chatwoot.Retryable(err)
	assert.False(t, ok, "the caller's deadline has passed: %v", err)
	assert.Less(t, took, 5*time.Second, "within the 200 ms deadline, with room for a loaded machine")
	noToken(t, append(errorTexts(err), formatted(err))...)
}

// An attempt's own timeout (WithTimeout) was reported as a bare
// context.DeadlineExceeded from the attempt's context: not a net.Error,
// so a program that checks for timeouts the usual way missed it. Now it
// is a net.Error whose Timeout is true, and it still matches
// context.DeadlineExceeded; and unlike the context's deadline it is
// retryable.
func TestDefect_AnAttemptsTimeoutIsANetTimeout(t *testing.T) {
	t.Parallel()
	for name, head := range map[string]string{
		"headers stalled": "",
		"body stalled":    jsonHead + "Content-Length: 100\r\n\r\n" + `{"payload":[`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newClient(t, stallingServer(t, head))
			start := time.Now()
			_, err := c.ListContactConversations(context.Background(), 3, 4821,
				chatwoot.WithTimeout(150*time.Millisecond), chatwoot.WithMaxRetries(0))
			took := time.Since(start)
			require.Error(t, err)
			assert.Less(t, took, 5*time.Second)
			var netErr net.Error
			require.ErrorAs(t, err, &netErr, "%v", err)
			assert.True(t, netErr.Timeout())
			if tmp, ok := netErr.(interface{ Temporary() bool }); ok {
				assert.True(t, tmp.Temporary(), "a timed-out attempt may succeed when tried again")
			}
			assert.ErrorIs(t, err, context.DeadlineExceeded, "%v", err)
			assert.NotErrorIs(t, err, context.Canceled)
			_, ok := chatwoot.Retryable(err)
			assert.True(t, ok, "an attempt's timeout is retried: %v", err)
			assert.Contains(t, err.Error(), "150ms")
		})
	}
}

// A redirect to another port (from http to https, or https to https) was
// followed, because only the host name was compared: the request reached
// another server. Now it is refused: the other server sees no connection
// at all, and so never the token.
func TestDefect_ARedirectToAnotherPortIsRefused(t *testing.T) {
	t.Parallel()
	// other counts every connection and request; it trusts nothing, but
	// the client would trust its certificate (all httptest servers share
	// one), so a followed redirect would reach it.
	var conns, requests atomic.Int32
	var sawToken atomic.Bool
	other := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if strings.Contains(fmt.Sprint(r.Header), testToken) {
			sawToken.Store(true)
		}
		_, _ = w.Write([]byte(`{"payload":[]}`))
	}))
	other.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	other.StartTLS()
	t.Cleanup(other.Close)
	redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	})
	plain := httptest.NewServer(redirect)
	t.Cleanup(plain.Close)
	tls := httptest.NewTLSServer(redirect)
	t.Cleanup(tls.Close)

	for name, from := range map[string]string{"http to https": plain.URL, "https to https": tls.URL} {
		c := newClient(t, from, chatwoot.WithMaxRetries(2), chatwoot.WithHTTPClient(other.Client()))
		waits := chatwoot.RecordWaits(c)
		_, err := c.ListContactConversations(context.Background(), 3, 4821)
		require.Error(t, err, name)
		var redirectErr *chatwoot.RedirectError
		require.ErrorAs(t, err, &redirectErr, "%s: %v", name, err)
		assert.Contains(t, redirectErr.To, other.URL, name)
		assert.Contains(t, err.Error(), "refused a redirect", name)
		_, ok := chatwoot.Retryable(err)
		assert.False(t, ok, name)
		assert.Empty(t, waits.Waits(), "%s: a refused redirect is not retried", name)
		noToken(t, append(errorTexts(err), formatted(err))...)
	}
	assert.Zero(t, conns.Load(), "connections to the other port")
	assert.Zero(t, requests.Load(), "requests to the other port")
	assert.False(t, sawToken.Load())
}

// nilLimiter is a limiter whose Wait has a pointer receiver, as
// *rate.Limiter's does.
type nilLimiter struct{ n int }

func (l *nilLimiter) Wait(context.Context) error {
	l.n++ // a nil *nilLimiter panics here
	return nil
}

// A typed nil limiter (a nil *rate.Limiter in a RateLimiter) passed the
// nil check, an interface comparison, and the call panicked in Wait. Now
// the option is refused, for a Client and for one call.
func TestDefect_ATypedNilLimiterIsRefused(t *testing.T) {
	t.Parallel()
	srv := chatwoottest.NewServer(t)
	var l *nilLimiter
	assert.NotPanics(t, func() {
		c, err := srv.Client(chatwoot.WithRateLimiter(l))
		assert.Nil(t, c)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "limiter is nil")
	})
	c, err := srv.Client()
	require.NoError(t, err)
	assert.NotPanics(t, func() {
		_, err := listDemoCtx(context.Background(), c, chatwoot.WithRateLimiter(l))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "limiter is nil")
	})
	assert.Empty(t, srv.Requests(), "nothing sent")
	// An untyped nil too.
	_, err = srv.Client(chatwoot.WithRateLimiter(nil))
	assert.ErrorContains(t, err, "limiter is nil")
	// A non-nil one works.
	_, err = listDemoCtx(context.Background(), c, chatwoot.WithRateLimiter(&nilLimiter{}))
	assert.NoError(t, err)
}

// A typed nil of another nilable kind: a func type with a Wait method,
// a common adapter (like http.HandlerFunc). Its nil value passes a check
// that looks for nil pointers only, and calling it panics.
func TestDefect_ANilFuncLimiterIsRefused(t *testing.T) {
	t.Parallel()
	srv := chatwoottest.NewServer(t)
	var f limiterFunc
	c, err := srv.Client()
	require.NoError(t, err)
	var callErr error
	panicked := func() (p any) {
		defer func() { p = recover() }()
		_, callErr = listDemoCtx(context.Background(), c, chatwoot.WithRateLimiter(f))
		return nil
	}()
	require.Nil(t, panicked, "a nil limiter of any kind is refused, never called")
	assert.ErrorContains(t, callErr, "limiter is nil")
	_, err = srv.Client(chatwoot.WithRateLimiter(f))
	assert.ErrorContains(t, err, "limiter is nil")
}

// blockingBody returns its data, then io.EOF; its Close blocks until
// release is closed.
type blockingBody struct {
	r       io.Reader
	release chan struct{}
	closes  atomic.Int32
}

func (b *blockingBody) Read(p []byte) (int, error) { return b.r.Read(p) }
func (b *blockingBody) Close() error {
	b.closes.Add(1)
	<-b.release
	return nil
}

// A reply whose body's Close never returned (a caller's transport, a
// proxy's body wrapper) hung the call forever: it closed the body before
// returning. Now it returns; the Close is left to finish on its own.
func TestDefect_ABodyWhoseCloseNeverReturns(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	for _, tc := range []struct {
		status  int
		body    string
		retries int
	}{
		{503, "busy", 0},
		{503, "busy", 2},
		{404, `{"error":"Resource could not be found"}`, 0},
		{200, `{"payload":[{"id":1}]}`, 0},
		{200, `{"payload":[`, 0}, // read whole, then undecodable
	} {
		name := fmt.Sprintf("%d %s, %d retries", tc.status, tc.body, tc.retries)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var bodies []*blockingBody
			var mu sync.Mutex
			hc := &http.Client{Transport: chatwoot.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
				b := &blockingBody{r: strings.NewReader(tc.body), release: release}
				mu.Lock()
				bodies = append(bodies, b)
				mu.Unlock()
				return &http.Response{StatusCode: tc.status, Status: strconv.Itoa(tc.status) + " " + http.StatusText(tc.status),
					Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{"Content-Type": {"application/json"}},
					Body: b, ContentLength: int64(len(tc.body)), Request: r}, nil
			})}
			c := newClient(t, "https://chat.example.invalid", chatwoot.WithHTTPClient(hc), chatwoot.WithMaxRetries(tc.retries))
			chatwoot.RecordWaits(c)
			done := make(chan error, 1)
			start := time.Now()
			go func() {
				_, err := c.ListContactConversations(context.Background(), 3, 4821)
				done <- err
			}()
			select {
			case err := <-done:
				assert.Less(t, time.Since(start), 5*time.Second)
				if tc.status == 200 && strings.HasSuffix(tc.body, "}") {
					assert.NoError(t, err)
				} else {
					assert.Error(t, err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the call did not return within 5 s: it waits for a Close that never returns")
			}
			mu.Lock()
			defer mu.Unlock()
			assert.Len(t, bodies, tc.retries+1, "attempts")
		})
	}
}

// record is one log record, as recordingHandler keeps it.
type record struct {
	level slog.Level
	msg   string
	attrs map[string]slog.Value
}

// recordingHandler keeps every record, with its attributes.
type recordingHandler struct {
	mu      *sync.Mutex
	records *[]record
	attrs   []slog.Attr
}

func newRecordingHandler() recordingHandler {
	return recordingHandler{mu: &sync.Mutex{}, records: &[]record{}}
}

func (recordingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h recordingHandler) Handle(_ context.Context, r slog.Record) error {
	rec := record{level: r.Level, msg: r.Message, attrs: map[string]slog.Value{}}
	for _, a := range h.attrs {
		rec.attrs[a.Key] = a.Value
	}
	r.Attrs(func(a slog.Attr) bool {
		rec.attrs[a.Key] = a.Value
		return true
	})
	h.mu.Lock()
	*h.records = append(*h.records, rec)
	h.mu.Unlock()
	return nil
}

func (h recordingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	h.attrs = append(append([]slog.Attr(nil), h.attrs...), attrs...)
	return h
}

func (h recordingHandler) WithGroup(string) slog.Handler { return h }

func (h recordingHandler) all() []record {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]record(nil), *h.records...)
}

// Levels once inverted: every failure logged at Error, the 404 a caller
// handles included, and a retried 503 at Debug, hiding the retries. Now
// a call's final attempt is logged at Debug (its error is the caller's),
// a retried attempt at Warn with retry_in; no record holds the token.
func TestDefect_LogLevels(t *testing.T) {
	t.Parallel()
	srv := chatwoottest.NewServer(t)
	c, err := srv.Client(chatwoot.WithMaxRetries(2))
	require.NoError(t, err)
	waits := chatwoot.RecordWaits(c)
	texts := func(recs []record) []string {
		out := []string{}
		for _, r := range recs {
			out = append(out, r.msg, fmt.Sprint(r.attrs))
		}
		return out
	}
	noSrvToken := func(recs []record) {
		t.Helper()
		for _, text := range texts(recs) {
			assert.NotContains(t, strings.ToLower(text), strings.ToLower(srv.Token))
		}
	}

	t.Run("a 404", func(t *testing.T) {
		h := newRecordingHandler()
		srv.Inject(chatwoottest.StatusFault(404, "application/json", `{"error":"no contact for `+srv.Token+`"}`))
		_, err := listDemoCtx(context.Background(), c, chatwoot.WithLogger(slog.New(h)))
		require.ErrorIs(t, err, chatwoot.ErrNotFound)
		recs := h.all()
		require.Len(t, recs, 1)
		assert.Equal(t, slog.LevelDebug, recs[0].level)
		assert.Equal(t, int64(404), recs[0].attrs["status"].Int64())
		assert.Equal(t, int64(1), recs[0].attrs["attempt"].Int64())
		assert.NotContains(t, recs[0].attrs, "retry_in")
		assert.Contains(t, recs[0].attrs, "error")
		noSrvToken(recs)
	})

	t.Run("a 503, retried, then a 200", func(t *testing.T) {
		h := newRecordingHandler()
		srv.Inject(chatwoottest.StatusFault(503, "text/plain", "busy, "+srv.Token))
		convs, err := listDemoCtx(context.Background(), c, chatwoot.WithLogger(slog.New(h)))
		require.NoError(t, err)
		assert.Len(t, convs, chatwoottest.DemoConversationCount)
		recs := h.all()
		require.Len(t, recs, 2)
		assert.Equal(t, slog.LevelWarn, recs[0].level)
		assert.Equal(t, int64(503), recs[0].attrs["status"].Int64())
		require.Contains(t, recs[0].attrs, "retry_in")
		assert.Equal(t, slog.KindDuration, recs[0].attrs["retry_in"].Kind())
		assert.Equal(t, waits.Waits()[len(waits.Waits())-1], recs[0].attrs["retry_in"].Duration())
		assert.Equal(t, slog.LevelDebug, recs[1].level)
		assert.Equal(t, int64(200), recs[1].attrs["status"].Int64())
		assert.Equal(t, int64(2), recs[1].attrs["attempt"].Int64())
		assert.NotContains(t, recs[1].attrs, "retry_in")
		assert.NotContains(t, recs[1].attrs, "error")
		for _, r := range recs {
			assert.Equal(t, "chatwoot request", r.msg)
		}
		noSrvToken(recs)
	})

	t.Run("503s until the retries run out", func(t *testing.T) {
		h := newRecordingHandler()
		srv.Inject(chatwoottest.Fault{Status: 503, ContentType: "text/plain", Body: "busy", Times: 3})
		_, err := listDemoCtx(context.Background(), c, chatwoot.WithLogger(slog.New(h)))
		require.Error(t, err)
		recs := h.all()
		require.Len(t, recs, 3)
		assert.Equal(t, []slog.Level{slog.LevelWarn, slog.LevelWarn, slog.LevelDebug}, []slog.Level{recs[0].level, recs[1].level, recs[2].level})
		assert.NotContains(t, recs[2].attrs, "retry_in", "the last attempt is not retried")
	})
}

// APIError.RetryAfter of a 429 without Retry-After (Chatwoot's rack-attack
// sends none) carried the wait's jitter (15.437s), a duration no server
// said and no program could print cleanly. Now it is whole seconds, from
// the server's Date or the client's clock; a Retry-After date is rounded
// to whole seconds too.
func TestDefect_RetryAfterIsWholeSeconds(t *testing.T) {
	t.Parallel()
	for name, header := range map[string]http.Header{
		"429, a Date":                   {"Date": {"Mon, 23 Nov 2026 19:04:45 GMT"}},
		"429, no Date":                  {"Date": nil},
		"429, a Retry-After date":       {"Retry-After": {time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)}},
		"429, a Retry-After in seconds": {"Retry-After": {"7"}},
		"503, a Retry-After date":       {"Retry-After": {time.Now().Add(20 * time.Second).UTC().Format(http.TimeFormat)}},
		"429, an unparsable Date":       {"Date": {"Mon, 23 Nov 2026 19:04:45.5 GMT"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			status := 429
			if strings.HasPrefix(name, "503") {
				status = 503
			}
			url := serveRaw(t, func(w http.ResponseWriter, _ *http.Request) {
				for k, vs := range header {
					w.Header()[k] = vs // a nil Date: none at all
				}
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(status)
				_, _ = w.Write([]byte("Retry later\n"))
			})
			c := newClient(t, url, chatwoot.WithMaxRetries(0))
			for range 5 { // the jitter is random: look at a few
				_, err := c.ListContactConversations(context.Background(), 3, 4821)
				var apiErr *chatwoot.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, status, apiErr.StatusCode)
				assert.Positive(t, apiErr.RetryAfter)
				assert.LessOrEqual(t, apiErr.RetryAfter, time.Minute)
				assert.Zero(t, apiErr.RetryAfter%time.Second, "RetryAfter %v is not whole seconds", apiErr.RetryAfter)
				if status == 429 {
					wait, ok := chatwoot.Retryable(err)
					assert.True(t, ok)
					assert.Equal(t, apiErr.RetryAfter, wait, "Retryable reports a 429's wait as RetryAfter does")
				}
				if name == "429, a Date" {
					assert.Equal(t, 15*time.Second, apiErr.RetryAfter, "until 19:05:00 by the server's clock")
				}
				if name == "429, a Retry-After in seconds" {
					assert.Equal(t, 7*time.Second, apiErr.RetryAfter)
				}
			}
		})
	}
}
