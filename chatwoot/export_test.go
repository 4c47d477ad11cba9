package chatwoot

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/go-chatwoot/chatwoot-go/internal/httpcall"
)

// Hooks for the external tests (package chatwoot_test) in this directory.

// WaitRecorder collects the waits a Client chose between attempts.
type WaitRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

// Waits returns the waits so far.
func (r *WaitRecorder) Waits() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

// RecordWaits makes c record each wait instead of sleeping (a context that
// has ended still ends the wait), and makes its jitter zero so that waits
// are exact.
func RecordWaits(c *Client) *WaitRecorder {
	r := &WaitRecorder{}
	c.doer.Sleep = func(ctx context.Context, d time.Duration) error {
		r.mu.Lock()
		r.waits = append(r.waits, d)
		r.mu.Unlock()
		return ctx.Err()
	}
	c.doer.Policy.Jitter = func(time.Duration) time.Duration { return 0 }
	return r
}

// SetClock makes c's retry policy read the time from now.
func SetClock(c *Client, now func() time.Time) { c.doer.Policy.Now = now }

// ShortenWaits scales c's backoff down so that real sleeps stay short.
func ShortenWaits(c *Client) {
	c.doer.Policy.BaseDelay = time.Millisecond
	c.doer.Policy.MaxDelay = 4 * time.Millisecond
}

// HTTPClientOf returns the *http.Client c sends requests through.
func HTTPClientOf(c *Client) *http.Client { return c.doer.HTTP }

// Backoff exposes the default policy's backoff for retry n, with jitter.
func Backoff(n int) time.Duration { return httpcall.DefaultPolicy.Backoff(n) }

// SameJSON is sameJSON, for the external tests.
var SameJSON = sameJSON

// RoundTripFunc is a RoundTripper made of a function, for the external tests.
type RoundTripFunc = roundTrip
