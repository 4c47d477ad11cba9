package chatwoot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/api"
)

// FuzzDecodeConversations feeds the decoder arbitrary bodies. It must never
// panic, must return either conversations or an error (never both), and what
// it accepts must encode and decode again to as many conversations.
// `go test` runs the seeds; `make fuzz` explores.
func FuzzDecodeConversations(f *testing.F) {
	for _, name := range api.FixtureNames() {
		body, err := api.Fixture(name)
		require.NoError(f, err)
		f.Add(body, "application/json; charset=utf-8")
		f.Add(body[:len(body)/2], "application/json") // cut off
	}
	for _, seed := range []string{
		`{"payload":null}`, `{}`, `[]`, `null`, ``, `{"payload":[]} x`, `{"error":"Invalid Access Token"}`,
		`{"payload":[{"updated_at":"yesterday"}]}`, `{"payload":[{"messages":[{"sender":{"type":"robot"}}]}]}`,
		`{"payload":[{"meta":{"assignee":[1,2]}}]}`, `{"payload":[{"snoozed_until":"2026-13-99"}]}`,
	} {
		f.Add([]byte(seed), "application/json")
	}
	f.Add([]byte("<!DOCTYPE html><title>Chatwoot</title>"), "text/html")
	f.Add([]byte("Retry later\n"), "text/plain")

	const token = secret("fuzz-token-123")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		convs, derr := decodeConversations(bytes.NewReader(body), contentType, -1, 1<<20, token)
		if derr != nil {
			assert.Nil(t, convs, "never a partial list")
			assert.NotEmpty(t, derr.Error())
			if !bytes.Contains(body, []byte(token)) {
				return
			}
			assert.NotContains(t, derr.Error(), string(token))
			return
		}
		require.NotNil(t, convs)
		// Nothing lost: each conversation encodes back to what was sent.
		for k := range convs {
			out, err := json.Marshal(convs[k])
			require.NoError(t, err)
			assert.Equal(t, sameJSON(t, convs[k].raw), sameJSON(t, out), "conversation %d", k)
		}
	})
}

// sameJSON decodes b into a form in which two JSON texts compare equal only
// when they say the same thing: the same keys, a null where there was a
// null (an absent key stays absent), numbers spelled the same (900.0 is not
// 900, and 1789234567890123456 is not rounded), the same strings. Key order,
// white space and string escapes (\u003c for <) are all that may differ.
// The external tests use it as SameJSON (export_test.go).
func sameJSON(t testing.TB, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	return v
}

// FuzzNoTokenInErrors plays a server that puts the token somewhere in its
// reply: status, Content-Type, Location or body. Whatever it sends, no
// error text, error field or log line holds the token.
func FuzzNoTokenInErrors(f *testing.F) {
	const token = "Fz-T0ken-9a8b7c6d"
	f.Add(401, "application/json", "", []byte(`{"error":"bad TOKEN"}`))
	f.Add(200, "application/json", "", []byte(`{"payload":[{"id":1,"snoozed_until":"TOKEN"}]}`))
	f.Add(200, "text/TOKEN", "", []byte(`<title>TOKEN</title>`))
	f.Add(302, "", "https://elsewhere.example/TOKEN", []byte(``))
	f.Add(502, "text/html", "", []byte(`<html>`+strings.Repeat("x", 150)+`TOKEN</html>`))
	f.Add(200, "application/json", "", []byte(`{"payload":[{"id":1,"TOKEN":[}]}`))
	f.Fuzz(func(t *testing.T, status int, contentType, location string, body []byte) {
		if status < 200 || status > 599 {
			return
		}
		put := func(s string) string { return strings.ReplaceAll(s, "TOKEN", token) }
		contentType, location = put(contentType), put(location)
		body = []byte(put(string(body)))
		var log bytes.Buffer
		c, err := NewClient("https://chat.example.com", WithAPIToken(token), WithMaxRetries(0),
			WithLogger(slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))),
			WithHTTPClient(&http.Client{Transport: fakeReply(status, contentType, location, body)}))
		require.NoError(t, err)
		_, err = c.ListContactConversations(context.Background(), 3, 4821)
		texts := []string{log.String()}
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%+v %#v", err, err))
		}
		for _, text := range texts {
			assert.NotContains(t, strings.ToLower(text), strings.ToLower(token))
		}
	})
}

// fakeReply is a transport that answers every request with one reply.
func fakeReply(status int, contentType, location string, body []byte) http.RoundTripper {
	return roundTrip(func(r *http.Request) (*http.Response, error) {
		h := http.Header{}
		if contentType != "" {
			h.Set("Content-Type", contentType)
		}
		if location != "" {
			h.Set("Location", location)
		}
		return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(body)),
			ContentLength: int64(len(body)), Request: r}, nil
	})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
