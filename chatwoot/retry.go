package chatwoot

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxRetries is how many times a failed request is tried again: three
// attempts in all. See WithMaxRetries for what is retried.
const DefaultMaxRetries = 2

// retryPolicy says how long to wait between attempts. Tests shorten it.
type retryPolicy struct {
	baseDelay time.Duration // first backoff; doubles each attempt
	maxDelay  time.Duration // backoff cap
	maxWait   time.Duration // longest wait a server may ask for; longer is not retried
	window    time.Duration // the rate limit's window, for 429s without Retry-After
	now       func() time.Time
	jitter    func(n time.Duration) time.Duration // uniform in [0, n)
}

var defaultRetryPolicy = retryPolicy{
	baseDelay: 500 * time.Millisecond,
	maxDelay:  8 * time.Second,
	maxWait:   60 * time.Second,
	window:    time.Minute,
	now:       time.Now,
	jitter:    func(n time.Duration) time.Duration { return rand.N(n) }, //nolint:gosec // jitter spreads retries; it guards nothing
}

// backoff is the capped exponential delay before retry number n (1-based),
// with "equal jitter": half fixed, half random, so that many clients that
// failed together do not come back together.
func (p retryPolicy) backoff(n int) time.Duration {
	d := p.maxDelay
	if n < 30 { // beyond that the shift overflows; the cap applies anyway
		d = min(p.baseDelay<<(n-1), p.maxDelay)
	}
	return d/2 + p.jitter(d/2+1)
}

// afterStatus decides whether a reply with this status is worth another try,
// and after how long. Only statuses that say "not now" are retried: 429, the
// gateway errors 502, 503 and 504, and 422, which this endpoint (a GET
// without parameters) sends only when a database query timed out (4.16+).
// A 500 from Chatwoot comes from an exception in its code (such as a
// conversation without a contact inbox), which the same request will raise
// again, so it is not retried; nor are 401, 403 and 404.
func (p retryPolicy) afterStatus(resp *http.Response, n int) (bool, time.Duration) {
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout,
		http.StatusUnprocessableEntity:
	default:
		return false, 0
	}
	if wait, ok := p.retryAfter(resp.Header); ok {
		return wait <= p.maxWait, wait
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return true, p.untilNextWindow(resp.Header)
	}
	return true, p.backoff(n)
}

// retryAfter reads a Retry-After header, in seconds or as an HTTP date.
func (p retryPolicy) retryAfter(h http.Header) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, math.MaxInt64/int64(time.Second))) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(p.now()), 0), true
	}
	return 0, false
}

// untilNextWindow is the wait after a 429 that gave no Retry-After, which is
// what Chatwoot's rack-attack sends. Its limit (3000 requests a minute per IP
// by default) counts in fixed windows aligned to the Unix minute, and every
// request, refused ones too, counts. Retrying within the window is refused
// again and uses up the attempt, so wait until the next window starts by the
// server's clock (its Date header; ours if it sent none), plus up to a second
// of jitter so that throttled clients do not return all at once.
func (p retryPolicy) untilNextWindow(h http.Header) time.Duration {
	now := p.now()
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		now = date
	}
	elapsed := time.Duration(now.UnixNano()) % p.window
	return min(p.window-elapsed, p.maxWait) + p.jitter(time.Second)
}

// retryableTransportError reports whether a failure to get any response is
// worth another try, given that the caller's context is still live (so a
// deadline here is the attempt's own). A refused redirect, a redirect loop
// or a certificate problem will fail the same way again.
func retryableTransportError(err error) bool {
	var redirect *RedirectError
	var certInvalid *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	return !errors.As(err, &redirect) && !errors.Is(err, errTooManyRedirects) && !errors.As(err, &certInvalid) &&
		!errors.As(err, &unknownAuthority) && !errors.As(err, &hostname) && !errors.As(err, &invalid)
}

