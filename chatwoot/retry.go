package chatwoot

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
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
// worth another try. A refused redirect, a redirect loop or a certificate
// problem will fail the same way again.
func retryableTransportError(err error) bool {
	var redirect *RedirectError
	var certInvalid *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	return !errors.As(err, &redirect) && !errors.Is(err, errTooManyRedirects) && !errors.As(err, &certInvalid) &&
		!errors.As(err, &unknownAuthority) && !errors.As(err, &hostname) && !errors.As(err, &invalid)
}

// send does req, trying again as call allows, and hands the body of a 200
// reply to read within the attempt, so that the attempt's deadline bounds
// the read and a body cut or stalled part-way is retried like a failure
// to connect. Every other reply's body is read, drained and closed here.
//
// Time is bounded three ways: each attempt by call.timeout, counted from
// when a connection may be used (a wait for the rate limiter or for one of
// the client's own connections does not count); the waits between attempts
// together by call.maxWait; and everything by ctx. A wait that would go
// past either bound is not started: the last error is returned at once.
func (c *Client) send(ctx context.Context, req *http.Request, call *settings, read func(*http.Response) error) error {
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		if call.response != nil {
			call.response.Attempts, call.response.Waited = attempt, waited
		}
		if call.limiter != nil {
			if err := call.limiter.Wait(ctx); err != nil {
				return fmt.Errorf("chatwoot: %s %s: the rate limiter gave no slot, so nothing was sent: %w", req.Method, c.quoteURL(req.URL), err)
			}
		}
		if err := c.takeSlot(ctx); err != nil {
			return fmt.Errorf("chatwoot: %s %s: waiting for a connection: %w", req.Method, c.quoteURL(req.URL), err)
		}
		start := time.Now()
		status, info, failure := c.attempt(ctx, req, call, attempt, read)
		retry := info.retry && ctx.Err() == nil && attempt <= call.maxRetries && waited+info.wait <= call.maxWait
		if deadline, ok := ctx.Deadline(); retry && ok && time.Now().Add(info.wait).After(deadline) {
			retry = false // the context would end first: no use starting the wait
		}
		if failure == nil || !retry {
			c.logAttempt(ctx, call.logger, req, status, attempt, time.Since(start), failure, 0)
			return failure
		}
		c.logAttempt(ctx, call.logger, req, status, attempt, time.Since(start), failure, info.wait)
		if err := c.sleep(ctx, info.wait); err != nil {
			return fmt.Errorf("chatwoot: %s %s: gave up waiting %v to retry: %w (last attempt: %w)", req.Method, c.quoteURL(req.URL), info.wait.Round(time.Millisecond), err, failure)
		}
		waited += info.wait
	}
}

// attempt makes one request and says what became of it: the status (0 if
// no reply came), whether and after how long it is worth another try, and
// the failure, if any.
func (c *Client) attempt(ctx context.Context, req *http.Request, call *settings, n int, read func(*http.Response) error) (int, retryInfo, error) {
	attemptCtx, cancel := context.WithTimeout(ctx, call.timeout)
	defer cancel()
	defer c.freeSlot()
	timedOut := func() bool { return ctx.Err() == nil && attemptCtx.Err() != nil }
	resp, err := c.httpClient.Do(req.WithContext(attemptCtx))
	if err != nil {
		if timedOut() {
			err = timeoutError(call.timeout)
		}
		info := retryInfo{retry: retryableTransportError(err), wait: c.retryPolicy.backoff(n)}
		return 0, info, c.transportError(req, err, info)
	}
	// Every read of the body, here and in read, ends by the attempt's
	// deadline, even where the transport would not end it: closing the
	// body ends a read in progress.
	stop := context.AfterFunc(attemptCtx, func() { _ = resp.Body.Close() })
	defer stop()
	defer drainAndClose(resp.Body)
	call.response.record(resp, *c.token)
	switch {
	case resp.StatusCode < 200:
		// A final 1xx (101 Switching Protocols) leaves a connection that is
		// no longer HTTP: close it unread.
		_ = resp.Body.Close()
		return resp.StatusCode, retryInfo{}, &APIError{StatusCode: resp.StatusCode, Method: req.Method, URL: c.quoteURL(req.URL),
			Message: "an informational reply where a final one belongs: nothing was read from the connection; this is not a Chatwoot server's reply"}
	case resp.StatusCode != http.StatusOK:
		apiErr := c.readAPIError(req, resp)
		apiErr.retry, apiErr.wait = c.retryPolicy.afterStatus(resp, n)
		if resp.StatusCode == http.StatusTooManyRequests {
			apiErr.RetryAfter = apiErr.wait // when to come back, asked for or computed
		}
		return resp.StatusCode, apiErr.retryInfo, apiErr
	}
	err = read(resp)
	var derr *DecodeError
	if !errors.As(err, &derr) || derr.Err == nil {
		return resp.StatusCode, retryInfo{}, err
	}
	var cause *foreignError
	switch {
	case ctx.Err() != nil: // the body's close by the deadline may have won the race to say why
		derr.Err = fmt.Errorf("the call's context ended while the body was read: %w", ctx.Err())
		return resp.StatusCode, retryInfo{}, err
	case timedOut():
		derr.Err = fmt.Errorf("the body stalled after the headers: %w", timeoutError(call.timeout))
	case !errors.Is(derr.Err, io.ErrUnexpectedEOF) && !errors.As(derr.Err, &cause):
		return resp.StatusCode, retryInfo{}, err // the body arrived whole: what it says will not change
	}
	derr.retryInfo = retryInfo{retry: true, wait: c.retryPolicy.backoff(n)}
	return resp.StatusCode, derr.retryInfo, err
}

