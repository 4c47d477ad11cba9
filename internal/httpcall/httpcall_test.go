package httpcall

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/internal/redact"
)

const token = redact.Token("s3cr3tT0kenABCDEFGHIJKLM")

// ending is a reader of data in pieces of at most step bytes, that ends
// with err.
type ending struct {
	data []byte
	step int
	err  error
}

func (r *ending) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p[:min(len(p), r.step)], r.data)
	r.data = r.data[n:]
	return n, nil
}

// Only the body's own io.EOF ends it cleanly: whatever else ends a read
// (the ErrUnexpectedEOF of a cut chunked, gzip or HTTP/2 body, a reset, a
// wrapped EOF) is a cut, which matches io.ErrUnexpectedEOF.
func TestReadBody_OnlyEOFIsAnEnd(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 5000) // past several pooled chunks
	for _, tc := range []struct {
		name     string
		err      error
		sizeHint int64
		says     string
	}{
		{"eof", io.EOF, -1, ""},
		{"eof with its length", io.EOF, int64(len(data)), ""},
		{"a Content-Length cut", io.ErrUnexpectedEOF, int64(len(data)) + 10, "before the 50010 its Content-Length promised"},
		// A transport that decompresses may leave the compressed length;
		// net/http's own ends a short body with io.ErrUnexpectedEOF.
		{"eof short of a length", io.EOF, int64(len(data)) + 10, ""},
		{"a chunked, gzip or HTTP/2 cut", io.ErrUnexpectedEOF, -1, "before its framing said it ends"},
		{"a wrapped EOF", &url.Error{Op: "read", Err: io.EOF}, -1, "before its framing said it ends"},
		{"a reset", errors.New("connection reset by peer " + string(token)), -1, "the body was cut after 50000 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, step := range []int{1 << 20, 7, 16 << 10} {
				got, err := readBody(&ending{data: data, step: step, err: tc.err}, tc.sizeHint, 1<<20, token)
				assert.Equal(t, data, got)
				if tc.says == "" {
					assert.NoError(t, err)
					continue
				}
				require.Error(t, err)
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
				assert.Contains(t, err.Error(), tc.says)
				assert.NotContains(t, err.Error(), string(token))
			}
		})
	}
}

func TestReadBody_StopsAtTheLimit(t *testing.T) {
	got, err := readBody(iotest.HalfReader(bytes.NewReader(make([]byte, 100_000))), -1, 40_000, token)
	var tooLarge *tooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Len(t, got, 40_000)
	got, err = readBody(bytes.NewReader(make([]byte, 40_000)), 40_000, 40_000, token)
	require.NoError(t, err)
	assert.Len(t, got, 40_000, "exactly the limit is within it")
}

// A body is read into what arrived, not what was announced: a huge
// Content-Length reserves nothing.
func TestReadBody_ReservesNothingAhead(t *testing.T) {
	allocs := testing.AllocsPerRun(20, func() {
		_, _ = readBody(strings.NewReader(`{"payload":[]}`), 14, 1<<30, token)
	})
	assert.LessOrEqual(t, allocs, 3.0, "the bytes, and the list of pooled chunks")
	got, err := readBody(strings.NewReader(`{}`), 1<<30, 1<<30, token)
	require.NoError(t, err)
	assert.Equal(t, 2, cap(got))
}

func FuzzReadBody(f *testing.F) {
	f.Add([]byte(`{"payload":[]}`), uint16(3), false, int64(-1))
	f.Add([]byte(`{"payload":[]}`), uint16(1), true, int64(100))
	f.Fuzz(func(t *testing.T, data []byte, step uint16, cut bool, hint int64) {
		end := io.EOF
		if cut {
			end = io.ErrUnexpectedEOF
		}
		got, err := readBody(&ending{data: data, step: int(step%4096) + 1, err: end}, hint, 1<<20, token)
		assert.Equal(t, string(data), string(got))
		assert.Equal(t, cut, err != nil)
		if err != nil {
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		}
	})
}

