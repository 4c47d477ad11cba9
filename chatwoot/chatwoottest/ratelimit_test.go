package chatwoottest_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// admittedPerWindow counts, per window (arrival time / window), the requests
// the fake let through, and the refused ones in all.
func admittedPerWindow(reqs []chatwoottest.Request, window time.Duration) (map[int64]int, int) {
	admitted, refused := map[int64]int{}, 0
	for _, r := range reqs {
		if r.Status == http.StatusTooManyRequests {
			refused++
			continue
		}
		admitted[r.Time.UnixNano()/int64(window)]++
	}
	return admitted, refused
}

// A job with the real client against a limit of 5 per half second: every
// call succeeds, the client having waited out each 429, and no window let
// more than 5 through.
func TestWithRateLimit_TheClientWaitsForTheFakesWindow(t *testing.T) {
	t.Parallel() // waits on the clock, not the CPU
	const n, window = 5, 500 * time.Millisecond
	srv := chatwoottest.NewServer(t, chatwoottest.WithRateLimit(n, window))
	c, err := srv.Client()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := range 20 {
		var info chatwoot.Response
		_, err := c.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.OneConversationContactID, chatwoot.WithResponseInto(&info))
		require.NoError(t, err, "call %d", i)
		assert.LessOrEqual(t, info.Attempts, 2, "call %d: one wait is enough to reach the next window", i)
	}
	reqs := srv.Requests()
	admitted, refused := admittedPerWindow(reqs, window)
	assert.Positive(t, refused, "the limit was reached")
	assert.Len(t, reqs, 20+refused, "each 429 cost one attempt")
	total := 0
	for win, count := range admitted {
		assert.LessOrEqual(t, count, n, "window %d", win)
		total += count
	}
	assert.Equal(t, 20, total)
	for _, r := range reqs {
		assert.Contains(t, []int{200, 429}, r.Status)
	}
	assert.Empty(t, srv.Violations())
}

// The 429 is rack-attack's, and its Date tells a client following
// Chatwoot's rule to wait until the fake's window ends (rounded up to the
// second an HTTP date can say), not a minute.
func TestWithRateLimit_RepliesAsRackAttackDoes(t *testing.T) {
	for _, window := range []time.Duration{300 * time.Millisecond, 7 * time.Second, time.Minute} {
		t.Run(window.String(), func(t *testing.T) {
			srv := chatwoottest.NewServer(t, chatwoottest.WithRateLimit(1, window))
			req, err := http.NewRequest(http.MethodGet, srv.URL+demoPath, nil)
			require.NoError(t, err)
			req.Header.Set("Api-Access-Token", srv.Token)
			var resp *http.Response
			var body []byte
			for range 10 { // until one is refused; two in a window are, unless a window ends between them
				resp, err = http.DefaultClient.Do(req)
				require.NoError(t, err)
				body, err = io.ReadAll(resp.Body)
				require.NoError(t, err)
				require.NoError(t, resp.Body.Close())
				if resp.StatusCode == http.StatusTooManyRequests {
					break
				}
			}
			require.Equal(t, 429, resp.StatusCode)
			assert.Equal(t, "text/plain", resp.Header.Get("Content-Type"))
			assert.Equal(t, "Retry later\n", string(body))
			assert.Empty(t, resp.Header.Values("Retry-After"))

			reqs := srv.Requests()
			arrived := reqs[len(reqs)-1].Time
			end := time.Unix(0, (arrived.UnixNano()/int64(window)+1)*int64(window))
			wait := chatwootWait(t, resp.Header)
			assert.GreaterOrEqual(t, arrived.Add(wait), end, "the client comes back after the window ends")
			assert.Less(t, wait, end.Sub(arrived)+time.Second, "and not later than the next whole second")
		})
	}
}

// Every request counts, whatever the answer would have been (a 401, a
// 404), and the refused ones too; a new window starts afresh. The expected
// statuses follow from the arrival times the fake records.
func TestWithRateLimit_CountsEveryRequestInFixedWindows(t *testing.T) {
	const n, window = 3, time.Minute
	srv := chatwoottest.NewServer(t, chatwoottest.WithRateLimit(n, window))
	good := http.Header{"Api-Access-Token": {srv.Token}}
	headers := []http.Header{{}, {"Api-Access-Token": {"wrong"}}, good, good, good, {}, good}
	for _, h := range headers {
		get(t, srv.URL+demoPath, h)
	}
	reqs := srv.Requests()
	require.Len(t, reqs, len(headers))
	var win int64 = -1
	count := 0
	for i, r := range reqs {
		if w := r.Time.UnixNano() / int64(window); w != win {
			win, count = w, 0
		}
		count++
		want := map[bool]int{true: 429, false: 200}[count > n]
		if want == 200 && headers[i].Get("Api-Access-Token") != srv.Token {
			want = 401
		}
		assert.Equal(t, want, r.Status, "request %d (%d in its window)", i, count)
	}
}

// Each client address has its own count: 127.0.0.2 is let through while
// 127.0.0.1 is refused.
func TestWithRateLimit_CountsEachAddress(t *testing.T) {
	srv := chatwoottest.NewServer(t, chatwoottest.WithRateLimit(1, time.Minute))
	other := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).DialContext}}
	req, err := http.NewRequest(http.MethodGet, srv.URL+demoPath, nil)
	require.NoError(t, err)
	req.Header.Set("Api-Access-Token", srv.Token)
	for range 2 {
		get(t, srv.URL+demoPath, req.Header)
	}
	resp, err := other.Do(req)
	if err != nil {
		t.Skipf("cannot connect from 127.0.0.2 here: %v", err)
	}
	require.NoError(t, resp.Body.Close())
	reqs := srv.Requests()
	require.Len(t, reqs, 3)
	host := func(r chatwoottest.Request) string { h, _, _ := net.SplitHostPort(r.RemoteAddr); return h }
	assert.Equal(t, "127.0.0.1", host(reqs[0]))
	assert.Equal(t, "127.0.0.2", host(reqs[2]))
	if reqs[0].Time.Unix()/60 == reqs[1].Time.Unix()/60 {
		assert.Equal(t, 429, reqs[1].Status, "127.0.0.1's second in the window")
	}
	assert.Equal(t, 200, reqs[2].Status, "127.0.0.2's first")
}

// A limit that cannot be served stops the test at once; without a test,
// every request is a 500 that says why.
func TestWithRateLimit_RefusesWhatItCannotServe(t *testing.T) {
	for _, tt := range []struct {
		n      int
		window time.Duration
	}{{0, time.Second}, {-1, time.Second}, {5, 0}, {5, -time.Second}, {5, 2 * time.Minute}} {
		tb := &fatalTB{TB: t}
		var srv *chatwoottest.Server
		finished := inGoroutine(func() { srv = chatwoottest.NewServer(tb, chatwoottest.WithRateLimit(tt.n, tt.window)) })
		assert.False(t, finished)
		require.Len(t, tb.Fatals(), 1)
		assert.Contains(t, tb.Fatals()[0], "WithRateLimit(")
		assert.Nil(t, srv, "NewServer did not return")

		srv = chatwoottest.NewServer(nil, chatwoottest.WithRateLimit(tt.n, tt.window))
		status, _, body := get(t, srv.URL+demoPath, http.Header{"Api-Access-Token": {srv.Token}})
		assert.Equal(t, 500, status)
		assert.Contains(t, body, "WithRateLimit(")
		assert.Len(t, srv.Violations(), 1)
		srv.Close()
	}
}
