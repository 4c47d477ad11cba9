package chatwoot_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/gen"
)

// twentyConversations is a realistic reply at the server's maximum (94 KiB):
// the conversations of the fixtures as they were at v0.1.0, topped up with
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
//	impl=handwritten  net/http GET with the header, json.NewDecoder into the same types (the baseline)
//	impl=client       this library's ListContactConversations
//	impl=generated    gen.ClientWithResponses: reads the whole body, then json.Unmarshal
//	impl=unmarshal    json.Unmarshal of the same bytes, no HTTP: the limit
//
// `make bench` runs it with -count for benchstat, which prints the ratios.
func BenchmarkList(b *testing.B) {
	body := twentyConversations(b)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	url := srv.URL + "/api/v1/accounts/3/contacts/4821/conversations"
	ctx := context.Background()
	check := func(n int) {
		if n != 20 {
			b.Fatalf("decoded %d conversations, want 20", n)
		}
	}
	b.SetBytes(int64(len(body)))

	b.Run("impl=handwritten", func(b *testing.B) {
		hc := &http.Client{}
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			require.NoError(b, err)
			req.Header.Set("Api-Access-Token", testToken)
			resp, err := hc.Do(req)
			require.NoError(b, err)
			var out struct {
				Payload []chatwoot.Conversation `json:"payload"`
			}
			err = json.NewDecoder(resp.Body).Decode(&out)
			_ = resp.Body.Close()
			require.NoError(b, err)
			check(len(out.Payload))
		}
	})

	b.Run("impl=client", func(b *testing.B) {
		c := newClient(b, srv.URL)
		b.ReportAllocs()
		for b.Loop() {
			convs, err := c.ListContactConversations(ctx, 3, 4821)
			require.NoError(b, err)
			check(len(convs))
		}
	})

	b.Run("impl=generated", func(b *testing.B) {
		c, err := gen.NewClientWithResponses(srv.URL, gen.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Api-Access-Token", testToken)
			return nil
		}))
		require.NoError(b, err)
		b.ReportAllocs()
		for b.Loop() {
			resp, err := c.ListContactConversationsWithResponse(ctx, 3, 4821)
			require.NoError(b, err)
			require.NotNil(b, resp.JSON200)
			check(len(resp.JSON200.Payload))
		}
	})

	b.Run("impl=unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out struct {
				Payload []chatwoot.Conversation `json:"payload"`
			}
			require.NoError(b, json.Unmarshal(body, &out))
			check(len(out.Payload))
		}
	})
}