// The token goes to the base URL's origin only; an upgrade from http to
// https keeps it only between the default ports, which are one server.
func TestSameOrigin(t *testing.T) {
	for _, tc := range []struct {
		origin, to string
		same       bool
	}{
		{"https://chat.example.com/", "https://chat.example.com/x", true},
		{"https://chat.example.com/", "https://CHAT.example.com/x", true},
		{"https://chat.example.com/", "https://chat.example.com:8443/x", false},
		{"https://chat.example.com/", "http://chat.example.com/x", false},
		{"https://chat.example.com/", "https://evil.example.com/x", false},
		{"http://chat.example.com/", "https://chat.example.com/x", true},
		{"http://chat.example.com:80/", "https://chat.example.com:443/x", true},
		{"http://127.0.0.1:8080/", "https://127.0.0.1:8443/x", false},
		{"http://127.0.0.1:8080/", "https://127.0.0.1/x", false},
		{"http://chat.example.com/", "https://chat.example.com:8443/x", false},
	} {
		origin, err := url.Parse(tc.origin)
		require.NoError(t, err)
		to, err := url.Parse(tc.to)
		require.NoError(t, err)
		assert.Equal(t, tc.same, sameOrigin(origin, to), "%s → %s", tc.origin, tc.to)
	}
}

// The auth transport sets the token on a copy of the request, never on
// the caller's, and never off the origin.
func TestAuthTransport_ClonesTheRequest(t *testing.T) {
	origin, _ := url.Parse("https://chat.example.com/")
	var seen []http.Header
	tr := &authTransport{origin: origin, token: token, fixed: http.Header{"User-Agent": {"ua"}}, base: roundTrip(func(r *http.Request) (*http.Response, error) {
		seen = append(seen, r.Header)
		return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody}, nil
	})}
	req, _ := http.NewRequest(http.MethodGet, "https://chat.example.com/api", nil)
	req.Header.Set(TokenHeader, "from the caller")
	_, err := tr.RoundTrip(req)
	require.NoError(t, err)
	assert.Equal(t, "from the caller", req.Header.Get(TokenHeader), "the caller's request is untouched")
	assert.Equal(t, string(token), seen[0].Get(TokenHeader))
	elsewhere, _ := http.NewRequest(http.MethodGet, "https://evil.example.com/api", nil)
	elsewhere.Header.Set(TokenHeader, string(token))
	_, err = tr.RoundTrip(elsewhere)
	require.NoError(t, err)
	assert.Empty(t, seen[1].Get(TokenHeader), "no token off the origin, even one set by hand")
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A Response records at most 100 header values, each cut to about 1 KiB,
// with the token scrubbed, whatever the server sent.
func TestResponse_RecordIsBounded(t *testing.T) {
	h := http.Header{}
	for i := range 5000 {
		h.Add("X-H", strings.Repeat("v", i%3000))
	}
	h.Set("X-Echo", "token "+string(token))
	h.Set("X-Big", strings.Repeat("x", 2<<20)+string(token))
	var r Response
	r.record(&http.Response{StatusCode: http.StatusOK, Header: h}, token)
	n, size := 0, 0
	for k, vs := range r.Header {
		for _, v := range vs {
			n++
			size += len(k) + len(v)
			assert.NotContains(t, v, string(token))
		}
	}
	assert.LessOrEqual(t, n, 100)
	assert.LessOrEqual(t, size, 100*(1<<10+16))
}

// After a 429 without Retry-After (rack-attack's), the wait is whole
// seconds to the server's next minute, plus the jitter.
func TestPolicy_RateLimitWaitsWholeSecondsToTheNextWindow(t *testing.T) {
	p := DefaultPolicy
	p.Jitter = func(time.Duration) time.Duration { return 0 }
	date := time.Date(2026, 12, 4, 10, 0, 14, 300_000_000, time.UTC)
	h := http.Header{"Date": {date.Format(http.TimeFormat)}} // whole seconds on the wire
	assert.Equal(t, 46*time.Second, p.untilNextWindow(h))
	p.Now = func() time.Time { return date }
	assert.Equal(t, 46*time.Second, p.untilNextWindow(http.Header{}), "by our clock, rounded up to a whole second")
	ok, wait := p.afterStatus(&http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"7"}}}, 1)
	assert.True(t, ok)
	assert.Equal(t, 7*time.Second, wait)
	ok, _ = p.afterStatus(&http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"3600"}}}, 1)
	assert.False(t, ok, "longer than MaxAsk: not retried")
	ok, _ = p.afterStatus(&http.Response{StatusCode: http.StatusInternalServerError, Header: http.Header{}}, 1)
	assert.False(t, ok)
}

