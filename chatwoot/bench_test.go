package chatwoot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
)

// twentyConversations is a realistic reply at the server's maximum (94 KiB):
// the conversations of the fixtures as they were at 0.1.0, topped up with
// copies of the one with 13 attachments. It is frozen in a file, so that
// `make bench-compare` can give the very same bytes to an older commit.
func twentyConversations(tb testing.TB) []byte {
	tb.Helper()
	body, err := os.ReadFile("testdata/bench_reply.json")
	require.NoError(tb, err)
	return body
}

// BenchmarkList compares, on one 20-conversation reply over loopback:
//
//	impl=handwritten  net/http GET with the token, json.NewDecoder(resp.Body).Decode
//	                  into the generated structs (the baseline: a program
//	                  written against the spec alone, none of this library's code)
//	impl=client       this library's ListContactConversations
//	impl=unmarshal    json.Unmarshal of the same bytes into the generated
//	                  structs, no HTTP: the limit
//
// `make bench` runs it with -count for benchstat, which prints the ratios.
func BenchmarkList(b *testing.B) {
	benchReply(b, twentyConversations(b), 20)
}

// BenchmarkGrowth is the cost as replies grow: 1, 20 and 1000 typical
// conversations, and 20 with 13 attachments each. With b.SetBytes, ns/op
// and B/op read per byte of reply in benchstat's B/s column.
func BenchmarkGrowth(b *testing.B) {
	var body struct{ Payload []map[string]any }
	require.NoError(b, json.Unmarshal(twentyConversations(b), &body))
	// typical is the reply's smallest conversation, attached the one with
	// most attachments; a reply holds at most 10 000 list items, so the
	// 1000 conversations of the series carry few.
	typical, attached := body.Payload[0], body.Payload[0]
	for _, c := range body.Payload {
		if len(must(json.Marshal(c))) < len(must(json.Marshal(typical))) {
			typical = c
		}
		if len(must(json.Marshal(c))) > len(must(json.Marshal(attached))) {
			attached = c
		}
	}
	for _, tc := range []struct {
		name string
		conv map[string]any
		n    int
	}{{"convs=1", typical, 1}, {"convs=20", typical, 20}, {"convs=1000", typical, 1000}, {"attachments=20x13", attached, 20}} {
		b.Run(tc.name, func(b *testing.B) { benchReply(b, replyOf(b, tc.conv, tc.n), tc.n) })
	}
}

// replyOf is a reply of n copies of conv, with ids 1 to n.
func replyOf(b *testing.B, conv map[string]any, n int) []byte {
	var buf bytes.Buffer
	buf.WriteString(`{"payload":[`)
	for i := range n {
		conv["id"] = i + 1
		item, err := json.Marshal(conv)
		require.NoError(b, err)
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(item)
	}
	buf.WriteString(`]}`)
	return buf.Bytes()
}

// benchReply runs the three implementations on one reply of n conversations.
func benchReply(b *testing.B, body []byte, n int) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	url := srv.URL + "/api/v1/accounts/3/contacts/4821/conversations"
	ctx := context.Background()
	check := func(got int) {
		if got != n {
			b.Fatalf("decoded %d conversations, want %d", got, n)
		}
	}

	b.Run("impl=handwritten", func(b *testing.B) {
		hc := &http.Client{}
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Api-Access-Token", testToken)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var out struct {
				Payload []chatwoot.ConversationFields `json:"payload"`
			}
			err = json.NewDecoder(resp.Body).Decode(&out)
			_ = resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			check(len(out.Payload))
		}
	})

	b.Run("impl=client", func(b *testing.B) {
		c := newClient(b, srv.URL)
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			convs, err := c.ListContactConversations(ctx, 3, 4821)
			if err != nil {
				b.Fatal(err)
			}
			check(len(convs))
		}
	})

	b.Run("impl=unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var out struct {
				Payload []chatwoot.ConversationFields `json:"payload"`
			}
			if err := json.Unmarshal(body, &out); err != nil {
				b.Fatal(fmt.Sprint(err))
			}
			check(len(out.Payload))
		}
	})
}