// send does req, trying again as call allows, and returns a 200 response,
// whose body the caller must read and then call release (which closes it
// and ends the attempt), or an error. Every other response's body is read,
// drained and closed here, before any retry.
//
// Time is bounded three ways: each attempt by call.timeout, counted from
// when a connection may be used (a wait for one of the client's own
// connections does not count); the waits between attempts together by
// call.maxWait; and everything by ctx. A wait that would go past either
// bound is not started: the last error is returned at once.
func (c *Client) send(ctx context.Context, req *http.Request, call *settings) (*http.Response, func(), error) {
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		if call.response != nil {
			call.response.Attempts, call.response.Waited = attempt, waited
		}
		if err := c.takeSlot(ctx); err != nil {
			return nil, nil, fmt.Errorf("chatwoot: %s %s: waiting for a connection: %w", req.Method, redactURL(req.URL), err)
		}
		start := time.Now()
		attemptCtx, cancel := context.WithTimeout(ctx, call.timeout)
		release := func() { cancel(); c.freeSlot() }
		resp, err := c.httpClient.Do(req.WithContext(attemptCtx))
		var (
			failure error
			retry   bool
			wait    time.Duration
			status  int
		)
		if err != nil {
			release()
			failure = fmt.Errorf("chatwoot: %s %s: %w", req.Method, redactURL(req.URL), unwrapURLError(err))
			if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
				failure = fmt.Errorf("chatwoot: %s %s: no reply within %v (see WithTimeout): %w", req.Method, redactURL(req.URL), call.timeout, errAttemptTimeout)
			}
			retry = ctx.Err() == nil && retryableTransportError(err)
			wait = c.retryPolicy.backoff(attempt)
		} else {
			call.response.record(resp)
			status = resp.StatusCode
			if status == http.StatusOK {
				c.logAttempt(ctx, call.logger, req, status, attempt, time.Since(start), nil, 0)
				return resp, release, nil
			}
			apiErr := c.readAPIError(req, resp)
			release()
			retry, wait = c.retryPolicy.afterStatus(resp, attempt)
			if status == http.StatusTooManyRequests {
				apiErr.RetryAfter = wait // when to come back, asked for or computed
			}
			failure = apiErr
		}
		if retry && attempt > call.maxRetries {
			retry = false
		}
		if retry && waited+wait > call.maxWait {
			retry = false // over the budget: say when to come back instead
		}
		if deadline, ok := ctx.Deadline(); retry && ok && time.Now().Add(wait).After(deadline) {
			retry = false // the context would end first: no use starting the wait
		}
		if !retry {
			c.logAttempt(ctx, call.logger, req, status, attempt, time.Since(start), failure, 0)
			return nil, nil, failure
		}
		c.logAttempt(ctx, call.logger, req, status, attempt, time.Since(start), failure, wait)
		if err := c.sleep(ctx, wait); err != nil {
			return nil, nil, fmt.Errorf("chatwoot: %s %s: gave up waiting %v to retry: %w (last attempt: %w)", req.Method, redactURL(req.URL), wait.Round(time.Millisecond), err, failure)
		}
		waited += wait
	}
}

// errAttemptTimeout is an attempt that took longer than its timeout.
var errAttemptTimeout = errors.New("the attempt timed out")

// takeSlot waits for one of the default transport's connections to be free
// for this attempt, or for ctx to end.
func (c *Client) takeSlot(ctx context.Context) error {
	if c.slots == nil {
		return nil
	}
	select {
	case c.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) freeSlot() {
	if c.slots != nil {
		<-c.slots
	}
}

// unwrapURLError drops net/http's *url.Error wrapper, whose text repeats the
// method and URL that our message already gives.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// sleep waits for d, or until ctx ends, whichever is first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// logAttempt writes one line per attempt: never a header, never the token.
func (c *Client) logAttempt(ctx context.Context, logger *slog.Logger, req *http.Request, status, attempt int, took time.Duration, failure error, retryIn time.Duration) {
	if logger == nil {
		return
	}
	level := slog.LevelDebug
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", c.token.scrub(req.URL.Path)),
		slog.Int("status", status),
		slog.Int("attempt", attempt),
		slog.Duration("duration", took),
	}
	if failure != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("error", c.token.redactError(failure).Error()))
	}
	if retryIn > 0 {
		attrs = append(attrs, slog.Duration("retry_in", retryIn))
	}
	logger.LogAttrs(ctx, level, "chatwoot request", attrs...)
}