func TestPolicy_BackoffIsCapped(t *testing.T) {
	p := DefaultPolicy
	for n := 1; n < 100; n++ {
		d := p.Backoff(n)
		assert.Positive(t, d)
		assert.LessOrEqual(t, d, p.MaxDelay)
	}
}

// A timed-out attempt is a net.Error that says Timeout and Temporary, and
// matches context.DeadlineExceeded, as http.Client.Timeout's is.
func TestTimeoutError(t *testing.T) {
	err := foreign(token, "prefix: ", timeoutError(time.Second), retryInfo{retry: true})
	var ne interface {
		Timeout() bool
		Temporary() bool
	}
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout())
	assert.True(t, ne.Temporary())
}

// A foreign error whose text holds the token stays matchable with
// errors.Is, but is not reachable with errors.As (its text would show).
func TestForeignError_HidesAnUncleanCause(t *testing.T) {
	cause := &url.Error{Op: "Get", URL: "x", Err: errors.New("echo " + string(token))}
	err := foreign(token, "", cause, retryInfo{})
	assert.NotContains(t, err.Error(), string(token))
	var ue *url.Error
	assert.False(t, errors.As(err, &ue))
	assert.ErrorIs(t, err, cause)
	big := errors.New(strings.Repeat("\x80", 9<<20))
	err = foreign(token, "", big, retryInfo{})
	assert.LessOrEqual(t, len(err.Error()), 4096, "a server-sized text is quoted in part")
}

// The default transport asks for gzip and decompresses it (net/http's
// own): bodies one after another, a body not read to its end, and a cut
// one, which readBody reports as cut.
func TestGzipBody(t *testing.T) {
	plain := []byte(`{"payload":[` + strings.Repeat(`{"id":1},`, 2000) + `{"id":2}]}`)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(plain)
	require.NoError(t, zw.Close())
	var sawGzip atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") == "gzip" {
			sawGzip.Add(1)
		}
		w.Header().Set("Content-Encoding", "gzip")
		body := gz.Bytes()
		if r.URL.Query().Has("cut") {
			body = body[:len(body)/2]
			w.Header().Set("Content-Length", strconv.Itoa(len(gz.Bytes())))
		}
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	origin, _ := url.Parse(srv.URL + "/")
	hc, err := NewHTTPClient(nil, origin, token, "ua", true)
	require.NoError(t, err)
	get := func(query string) *http.Response {
		resp, err := hc.Get(srv.URL + "/x" + query)
		require.NoError(t, err)
		return resp
	}
	for range 3 {
		resp := get("")
		assert.True(t, resp.Uncompressed)
		assert.Empty(t, resp.Header.Get("Content-Encoding"))
		assert.EqualValues(t, -1, resp.ContentLength)
		got, err := readBody(resp.Body, resp.ContentLength, 1<<20, token)
		require.NoError(t, err)
		assert.Equal(t, plain, got)
		require.NoError(t, resp.Body.Close())
		require.NoError(t, resp.Body.Close(), "a second Close does nothing")
	}
	resp := get("")
	head := make([]byte, 10)
	_, err = io.ReadFull(resp.Body, head)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close(), "closed before its end: not pooled")
	_, err = readBody(get("?cut").Body, -1, 1<<20, token)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.EqualValues(t, 5, sawGzip.Load())

	// A caller's http.Client decompresses as it was made to: not the client's business.
	caller, err := NewHTTPClient(srv.Client(), origin, token, "ua", true)
	require.NoError(t, err)
	resp, err = caller.Get(srv.URL + "/x")
	require.NoError(t, err)
	got, err := readBody(resp.Body, resp.ContentLength, 1<<20, token)
	require.NoError(t, err)
	assert.Equal(t, plain, got)
	_ = resp.Body.Close()
}
