package httpcall

import (
	"bytes"
	"context"
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
	"sync"
	"time"

	"github.com/go-chatwoot/chatwoot-go/internal/decode"
	"github.com/go-chatwoot/chatwoot-go/internal/redact"
)

// Call is what one call may do: its retries, waits, timeout, logger and
// limiter, and where it records its Response.
type Call struct {
	MaxRetries int
	MaxWait    time.Duration // all waits between attempts together
	Timeout    time.Duration // each attempt
	Logger     *slog.Logger
	Limiter    interface{ Wait(context.Context) error }
	Response   *Response
}

type callKey struct{}

// WithCall returns ctx carrying call, for Doer.Do: the generated client
// passes a request's context through and nothing else.
func WithCall(ctx context.Context, call *Call) context.Context {
	return context.WithValue(ctx, callKey{}, call)
}

// Doer makes a request's attempts (a gen.HttpRequestDoer). It returns a
// 200 reply only, its body read whole, within the attempt's deadline
// (Body gives it); any other outcome is an error: *APIError,
// *DecodeError, *RedirectError, a transport failure, or the context's end.
type Doer struct {
	HTTP    *http.Client
	Token   *redact.Token // behind a pointer, which fmt prints as an address
	MaxBody int64
	Policy  Policy
	Sleep   func(context.Context, time.Duration) error // tests record waits instead
}

// Do implements gen.HttpRequestDoer: it tries req as the Call in its
// context allows. Time is bounded three ways: each attempt by Timeout,
// counted from when a connection may be used; the waits together by
// MaxWait; everything by the context. A wait that would go past a bound is
// not started: the last error is returned at once.
func (d *Doer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	call, _ := ctx.Value(callKey{}).(*Call)
	if call == nil {
		call = &Call{Timeout: 30 * time.Second}
	}
	var waited time.Duration
	var last error // the previous attempt's
	for attempt := 1; ; attempt++ {
		if err := d.start(ctx, call); err != nil {
			what := "waiting to send, nothing was sent"
			if last != nil {
				what = "waiting to send the next attempt"
			}
			return nil, d.ended(req, what, err, last)
		}
		if call.Response != nil {
			call.Response.Attempts, call.Response.Waited = attempt, waited
		}
		start := time.Now()
		resp, info, err := d.attempt(ctx, req, call, attempt)
		last = err
		retry := err != nil && info.retry && ctx.Err() == nil && attempt <= call.MaxRetries && waited+info.wait <= call.MaxWait
		if deadline, ok := ctx.Deadline(); retry && ok && time.Now().Add(info.wait).After(deadline) {
			retry = false // the context would end first: no use starting the wait
		}
		d.log(ctx, call, req, resp, attempt, time.Since(start), err, retry, info.wait)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, d.ended(req, "the call's context ended", ctx.Err(), err)
		case !retry:
			return resp, err
		}
		if serr := d.Sleep(ctx, info.wait); serr != nil {
			return nil, d.ended(req, fmt.Sprintf("gave up waiting %v to retry", info.wait.Round(time.Millisecond)), serr, err)
		}
		waited += info.wait
	}
}

// start waits for the limiter.
func (d *Doer) start(ctx context.Context, call *Call) error {
	if call.Limiter == nil {
		return nil
	}
	return call.Limiter.Wait(ctx)
}

// ended is the error of a call that stopped before its attempts were done:
// it matches err (the context's or the limiter's) and the last attempt's
// error, names the latter in its text, and is never retryable (its own
// retryInfo says no before the last attempt's can say yes).
func (d *Doer) ended(req *http.Request, what string, err, last error) error {
	text := fmt.Sprintf("chatwoot: %s %s: %s: %s", req.Method, QuoteURL(*d.Token, req.URL), what, redact.Quote(*d.Token, err.Error(), 0, 400))
	if last != nil {
		text += " (last attempt: " + last.Error() + ")"
	}
	return &foreignError{text: text, cause: errors.Join(err, last), clean: true} // never retryable
}

