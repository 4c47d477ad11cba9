package chatwoot_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
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
)

// This file cuts a 200's body part-way on every framing a server may use
// (Content-Length, chunked, gzip with and without a length, HTTP/2). An
// older version took some of these cuts for a clean end, or for a final
// failure: a cut is a cut on every framing. It matches io.ErrUnexpectedEOF,
// Retryable says to retry, and a retry that gets the whole reply succeeds.
// The reply is a real one: the 20 conversations of testdata/bench_reply.json.

// framingServer answers the first cuts requests with cut and the others
// with whole, writing bytes by hand on a raw connection so that the test
// controls every byte of the framing. It records each request's headers.
type framingServer struct {
	url      string
	requests atomic.Int32
	mu       sync.Mutex
	headers  []http.Header
}

func (s *framingServer) seen() []http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]http.Header(nil), s.headers...)
}

func newFramingServer(t *testing.T, cuts int, cut, whole func(conn net.Conn)) *framingServer {
	t.Helper()
	s := &framingServer{}
	s.url = tcpServer(t, func(conn net.Conn, req *http.Request) {
		s.mu.Lock()
		s.headers = append(s.headers, req.Header.Clone())
		s.mu.Unlock()
		if int(s.requests.Add(1)) <= cuts {
			cut(conn) // tcpServer closes the connection when this returns
			return
		}
		whole(conn)
	})
	return s
}

// write sends parts, in order, as separate writes (so that a reader may
// see them arrive apart, as from a real server).
func write(conn net.Conn, parts ...string) {
	for _, p := range parts {
		if _, err := conn.Write([]byte(p)); err != nil {
			return
		}
	}
}

// gzipped compresses b.
func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// chunked frames b as n chunks, with the terminating 0-chunk when last.
func chunked(b []byte, n int, last bool) string {
	var out strings.Builder
	for i := range n {
		part := b[i*len(b)/n : (i+1)*len(b)/n]
		fmt.Fprintf(&out, "%x\r\n%s\r\n", len(part), part)
	}
	if last {
		out.WriteString("0\r\n\r\n")
	}
	return out.String()
}

// framing is one way of sending the reply: whole, and cut part-way.
type framing struct {
	name      string
	gzip      bool // the request must have asked for gzip
	cut       func(conn net.Conn)
	whole     func(conn net.Conn)
	cutNeedle string // what the error's text says of the cut, "" to not check
}

// framings returns every hand-written framing of body.
func framings(t *testing.T, body []byte) []framing {
	zipped := gzipped(t, body)
	half, zhalf := string(body[:len(body)/2]), string(zipped[:len(zipped)/2])
	const ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n"
	cl := func(n int) string { return "Content-Length: " + strconv.Itoa(n) + "\r\n" }
	const te, ce = "Transfer-Encoding: chunked\r\n", "Content-Encoding: gzip\r\n"
	return []framing{{
		name:      "Content-Length",
		cut:       func(c net.Conn) { write(c, ok+cl(len(body))+"\r\n", half) },
		whole:     func(c net.Conn) { write(c, ok+cl(len(body))+"\r\n", string(body)) },
		cutNeedle: "Content-Length promised",
	}, {
		// Cut at a chunk boundary: no terminating 0-chunk.
		name:  "chunked, cut between chunks",
		cut:   func(c net.Conn) { write(c, ok+te+"\r\n", chunked(body[:len(body)/2], 3, false)) },
		whole: func(c net.Conn) { write(c, ok+te+"\r\n", chunked(body, 4, true)) },
	}, {
		// A chunk header announces more bytes than are sent.
		name:  "chunked, cut inside a chunk",
		cut:   func(c net.Conn) { write(c, ok+te+"\r\n", fmt.Sprintf("%x\r\n", len(body)), half) },
		whole: func(c net.Conn) { write(c, ok+te+"\r\n", chunked(body, 1, true)) },
	}, {
		// No length at all: the body ends when the connection closes, and
		// only the gzip stream can tell that it was cut.
		name:  "gzip, delimited by the close",
		gzip:  true,
		cut:   func(c net.Conn) { write(c, ok+ce+"\r\n", zhalf) },
		whole: func(c net.Conn) { write(c, ok+ce+"\r\n", string(zipped)) },
	}, {
		name:  "gzip, chunked, the stream cut",
		gzip:  true,
		cut:   func(c net.Conn) { write(c, ok+ce+te+"\r\n", chunked([]byte(zhalf), 2, true)) },
		whole: func(c net.Conn) { write(c, ok+ce+te+"\r\n", chunked(zipped, 3, true)) },
	}, {
		// The transport hides the Content-Length when it decompresses.
		name:  "gzip, Content-Length of the compressed bytes",
		gzip:  true,
		cut:   func(c net.Conn) { write(c, ok+ce+cl(len(zipped))+"\r\n", zhalf) },
		whole: func(c net.Conn) { write(c, ok+ce+cl(len(zipped))+"\r\n", string(zipped)) },
	}, {
		// The gzip stream is whole but for its 8-byte trailer (CRC and
		// size), and the HTTP framing is whole: only gzip knows.
		name:  "gzip without its trailer, framing whole",
		gzip:  true,
		cut:   func(c net.Conn) { write(c, ok+ce+cl(len(zipped)-8)+"\r\n", string(zipped[:len(zipped)-8])) },
		whole: func(c net.Conn) { write(c, ok+ce+cl(len(zipped))+"\r\n", string(zipped)) },
	}}
}

