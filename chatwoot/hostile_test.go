package chatwoot_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
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

// This file plays a hostile server: one that echoes the token back in every
// place it can, sends replies built to exhaust memory, or stalls. Each test
// is one channel or one attack.

// serveRaw answers every request with handle's headers and body.
func serveRaw(t *testing.T, handle func(w http.ResponseWriter, r *http.Request)) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(handle))
	t.Cleanup(srv.Close)
	return srv.URL
}

// noToken fails the test if the token shows, in any case, in any text.
func noToken(t *testing.T, texts ...string) {
	t.Helper()
	for _, text := range texts {
		assert.NotContains(t, strings.ToLower(text), strings.ToLower(testToken))
	}
}

// listWithLog calls the client and returns the error and what it logged.
func listWithLog(t *testing.T, url string, opts ...chatwoot.Option) (string, error) {
	t.Helper()
	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newClient(t, url, append([]chatwoot.Option{chatwoot.WithLogger(logger)}, opts...)...)
	_, err := c.ListContactConversations(context.Background(), 3, 4821)
	require.Error(t, err)
	return log.String(), err
}

func TestHostile_TokenEchoedInTheContentType(t *testing.T) {
	for _, status := range []int{401, 200} {
		url := serveRaw(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/x-"+testToken+"; charset=utf-8")
			w.WriteHeader(status)
			_, _ = w.Write([]byte("nope"))
		})
		log, err := listWithLog(t, url)
		noToken(t, err.Error(), formatted(err), log)
		var apiErr *chatwoot.APIError
		var decErr *chatwoot.DecodeError
		switch {
		case errors.As(err, &apiErr):
			assert.Equal(t, "text/[REDACTED] charset=utf-8", apiErr.ContentType, "the word that holds it (the token has '-' and ';' is an escape's)")
		case errors.As(err, &decErr):
			assert.Equal(t, "text/[REDACTED] charset=utf-8", decErr.ContentType)
			assert.Contains(t, err.Error(), "text/[REDACTED]")
		default:
			t.Fatalf("unexpected %T", err)
		}
	}
}

func TestHostile_TokenEchoedInARedirect(t *testing.T) {
	lower := strings.ToLower(testToken)
	for name, location := range map[string]string{
		"path":            "https://elsewhere.example/" + testToken + "/x",
		"path parameter":  "https://elsewhere.example/a;t=" + testToken,
		"host label":      "http://" + lower + ".localhost:1/x",
		"percent-encoded": "https://elsewhere.example/%73%33cr3t-T0KEN-abc123",
		"query":           "https://elsewhere.example/?t=" + testToken,
	} {
		t.Run(name, func(t *testing.T) {
			url := serveRaw(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, location, http.StatusFound)
			})
			log, err := listWithLog(t, url)
			var redirect *chatwoot.RedirectError
			require.ErrorAs(t, err, &redirect)
			// Every error of the chain, net/http's *url.Error included,
			// whose text would hold the Location as sent.
			noToken(t, append(errorTexts(err), formatted(err), redirect.From, redirect.To, log)...)
		})
	}
	// A same-host redirect loop whose path carries the token.
	url := serveRaw(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/"+testToken+r.URL.Path, http.StatusFound)
	})
	log, err := listWithLog(t, url, chatwoot.WithMaxRetries(2))
	assert.Contains(t, err.Error(), "stopped after 10 redirects")
	noToken(t, append(errorTexts(err), formatted(err), log)...)
}