// attempt makes one request. A 200's body is read whole here, so that the
// attempt's deadline bounds the read and a cut or stalled body is retried
// like a failure to connect.
func (d *Doer) attempt(ctx context.Context, req *http.Request, call *Call, n int) (*http.Response, retryInfo, error) {
	actx, cancel := context.WithTimeout(ctx, call.Timeout)
	defer cancel()
	timedOut := func() bool { return ctx.Err() == nil && actx.Err() != nil }
	resp, err := d.HTTP.Do(req.WithContext(actx)) //nolint:gosec // the URL is the Client's base URL, checked by NewClient; redirects are pinned to its origin
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text repeats the method and the URL as sent
		}
		if timedOut() {
			err = timeoutError(call.Timeout)
		}
		info := retryInfo{retry: retryableTransportError(err), wait: d.Policy.Backoff(n)}
		var redirect *RedirectError
		if errors.As(err, &redirect) || errors.Is(err, errTooManyRedirects) {
			return nil, info, &foreignError{text: err.Error(), cause: err, clean: true, retryInfo: info}
		}
		return nil, info, foreign(*d.Token, fmt.Sprintf("chatwoot: %s %s: ", req.Method, QuoteURL(*d.Token, req.URL)), err, info)
	}
	// Every read of the body ends by the attempt's deadline, even where the
	// transport would not end it (a protocol registered on an
	// *http.Transport, another RoundTripper): closing the body ends a read.
	raw, std := resp.Body, isNetHTTP(d.HTTP)
	stop := context.AfterFunc(actx, func() { _ = raw.Close() })
	defer stop()
	read := false // to its end: net/http's Close then returns at once
	defer func() {
		if read && std {
			_ = raw.Close()
		} else {
			drainAndClose(raw)
		}
	}()
	call.Response.record(resp, *d.Token)
	ct := resp.Header.Get("Content-Type")
	switch {
	case resp.StatusCode < 200:
		// A final 1xx (101 Switching Protocols) leaves a connection that is
		// no longer HTTP: close it unread.
		return resp, retryInfo{}, d.apiError(req, resp, nil, "an informational reply where a final one belongs: nothing was read from the connection; this is not a Chatwoot server's reply")
	case resp.StatusCode != http.StatusOK:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10)) // a broken error body still has a status to report
		e := d.apiError(req, resp, body, decode.Message(ct, body, *d.Token))
		e.retry, e.wait = d.Policy.afterStatus(resp, n)
		if resp.StatusCode == http.StatusTooManyRequests {
			e.RetryAfter = e.wait.Truncate(time.Second)
		} else if wait, ok := d.Policy.retryAfter(resp.Header); ok {
			e.RetryAfter = wait
		}
		return resp, e.retryInfo, e
	case !decode.IsJSON(ct):
		start, _ := io.ReadAll(io.LimitReader(resp.Body, 4096)) // enough to describe
		return resp, retryInfo{}, d.DecodeError(resp, start, &decode.Error{Err: decode.NotJSON(ct, start, *d.Token)})
	}
	data, err := readBody(resp.Body, resp.ContentLength, d.MaxBody, *d.Token)
	if read = err == nil; read {
		b := &body{data: data}
		b.Reset(data)
		resp.Body, resp.ContentLength = b, int64(len(data))
		return resp, retryInfo{}, nil
	}
	derr := d.DecodeError(resp, data, &decode.Error{Offset: len(data), Err: err})
	var tooLarge *tooLargeError
	switch {
	case errors.As(err, &tooLarge):
		derr.Offset = 0 // quote the start: it says what came back
	case ctx.Err() != nil:
		derr.Err = fmt.Errorf("the call's context ended while the body was read: %w", ctx.Err())
	case timedOut():
		derr.Err = fmt.Errorf("the body stalled after %d bytes: %w", len(data), timeoutError(call.Timeout))
		derr.retryInfo = retryInfo{retry: true, wait: d.Policy.Backoff(n)}
	default:
		derr.retryInfo = retryInfo{retry: true, wait: d.Policy.Backoff(n)}
	}
	return resp, derr.retryInfo, derr
}

func (d *Doer) apiError(req *http.Request, resp *http.Response, body []byte, message string) *APIError {
	return &APIError{StatusCode: resp.StatusCode, ContentType: redact.Quote(*d.Token, resp.Header.Get("Content-Type"), 0, 200),
		Method: req.Method, URL: QuoteURL(*d.Token, req.URL), RequestID: requestID(resp.Header, *d.Token),
		Message: message, Body: redact.Quote(*d.Token, body, 0, 160)}
}