// transportError is a failure to get a reply, in the client's words: the
// cause's text is quoted, and the cause stays reachable (errors.As with
// *net.OpError, net.Error, *tls.CertificateVerificationError) when its own
// text is clean. A refused redirect stands for itself, not inside
// net/http's *url.Error, whose text holds the server's Location as sent.
func (c *Client) transportError(req *http.Request, err error, info retryInfo) error {
	var redirect *RedirectError
	switch {
	case errors.As(err, &redirect):
		return &foreignError{text: redirect.Error(), cause: redirect, clean: true, retryInfo: info}
	case errors.Is(err, errTooManyRedirects):
		return &foreignError{text: errTooManyRedirects.Error(), cause: errTooManyRedirects, clean: true, retryInfo: info}
	}
	text := err.Error()
	return &foreignError{text: fmt.Sprintf("chatwoot: %s %s: %s", req.Method, c.quoteURL(req.URL), quote(*c.token, unwrapURLError(err).Error(), 0, 400)),
		cause: err, clean: c.token.scrub(text) == text, retryInfo: info}
}

// timeoutError is an attempt that took longer than its timeout. It matches
// context.DeadlineExceeded, and is a timeout as net.Error says.
type timeoutError time.Duration

func (e timeoutError) Error() string {
	return fmt.Sprintf("no reply within %v (see WithTimeout)", time.Duration(e))
}

// Is makes errors.Is(err, context.DeadlineExceeded) true.
func (timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// Timeout reports true, as net.Error does for a timeout.
func (timeoutError) Timeout() bool { return true }

// retryInfo is what the client decided of a failed attempt: whether it is
// worth another try, and after how long (see Retryable).
type retryInfo struct {
	retry bool
	wait  time.Duration
}

func (r retryInfo) retryable() (time.Duration, bool) { return r.wait, r.retry }

// Retryable reports whether the client itself retries err (a failure to
// connect or to get a reply in time, a body cut or stalled after the
// headers, or the statuses 422, 429, 502, 503 and 504), and the wait it
// chose before the next attempt: for a 429, the time to the server's next
// window or its Retry-After, as APIError.RetryAfter says. It is false for
// nil, for a context that ended, and for everything else: a program with
// its own retry loop uses it instead of a list of statuses.
func Retryable(err error) (wait time.Duration, ok bool) {
	var r interface{ retryable() (time.Duration, bool) }
	if errors.Is(err, context.Canceled) || !errors.As(err, &r) {
		return 0, false
	}
	return r.retryable()
}

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
		attrs = append(attrs, slog.String("error", failure.Error()))
	}
	if retryIn > 0 {
		attrs = append(attrs, slog.Duration("retry_in", retryIn))
	}
	logger.LogAttrs(ctx, level, "chatwoot request", attrs...)
}