// rawServer answers every connection with reply, byte for byte.
func rawServer(t *testing.T, reply string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer func() { _ = conn.Close() }()
				_, _ = http.ReadRequest(bufio.NewReader(conn))
				_, _ = conn.Write([]byte(reply))
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// net/http quotes a malformed status or header line in its error.
func TestHostile_TokenInAMalformedStatusOrHeaderLine(t *testing.T) {
	for _, reply := range []string{
		"HTTP/1.1 2" + testToken + " OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\n" + testToken + "\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX: a\r\n " + testToken + "\r\n\r\n",
	} {
		log, err := listWithLog(t, rawServer(t, reply))
		noToken(t, err.Error(), formatted(err), log)
	}
}

func TestHostile_TokenInABodyField(t *testing.T) {
	for _, body := range []string{
		`{"payload":[{"id":1,"snoozed_until":"` + testToken + `"}]}`, // time.ParseError quotes the value
		`{"payload":[{"id":1,"` + testToken + `":{"x":[}}]}`,
		`{"payload":[{"id":"` + testToken + `"}]}`,
		`{"payload":[{"id":1,"messages":[{"` + testToken + `":1,"updated_at":5}]}]}`,
	} {
		srv, _ := serveBody(t, 200, "application/json", []byte(body))
		log, err := listWithLog(t, srv.URL)
		noToken(t, err.Error(), formatted(err), log)
		var decErr *chatwoot.DecodeError
		require.ErrorAs(t, err, &decErr, body)
		noToken(t, decErr.Field, decErr.Excerpt, decErr.Err.Error())
	}
}

func TestHostile_TokenJSONEscapedInAnErrorBody(t *testing.T) {
	var escaped strings.Builder
	for _, r := range testToken {
		fmt.Fprintf(&escaped, `\u%04X`, r)
	}
	for _, body := range []string{
		`{"error":"bad token ` + escaped.String() + `"}`,
		`{"errors":["` + testToken[:5] + `\u0033` + testToken[6:] + `"]}`,
		`<html><title>&#115;3cr3t-T0KEN-abc123</title></html>`,
	} {
		srv, _ := serveBody(t, 401, "application/json", []byte(body))
		log, err := listWithLog(t, srv.URL)
		var apiErr *chatwoot.APIError
		require.ErrorAs(t, err, &apiErr)
		noToken(t, err.Error(), formatted(err), apiErr.Message, apiErr.Body, log)
		assert.NotContains(t, apiErr.Body, escaped.String())
	}

	// A token with <, > and &, which JSON encoders escape.
	const html = "tok<en>&x123"
	srv, _ := serveBody(t, 401, "application/json", []byte(`{"error":"tok\u003cen\u003e\u0026x123"}`))
	c, err := chatwoot.NewClient(srv.URL, chatwoot.WithAPIToken(html), chatwoot.WithMaxRetries(0))
	require.NoError(t, err)
	_, err = c.ListContactConversations(context.Background(), 3, 4821)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), html)
	assert.NotContains(t, err.Error(), `tok\u003cen`)
}

// NewClient never quotes a path or query of the base URL: a token pasted
// into it stays out of the error.
func TestHostile_TokenInTheBaseURL(t *testing.T) {
	for _, u := range []string{
		"https://chat.example.com/?api_access_token=" + testToken,
		"https://chat.example.com/" + testToken + "/api/v1",
		"http://chat.example.com/" + testToken,
		"https://" + testToken + "@chat.example.com",
		"ftp://chat.example.com/" + testToken,
		"https://chat.example.com/#" + testToken,
	} {
		_, err := chatwoot.NewClient(u, chatwoot.WithAPIToken(testToken))
		require.Error(t, err, u)
		noToken(t, err.Error())
	}
}

// Redact is the client's scrubber, for text a program prints itself.
func TestClient_Redact(t *testing.T) {
	c := newClient(t, "https://chat.example.com")
	assert.Equal(t, "a [REDACTED] b", c.Redact("a "+testToken+" b"))
	assert.Equal(t, "a [REDACTED] b", c.Redact("a "+strings.ToUpper(testToken)+" b"))
	assert.Equal(t, "cut [REDACTED]", c.Redact("cut "+testToken[:8]))
	assert.Equal(t, "a/[REDACTED] b", c.Redact("a/%73%33cr3t-T0KEN-abc123x b"), "the word that holds it, escapes and all")
	assert.Equal(t, "nothing here", c.Redact("nothing here"))
}