// DecodeError describes a 200 reply whose body, data (or its start), the
// client cannot read, for e's reason.
func (d *Doer) DecodeError(resp *http.Response, data []byte, e *decode.Error) *DecodeError {
	out := &DecodeError{StatusCode: resp.StatusCode, ContentType: redact.Quote(*d.Token, resp.Header.Get("Content-Type"), 0, 200),
		Field: redact.Quote(*d.Token, e.Field, 0, 400), Offset: int64(e.Offset), Err: e.Err, Excerpt: redact.Quote(*d.Token, data, e.Offset, 160),
		RequestID: requestID(resp.Header, *d.Token)}
	if resp.Request != nil {
		out.Method, out.URL = resp.Request.Method, QuoteURL(*d.Token, resp.Request.URL)
	}
	return out
}

// isNetHTTP reports whether hc's transport is net/http's, whose bodies
// close at once once read to their end; another transport's may not.
func isNetHTTP(hc *http.Client) bool {
	auth, ok := hc.Transport.(*authTransport)
	if !ok {
		return false
	}
	_, std := auth.base.(*http.Transport)
	return std
}

// body is a 200's body, read whole: Body returns its bytes without a copy.
type body struct {
	bytes.Reader
	data []byte
}

func (*body) Close() error { return nil }

// Body returns the bytes of a body the Doer read, or nil.
func Body(resp *http.Response) []byte {
	if b, ok := resp.Body.(*body); ok {
		return b.data
	}
	return nil
}

var chunks = sync.Pool{New: func() any { return new([16 << 10]byte) }}

// readBody reads r to its end, at most limit bytes, into pooled chunks as
// bytes arrive, then makes one copy of the exact size: nothing is reserved
// ahead of what arrived. Only io.EOF is an end: any other error, as the
// io.ErrUnexpectedEOF of a cut Content-Length, chunked, gzip or HTTP/2
// body, is a cut, and matches io.ErrUnexpectedEOF.
func readBody(r io.Reader, sizeHint, limit int64, tok redact.Token) ([]byte, error) {
	var full []*[16 << 10]byte
	defer func() {
		for _, c := range full {
			chunks.Put(c)
		}
	}()
	var total int64
	for {
		c := chunks.Get().(*[16 << 10]byte) //nolint:forcetypeassert // the pool holds nothing else
		full = append(full, c)
		n, err := 0, error(nil)
		for n < len(c) && err == nil {
			var m int
			m, err = r.Read(c[n:])
			n += m
		}
		total += int64(n)
		if err == nil && total <= limit {
			continue
		}
		out := make([]byte, 0, min(total, limit))
		for i, c := range full {
			out = append(out, c[:min(len(c), int(min(total, limit))-i*len(c))]...)
		}
		switch {
		case total > limit:
			return out, &tooLargeError{limit: limit}
		case err == io.EOF: //nolint:errorlint // only the body's own io.EOF is a clean end; a wrapped one is a cut
			// Even short of resp.ContentLength: a transport that
			// decompresses may leave the compressed length there, and
			// net/http's own ends a short body with io.ErrUnexpectedEOF.
			return out, nil
		case sizeHint > total && errors.Is(err, io.ErrUnexpectedEOF):
			return out, fmt.Errorf("the body ends after %d bytes, before the %d its Content-Length promised: the connection was cut (%w)", total, sizeHint, io.ErrUnexpectedEOF)
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			return out, fmt.Errorf("the body ends after %d bytes, before its framing said it ends: the connection was cut (%w)", total, io.ErrUnexpectedEOF)
		}
		return out, fmt.Errorf("the body was cut after %d bytes (%w): %w", total, io.ErrUnexpectedEOF, foreign(tok, "", err, retryInfo{}))
	}
}

type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("the reply is larger than %d bytes, the most this client reads (see WithMaxResponseBytes)", e.limit)
}

// drainAndClose reads what is left of a body, up to 256 KiB, so that the
// connection can carry the next request, then closes it. A body that
// neither ends nor closes within 100 ms is left to do so on its own: the
// call has what it needs.
func drainAndClose(b io.ReadCloser) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.CopyN(io.Discard, b, 256<<10)
		_ = b.Close()
	}()
	t := time.NewTimer(100 * time.Millisecond)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		go func() { _ = b.Close() }()
	}
}