// assertCut checks err is a cut: io.ErrUnexpectedEOF, a *DecodeError, one
// that Retryable says to retry, and free of the token.
func assertCut(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "%v", err)
	var derr *chatwoot.DecodeError
	assert.ErrorAs(t, err, &derr)
	wait, ok := chatwoot.Retryable(err)
	assert.True(t, ok, "a cut body is retried: %v", err)
	assert.Positive(t, wait)
	noToken(t, append(errorTexts(err), formatted(err))...)
}

func TestFraming_ACutBodyIsACutOnEveryFraming(t *testing.T) {
	t.Parallel()
	body := twentyConversations(t)
	for _, f := range framings(t, body) {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			srv := newFramingServer(t, 1<<30, f.cut, f.whole)
			c := newClient(t, srv.url)
			convs, err := c.ListContactConversations(context.Background(), 3, 4821)
			assert.Nil(t, convs, "no partial list")
			assertCut(t, err)
			if f.cutNeedle != "" {
				assert.ErrorContains(t, err, f.cutNeedle)
			}
			assert.EqualValues(t, 1, srv.requests.Load())
			if f.gzip {
				for _, h := range srv.seen() {
					assert.Contains(t, h.Get("Accept-Encoding"), "gzip", "the transport asks for gzip")
				}
			}
		})
	}
}

func TestFraming_ACutBodyIsRetriedAndTheWholeOneRead(t *testing.T) {
	t.Parallel()
	body := twentyConversations(t)
	for _, f := range framings(t, body) {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			srv := newFramingServer(t, 1, f.cut, f.whole)
			c := newClient(t, srv.url, chatwoot.WithMaxRetries(2))
			waits := chatwoot.RecordWaits(c)
			var resp chatwoot.Response
			convs, err := c.ListContactConversations(context.Background(), 3, 4821, chatwoot.WithResponseInto(&resp))
			require.NoError(t, err)
			assert.Len(t, convs, 20)
			assert.Equal(t, 2, resp.Attempts)
			assert.EqualValues(t, 2, srv.requests.Load())
			assert.Len(t, waits.Waits(), 1)
		})
	}
}

// Every whole framing gives the very conversations a Content-Length does.
func TestFraming_WholeRepliesDecodeAlikeOnEveryFraming(t *testing.T) {
	t.Parallel()
	body := twentyConversations(t)
	all := framings(t, body)
	require.Equal(t, "Content-Length", all[0].name)
	var want []chatwoot.Conversation
	for _, f := range all {
		srv := newFramingServer(t, 0, nil, f.whole)
		c := newClient(t, srv.url)
		convs, err := c.ListContactConversations(context.Background(), 3, 4821)
		require.NoError(t, err, f.name)
		require.Len(t, convs, 20, f.name)
		if want == nil {
			want = convs
			continue
		}
		assert.Equal(t, want, convs, f.name)
		assert.Equal(t, want[19].RawJSON(), convs[19].RawJSON(), f.name)
	}
}