// memoryUsedBy reports the bytes allocated while f ran.
func memoryUsedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// 16 MiB of {"id":1},… compressed to a few KiB: refused after 1000 items,
// with memory bounded by the body's bytes.
func TestHostile_AGzipBombOfTinyItems(t *testing.T) {
	var plain bytes.Buffer
	plain.WriteString(`{"payload":[`)
	for plain.Len() < 16<<20-64 {
		plain.WriteString(`{"id":1},`)
	}
	plain.WriteString(`{"id":1}]}`)
	url, wire := gzipServer(t, plain.Bytes())
	require.Less(t, wire, 64<<10)
	var err error
	used := memoryUsedBy(func() {
		_, err = newClient(t, url, chatwoot.WithMaxResponseBytes(17<<20)).ListContactConversations(context.Background(), 3, 4821)
	})
	assert.ErrorContains(t, err, "more than 1000 conversations")
	assert.Less(t, used, uint64(48<<20), "the body and its buffer's growth, nothing per item")
	t.Logf("a %d-byte gzip of %d bytes: %.1f MiB allocated", wire, plain.Len(), float64(used)/(1<<20))
}

// A list of empty objects inside a conversation: refused before it is
// decoded (a message is hundreds of bytes in Go, three in JSON).
func TestHostile_ManyTinyListItems(t *testing.T) {
	body := `{"payload":[{"id":1,"messages":[` + strings.Repeat(`{},`, 200_000) + `{}]}]}`
	srv, _ := serveBody(t, 200, "application/json", []byte(body))
	var err error
	used := memoryUsedBy(func() { _, err = newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821) })
	assert.ErrorContains(t, err, "lists hold more than 10000 items")
	assert.Less(t, used, uint64(8<<20))
	t.Logf("%d bytes of tiny messages: %.1f MiB allocated", len(body), float64(used)/(1<<20))
}

