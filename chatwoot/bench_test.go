package chatwoot_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/gen"
)

// This file stands alone (its own token, no other test file's helpers), so
// that `make bench-compare` can copy it into an older commit's tree.

// benchToken is what the benchmark's server expects.
const benchToken = "bench-T0KEN-4821"

// twentyConversations is a realistic reply at the server's maximum (94 KiB):
// the conversations of the fixtures as they were at 0.1.0, topped up with
// copies of the first, which has 13 attachments. It is frozen in a file, so
// that `make bench-compare` can give the very same bytes to an older commit.
func twentyConversations(tb testing.TB) []byte {
	tb.Helper()
	body, err := os.ReadFile("testdata/bench_reply.json")
	require.NoError(tb, err)
	return body
}

// BenchmarkFraming compares, over loopback, on every framing a server may
// use and on replies of 1, 20 and 1000 conversations:
//
//	framing=cl       a Content-Length
//	framing=chunked  no length: the body in a few flushed pieces
//	framing=gzip     Content-Encoding: gzip, chunked, as nginx sends it; Go's
//	                 transport asks for gzip and decompresses, hiding the length
//
//	impl=handwritten net/http GET with the token, json.NewDecoder(resp.Body).Decode
//	                 into the generated structs, gen.Conversation (the baseline:
//	                 a program written against the spec alone, none of this
//	                 library's code; chatwoot.ConversationFields is the same
//	                 type, but 0.1.0, a base for bench-compare, lacks the name)
//	impl=client      this library's ListContactConversations
//
// b.SetBytes counts the uncompressed body. `make bench` runs the binary
// BENCH_COUNT times and benchstat -col /impl prints the ratios.
func BenchmarkFraming(b *testing.B) {
	replies := benchReplies(b)
	for _, framing := range []string{"cl", "chunked", "gzip"} {
		b.Run("framing="+framing, func(b *testing.B) {
			for _, n := range []int{1, 20, 1000} {
				b.Run("convs="+strconv.Itoa(n), func(b *testing.B) {
					benchFraming(b, framing, replies[n], n)
				})
			}
		})
	}
}

// benchReplies returns the replies of 1, 20 and 1000 conversations. The
// typical conversations are the 13 of the file that are not copies of its
// first (one message, few list items); 1 is the median of them by size,
// 20 the file as it is, 1000 the typical ones in turn with ids 1 to 1000
// (2.7 MB; a reply may hold at most 10 000 list items and 16 MiB).
func benchReplies(b *testing.B) map[int][]byte {
	twenty := twentyConversations(b)
	var file struct{ Payload []map[string]json.RawMessage }
	require.NoError(b, json.Unmarshal(twenty, &file))
	var typical []map[string]json.RawMessage
	for _, c := range file.Payload {
		if !bytes.Equal(c["id"], file.Payload[0]["id"]) {
			typical = append(typical, c)
		}
	}
	require.Len(b, typical, 13)
	encode := func(c map[string]json.RawMessage) []byte {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		require.NoError(b, enc.Encode(c))
		return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	}
	reply := func(convs [][]byte) []byte {
		return slices.Concat([]byte(`{"payload":[`), bytes.Join(convs, []byte(",")), []byte(`]}`))
	}
	bySize := slices.SortedFunc(slices.Values(typical), func(x, y map[string]json.RawMessage) int {
		return len(encode(x)) - len(encode(y))
	})
	one := reply([][]byte{encode(bySize[len(bySize)/2])})
	thousand := make([][]byte, 1000)
	for i := range thousand {
		c := typical[i%len(typical)]
		c["id"] = json.RawMessage(strconv.Itoa(i + 1))
		thousand[i] = encode(c)
	}
	return map[int][]byte{1: one, 20: twenty, 1000: reply(thousand)}
}

// benchFraming runs the two implementations on a server that sends body,
// n conversations, with the given framing.
func benchFraming(b *testing.B, framing string, body []byte, n int) {
	wire := body
	if framing == "gzip" { // compressed once, at nginx's default level (1)
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		require.NoError(b, err)
		_, _ = zw.Write(body)
		require.NoError(b, zw.Close())
		wire = buf.Bytes()
	}
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Api-Access-Token") != benchToken {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		if framing == "gzip" && !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			http.Error(w, "this server sends gzip only, and the request did not accept it", http.StatusNotAcceptable)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		switch framing {
		case "cl":
			w.Header().Set("Content-Length", strconv.Itoa(len(wire)))
			_, _ = w.Write(wire)
			return
		case "gzip":
			w.Header().Set("Content-Encoding", "gzip")
		}
		for i := range 4 { // flushed before the handler returns: chunked
			_, _ = w.Write(wire[i*len(wire)/4 : (i+1)*len(wire)/4])
			w.(http.Flusher).Flush()
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	url := srv.URL + "/api/v1/accounts/3/contacts/4821/conversations"
	ctx := context.Background()
	check := func(b *testing.B, got int) {
		if got != n {
			b.Fatalf("decoded %d conversations, want %d", got, n)
		}
	}
	// keptAlive fails a run that kept dialing: both implementations must
	// keep their connection alive, or the figures measure dials. A few
	// dials are allowed: a call may start before net/http has put the last
	// call's connection back in its pool.
	keptAlive := func(b *testing.B, opened int64) {
		if opened > 2+int64(b.N)/100 {
			b.Fatalf("%d connections for %d calls: keep-alive was lost", opened, b.N)
		}
	}

	b.Run("impl=handwritten", func(b *testing.B) {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		defer tr.CloseIdleConnections()
		hc := &http.Client{Transport: tr}
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		c0 := conns.Load()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Api-Access-Token", benchToken)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var out struct {
				Payload []gen.Conversation `json:"payload"`
			}
			err = json.NewDecoder(resp.Body).Decode(&out)
			// Decode stops at the closing brace; a chunked body's last,
			// empty chunk may not have been read yet, and net/http drops a
			// connection closed before its body's end: read up to it.
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			check(b, len(out.Payload))
		}
		keptAlive(b, conns.Load()-c0)
	})

	b.Run("impl=client", func(b *testing.B) {
		c, err := chatwoot.NewClient(srv.URL, chatwoot.WithAPIToken(benchToken))
		require.NoError(b, err)
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		c0 := conns.Load()
		for b.Loop() {
			convs, err := c.ListContactConversations(ctx, 3, 4821)
			if err != nil {
				b.Fatal(err)
			}
			check(b, len(convs))
		}
		keptAlive(b, conns.Load()-c0)
	})
}