// chunkedServer is an httptest server that sends the body in flushed
// chunks; while cut, it then hijacks the connection and closes it, so that
// the 0-chunk never comes.
func chunkedServer(t *testing.T, body []byte, cut *atomic.Bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		n := 4
		if cut.Load() {
			n = 2 // of 4
		}
		for i := range n {
			_, _ = w.Write(body[i*len(body)/4 : (i+1)*len(body)/4])
			w.(http.Flusher).Flush()
		}
		if cut.Load() {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFraming_ChunkedCutByAHijackedConnection(t *testing.T) {
	t.Parallel()
	body := twentyConversations(t)
	var cut atomic.Bool
	cut.Store(true)
	srv := chunkedServer(t, body, &cut)
	c := newClient(t, srv.URL)
	_, err := c.ListContactConversations(context.Background(), 3, 4821)
	assertCut(t, err)

	// Cut once, then whole.
	var calls atomic.Int32
	c = newClient(t, srv.URL, chatwoot.WithMaxRetries(2), chatwoot.WithRateLimiter(limiterFunc(func(context.Context) error {
		cut.Store(calls.Add(1) == 1)
		return nil
	})))
	chatwoot.RecordWaits(c)
	convs, err := c.ListContactConversations(context.Background(), 3, 4821)
	require.NoError(t, err)
	assert.Len(t, convs, 20)
	assert.EqualValues(t, 2, calls.Load())
}

// limiterFunc is a RateLimiter made of a function; tests use it to act
// before each attempt.
type limiterFunc func(context.Context) error

func (f limiterFunc) Wait(ctx context.Context) error { return f(ctx) }

// h2Server is an HTTP/2 server over TLS that answers with handle, and a
// client that trusts it. It fails the test if a request came over HTTP/1.
func h2Server(t *testing.T, handle func(w http.ResponseWriter, attempt int)) (*httptest.Server, *chatwoot.Client) {
	t.Helper()
	var attempts atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 {
			t.Errorf("the request came over %s, not HTTP/2", r.Proto)
		}
		handle(w, int(attempts.Add(1)))
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, chatwoot.WithHTTPClient(srv.Client()))
	return srv, c
}

// HTTP/2 has no framing of its own to cut: a stream reset part-way
// through the body is the cut.
func TestFraming_HTTP2StreamResetPartWay(t *testing.T) {
	t.Parallel()
	body := twentyConversations(t)
	var cuts atomic.Int32
	cuts.Store(1 << 30)
	_, c := h2Server(t, func(w http.ResponseWriter, attempt int) {
		w.Header().Set("Content-Type", "application/json")
		if attempt > int(cuts.Load()) {
			_, _ = w.Write(body)
			return
		}
		_, _ = w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // RST_STREAM
	})
	_, err := c.ListContactConversations(context.Background(), 3, 4821)
	assertCut(t, err)

	cuts.Store(2) // the first was cut above; the next is too, then whole
	var resp chatwoot.Response
	chatwoot.RecordWaits(c)
	convs, err := c.ListContactConversations(context.Background(), 3, 4821, chatwoot.WithMaxRetries(2), chatwoot.WithResponseInto(&resp))
	require.NoError(t, err)
	assert.Len(t, convs, 20)
	assert.Equal(t, 2, resp.Attempts)
}

// Attack beyond the list: on HTTP/2 the server declares a Content-Length
// and ends the stream cleanly (END_STREAM) after half of it. The stream
// was not reset, but the body is still short: a cut.
func TestFraming_HTTP2ContentLengthLongerThanTheBody(t *testing.T) {
	t.Parallel()
	body := twentyConversations(t)
	_, c := h2Server(t, func(w http.ResponseWriter, attempt int) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if attempt == 1 {
			_, _ = w.Write(body[:len(body)/2])
			return
		}
		_, _ = w.Write(body)
	})
	_, err := c.ListContactConversations(context.Background(), 3, 4821)
	assertCut(t, err)

	chatwoot.RecordWaits(c)
	convs, err := c.ListContactConversations(context.Background(), 3, 4821, chatwoot.WithMaxRetries(1))
	require.NoError(t, err)
	assert.Len(t, convs, 20)
}