// A reply that announces a large body and stalls costs what arrived, not
// what was announced.
func TestHostile_AnAnnouncedBodyThatNeverComes(t *testing.T) {
	for _, announced := range []string{"16777216", "68719476736"} { // 16 MiB, 64 GiB
		release := make(chan struct{})
		url := serveRaw(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", announced)
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"payload":[`))
			w.(http.Flusher).Flush()
			<-release
		})
		c := newClient(t, url, chatwoot.WithTimeout(200*time.Millisecond), chatwoot.WithMaxResponseBytes(chatwoot.MaxResponseBytesLimit))
		var err error
		used := memoryUsedBy(func() { _, err = c.ListContactConversations(context.Background(), 3, 4821) })
		close(release)
		require.Error(t, err)
		assert.Less(t, used, uint64(1<<20), "announced %s bytes", announced)
		t.Logf("announced %s bytes, stalled: %.0f KiB allocated", announced, float64(used)/(1<<10))
	}
}

func TestLimits_OptionsRejectValuesThatOverflow(t *testing.T) {
	for _, n := range []int64{math.MaxInt64, chatwoot.MaxResponseBytesLimit + 1, -1} {
		_, err := chatwoot.NewClient("https://chat.example.com", chatwoot.WithAPIToken(testToken), chatwoot.WithMaxResponseBytes(n))
		assert.ErrorContains(t, err, "out of range", n)
	}
	for _, d := range []time.Duration{-1, 0, math.MaxInt64} {
		_, err := chatwoot.NewClient("https://chat.example.com", chatwoot.WithAPIToken(testToken), chatwoot.WithTimeout(d))
		assert.ErrorContains(t, err, "out of range", d)
	}
	_, err := chatwoot.NewClient("https://chat.example.com", chatwoot.WithAPIToken(testToken), chatwoot.WithMaxRetryWait(math.MaxInt64))
	assert.ErrorContains(t, err, "out of range")
}

// A proxy on loopback, set in the transport as HTTP_PROXY would set it
// (net/http reads the environment once per process, so the test names it
// in the transport): a plain-http base URL that looks local is never sent
// through it, so it never sees the token.
func TestHostile_NoClearTextTokenToAProxy(t *testing.T) {
	var proxied atomic.Int32
	var sawToken atomic.Bool
	var port string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.Host, port) {
			http.Error(w, "not this test's", http.StatusMisdirectedRequest) // another test's stray connection to a reused port
			return
		}
		proxied.Add(1)
		sawToken.Store(sawToken.Load() || r.Header.Get("Api-Access-Token") != "")
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer proxy.Close()
	proxyURL, err := url.Parse(proxy.URL)
	require.NoError(t, err)
	viaProxy := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL)}}

	srv := chatwoottest.NewServer(t, chatwoottest.WithToken(testToken))
	port = srv.URL[strings.LastIndex(srv.URL, ":"):]
	for _, host := range []string{"chatwoot.localhost", "LOCALHOST", "localhost.", "127.0.0.1"} {
		c := newClient(t, "http://"+host+port, chatwoot.WithHTTPClient(viaProxy))
		_, err := c.ListContactConversations(context.Background(), chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
		if err != nil { // a name this machine does not resolve: refused, not proxied
			assert.NotContains(t, err.Error(), "502", host)
		}
	}
	assert.Zero(t, proxied.Load(), "nothing went through the proxy")
	assert.False(t, sawToken.Load())

	// With WithInsecureHTTP the caller has said the network is trusted:
	// the proxy is used. (This also shows the proxy would have been used.)
	c := newClient(t, "http://chatwoot.localhost"+port, chatwoot.WithHTTPClient(viaProxy), chatwoot.WithInsecureHTTP())
	_, err = c.ListContactConversations(context.Background(), 3, 4821)
	assert.ErrorContains(t, err, "502")
	assert.Equal(t, int32(1), proxied.Load())
	assert.True(t, sawToken.Load())
}

// A plain-http host name that resolves to another machine is refused at
// connect time, before anything is sent.
func TestHostile_PlainHTTPToALocalNameOnAnotherMachine(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = ln.Close() }()
	hc := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			// A resolver that maps localhost elsewhere: dial something that
			// is not loopback (an unroutable address; the check comes first
			// if the dial succeeds, the dial error otherwise).
			return (&net.Dialer{Timeout: 100 * time.Millisecond}).DialContext(ctx, network, "192.0.2.1:80")
		},
	}}
	c := newClient(t, "http://localhost:1", chatwoot.WithHTTPClient(hc))
	_, err = c.ListContactConversations(context.Background(), 3, 4821)
	require.Error(t, err)
}

// 200 calls at once against a slow server: none waits for a connection
// behind the others, so none times out.
func TestTime_ManyCallsAtOnceDoNotQueue(t *testing.T) {
	var inFlight, most atomic.Int32
	url := serveRaw(t, func(w http.ResponseWriter, _ *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(200 * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"payload":[]}`))
	})
	// Each attempt may take 2 s (ten times what it needs, for a loaded
	// machine); 200 calls queued behind a few connections would take 2.5 s
	// or more, so a queue would fail them.
	c := newClient(t, url, chatwoot.WithTimeout(2*time.Second))
	var wg sync.WaitGroup
	var failed atomic.Int32
	for range 200 {
		wg.Go(func() {
			if _, err := c.ListContactConversations(context.Background(), 3, 4821); err != nil {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	assert.Zero(t, failed.Load(), "no call timed out while queued")
	assert.Greater(t, most.Load(), int32(16), "the calls ran side by side")
}

// A same-host redirect loop is a permanent failure: 10 requests in all (the
// first and 9 redirects followed, the 10th refused), not 10 per attempt.
func TestHostile_ARedirectLoopIsNotRetried(t *testing.T) {
	var requests atomic.Int32
	url := serveRaw(t, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	})
	_, err := newClient(t, url, chatwoot.WithMaxRetries(2)).ListContactConversations(context.Background(), 3, 4821)
	assert.ErrorContains(t, err, "the server redirects in a loop")
	assert.Equal(t, int32(10), requests.Load())
}

// The worst a full-size reply can hold in memory: a 16 MiB body of 20
// conversations whose every byte is in a string, a raw value or a voice
// call. What the returned conversations keep alive stays under three times
// the body, plus the structs (bounded by 1000 conversations and 10000 list
// items), as WithMaxResponseBytes says.
func TestHostile_MemoryOfAFullReplyIsBounded(t *testing.T) {
	conv := string(fixture(t, "v4_18.json"))
	var body struct{ Payload []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(conv), &body))
	filler := strings.Repeat("é", 120_000) // 240 KB a value
	one := body.Payload[0]
	one["custom_attributes"] = map[string]any{"notes": filler}
	one["additional_attributes"] = map[string]any{"notes": filler}
	msg := one["messages"].([]any)[0].(map[string]any)
	msg["content"] = filler
	msg["call"].(map[string]any)["transcript"] = filler
	msg["sender"].(map[string]any)["name"] = filler
	var convs []any
	for i := range 20 {
		c := map[string]any{}
		for k, v := range one {
			c[k] = v
		}
		c["id"] = i + 1
		convs = append(convs, c)
	}
	reply, err := json.Marshal(map[string]any{"payload": convs})
	require.NoError(t, err)
	require.Greater(t, len(reply), 15<<20)
	srv, _ := serveBody(t, 200, "application/json", reply)
	c := newClient(t, srv.URL, chatwoot.WithMaxResponseBytes(32<<20))

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got, err := c.ListContactConversations(context.Background(), 3, 4821)
	require.NoError(t, err)
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := after.HeapAlloc - before.HeapAlloc
	runtime.KeepAlive(got)
	assert.Less(t, held, uint64(3*len(reply)+8<<20))
	t.Logf("a %.1f MiB reply: the conversations hold %.1f MiB (%.2f× the body)", float64(len(reply))/(1<<20), float64(held)/(1<<20), float64(held)/float64(len(reply)))
}

// A reply larger than what is reserved ahead (256 KiB), with and without a
// Content-Length, is read whole.
func TestLimits_ALargeHonestReply(t *testing.T) {
	conv := `{"id":%d,"custom_attributes":{"notes":"` + strings.Repeat("x", 30_000) + `"}}`
	var items []string
	for i := 1; i <= 20; i++ {
		items = append(items, fmt.Sprintf(conv, i))
	}
	body := []byte(`{"payload":[` + strings.Join(items, ",") + `]}`)
	require.Greater(t, len(body), 512<<10)
	for _, withLength := range []bool{true, false} {
		url := serveRaw(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if withLength {
				w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			}
			_, _ = w.Write(body)
		})
		convs, err := newClient(t, url).ListContactConversations(context.Background(), 3, 4821)
		require.NoError(t, err, "Content-Length sent: %v", withLength)
		require.Len(t, convs, 20)
		assert.JSONEq(t, fmt.Sprintf(conv, 20), string(convs[19].RawJSON()))
	}
	// Cut short of its Content-Length: an error, not a shorter list.
	url := serveRaw(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		_, _ = w.Write(body[:400<<10])
	})
	_, err := newClient(t, url).ListContactConversations(context.Background(), 3, 4821)
	assert.ErrorContains(t, err, fmt.Sprintf("the body ends after %d bytes, before the %d its Content-Length promised", 400<<10, len(body)))
}

// A top-level key that is not the payload, spelled as the token, next to a
// value that is not JSON: the error names the key through the scrubber.
func TestHostile_TokenAsATopLevelKey(t *testing.T) {
	for _, key := range []string{testToken, strings.ToUpper(testToken[1:]), `\u0073` + testToken[1:]} {
		body := `{"` + key + `": {]], "payload": []}`
		srv, _ := serveBody(t, 200, "application/json", []byte(body))
		_, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
		var decErr *chatwoot.DecodeError
		require.ErrorAs(t, err, &decErr, key)
		noToken(t, errorTexts(err)...)
		for i := 0; i+6 <= len(testToken); i++ {
			assert.NotContains(t, strings.ToLower(err.Error()), strings.ToLower(testToken[i:i+6]), key)
		}
	}
}