// requestID returns the id the server gave the request (Rails sends
// X-Request-Id), for matching an error with the server's logs.
func requestID(h http.Header, tok redact.Token) string {
	return redact.Quote(tok, h.Get("X-Request-Id"), 0, 128)
}

// log writes one record per attempt, never a header nor the token: at Warn
// for an attempt that is retried (the caller never sees its error), at
// Debug for the rest (the caller gets the call's outcome).
func (d *Doer) log(ctx context.Context, call *Call, req *http.Request, resp *http.Response, attempt int, took time.Duration, err error, retry bool, wait time.Duration) {
	if call.Logger == nil {
		return
	}
	level, status := slog.LevelDebug, 0
	if resp != nil {
		status = resp.StatusCode
	}
	attrs := make([]slog.Attr, 0, 7)
	attrs = append(attrs, slog.String("method", req.Method), slog.String("path", redact.Quote(*d.Token, req.URL.Path, 0, 400)),
		slog.Int("status", status), slog.Int("attempt", attempt), slog.Duration("duration", took))
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	if retry {
		level = slog.LevelWarn
		attrs = append(attrs, slog.Duration("retry_in", wait))
	}
	call.Logger.LogAttrs(ctx, level, "chatwoot request", attrs...)
}

// Policy says how long to wait between attempts. Tests shorten it.
type Policy struct {
	BaseDelay time.Duration // first backoff; doubles each attempt
	MaxDelay  time.Duration // backoff cap
	MaxAsk    time.Duration // longest wait a server may ask for; longer is not retried
	Window    time.Duration // the rate limit's window, for 429s without Retry-After
	Now       func() time.Time
	Jitter    func(n time.Duration) time.Duration // uniform in [0, n)
}

// DefaultPolicy is the policy of every Client.
var DefaultPolicy = Policy{
	BaseDelay: 500 * time.Millisecond, MaxDelay: 8 * time.Second, MaxAsk: 60 * time.Second, Window: time.Minute, Now: time.Now,
	Jitter: func(n time.Duration) time.Duration { return rand.N(n) }, //nolint:gosec // jitter spreads retries; it guards nothing
}

// Backoff is the capped exponential delay before retry n (1-based), half
// fixed, half random, so that clients that failed together do not come
// back together.
func (p Policy) Backoff(n int) time.Duration {
	d := p.MaxDelay
	if n < 30 { // beyond that the shift overflows; the cap applies anyway
		d = min(p.BaseDelay<<(n-1), p.MaxDelay)
	}
	return d/2 + p.Jitter(d/2+1)
}

// afterStatus decides whether a reply with this status is worth another
// try, and after how long. Only statuses that say "not now" are: 429, 502,
// 503, 504, and 422, which this endpoint sends only when a database query
// timed out (4.16+). Chatwoot's 500 is an exception in its code, which the
// same request raises again.
func (p Policy) afterStatus(resp *http.Response, n int) (bool, time.Duration) {
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout, http.StatusUnprocessableEntity:
	default:
		return false, 0
	}
	if wait, ok := p.retryAfter(resp.Header); ok {
		return wait <= p.MaxAsk, wait
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return true, p.untilNextWindow(resp.Header)
	}
	return true, p.Backoff(n)
}

// retryAfter reads a Retry-After header, in seconds or as an HTTP date.
func (p Policy) retryAfter(h http.Header) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
		return time.Duration(min(secs, math.MaxInt64/int64(time.Second))) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(p.Now()), 0).Round(time.Second), true
	}
	return 0, false
}

// untilNextWindow is the wait after a 429 without Retry-After, which is
// what Chatwoot's rack-attack sends. Its limit counts in fixed windows
// aligned to the Unix minute, refused requests included, so a retry within
// the window is refused again: wait until the next one starts by the
// server's clock (its Date header; ours without one), in whole seconds,
// plus up to a second of jitter so that throttled clients spread out.
func (p Policy) untilNextWindow(h http.Header) time.Duration {
	now := p.Now()
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		now = date
	}
	left := (p.Window - time.Duration(now.UnixNano())%p.Window + time.Second - 1).Truncate(time.Second)
	return min(left, p.MaxAsk) + p.Jitter(time.Second)
}

// Sleep waits for d, or until ctx ends, whichever is first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