// Attack beyond the list: a whole chunked reply followed by trailers is a
// whole reply, and so is one whose 0-chunk carries a chunk extension.
func TestFraming_ChunkedTrailersAndExtensionsAreWhole(t *testing.T) {
	t.Parallel()
	body := twentyConversations(t)
	const head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\nConnection: close\r\n\r\n"
	withTrailer := strings.TrimSuffix(chunked(body, 3, true), "\r\n") + "X-Checksum: " + testToken + "\r\n\r\n"
	withExt := strings.Replace(chunked(body, 3, true), "\r\n0\r\n", "\r\n0;ext="+testToken+"\r\n", 1)
	require.NotEqual(t, chunked(body, 3, true), withExt)
	for name, wire := range map[string]string{"trailer": withTrailer, "extension": withExt} {
		srv := newFramingServer(t, 0, nil, func(c net.Conn) { write(c, head, wire) })
		c := newClient(t, srv.url)
		var resp chatwoot.Response
		convs, err := c.ListContactConversations(context.Background(), 3, 4821, chatwoot.WithResponseInto(&resp))
		require.NoError(t, err, name)
		assert.Len(t, convs, 20, name)
		noToken(t, formatted(resp))
	}
}

// Attack beyond the list: a Content-Encoding the transport does not
// decode (deflate, br) leaves compressed bytes under a JSON Content-Type.
// That is no cut and no success: a *DecodeError, not retried (the same
// request gets the same bytes), and the compressed bytes are not
// mistaken for a cut stream.
func TestFraming_AnEncodingTheTransportDoesNotDecode(t *testing.T) {
	t.Parallel()
	body := twentyConversations(t)
	zipped := gzipped(t, body)
	for _, enc := range []string{"deflate", "br", "gzip, gzip"} {
		srv := newFramingServer(t, 0, nil, func(c net.Conn) {
			write(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: "+enc+
				"\r\nContent-Length: "+strconv.Itoa(len(zipped))+"\r\nConnection: close\r\n\r\n", string(zipped))
		})
		c := newClient(t, srv.url, chatwoot.WithMaxRetries(2))
		waits := chatwoot.RecordWaits(c)
		convs, err := c.ListContactConversations(context.Background(), 3, 4821)
		assert.Nil(t, convs, enc)
		var derr *chatwoot.DecodeError
		require.ErrorAs(t, err, &derr, enc)
		assert.False(t, errors.Is(err, io.ErrUnexpectedEOF), "%s: whole bytes are not a cut: %v", enc, err)
		_, ok := chatwoot.Retryable(err)
		assert.False(t, ok, enc)
		assert.Empty(t, waits.Waits(), enc)
		assert.EqualValues(t, 1, srv.requests.Load(), enc)
		assert.Less(t, len(err.Error()), 4096, enc)
	}
}

// Attacks on gzip reading that no framing above makes: a
// Content-Encoding in capitals, garbage after the gzip stream, a second
// gzip member, an empty gzip body, and the token in the garbage. Each ends
// at once with a bounded error that holds no token; none is taken as whole
// when it is not.
func TestFraming_GzipOddities(t *testing.T) {
	t.Parallel()
	gz := func(s string) []byte { return gzipped(t, []byte(s)) }
	reply := `{"payload":[]}`
	for _, tc := range []struct {
		name, encoding string
		body           []byte
		whole          bool
	}{
		{"GZIP in capitals", "GZIP", gz(reply), true},
		{"garbage after the stream", "gzip", append(gz(reply), []byte("garbage "+testToken)...), false},
		{"a second member", "gzip", append(gz(reply), gz(reply)...), false},
		{"an empty body", "gzip", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			head := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: %s\r\nContent-Length: %d\r\n\r\n", tc.encoding, len(tc.body))
			c := newClient(t, bytesServer(t, append([]byte(head), tc.body...)), chatwoot.WithMaxRetries(0))
			start := time.Now()
			convs, err := c.ListContactConversations(context.Background(), 3, 4821)
			assert.Less(t, time.Since(start), 5*time.Second)
			if tc.whole {
				require.NoError(t, err)
				assert.Empty(t, convs)
				return
			}
			require.Error(t, err)
			assert.Nil(t, convs)
			assert.Less(t, len(err.Error()), 4096)
			assert.NotContains(t, fmt.Sprintf("%+v", err), testToken)
			t.Logf("%v", err)
		})
	}
}
