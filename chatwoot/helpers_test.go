package chatwoot_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/api"
	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/jsonvalue"
)

// testToken is what the tests' servers expect; it must never show up in
// anything the client prints.
const testToken = "s3cr3t-T0KEN-abc123"

// fixture returns the bytes of a fixture from api/testdata.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := api.Fixture(name)
	require.NoError(t, err)
	return b
}

// serveBody starts a server that answers every request with status, content
// type and body, and records the last request it saw.
func serveBody(t testing.TB, status int, contentType string, body []byte) (*httptest.Server, *http.Request) {
	t.Helper()
	var seen http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = *r.Clone(r.Context())
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		} else {
			w.Header()["Content-Type"] = nil // no header at all, not a sniffed one
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

// newClient returns a client for url with the test token and no retries
// (tests of retries ask for them).
func newClient(t testing.TB, url string, opts ...chatwoot.Option) *chatwoot.Client {
	t.Helper()
	all := append([]chatwoot.Option{chatwoot.WithAPIToken(testToken), chatwoot.WithMaxRetries(0)}, opts...)
	c, err := chatwoot.NewClient(url, all...)
	require.NoError(t, err)
	return c
}

// normalizeJSON decodes b and rewrites it into a form in which two JSON
// texts compare equal when they say the same thing: numbers compare by
// value (900.0 = 900), RFC 3339 strings by instant, and a null member
// equals an absent one. Nothing else is forgiven.
func normalizeJSON(t testing.TB, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	return normalizeValue(t, v)
}

func normalizeValue(t testing.TB, v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if e != nil {
				out[k] = normalizeValue(t, e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalizeValue(t, e)
		}
		return out
	case json.Number:
		f, err := strconv.ParseFloat(x.String(), 64)
		require.NoError(t, err)
		return f
	case string:
		if ts, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return "time:" + ts.UTC().Format(time.RFC3339Nano)
		}
		return x
	}
	return v
}

// text returns v as a string, failing the test if it is not one.
func text(t *testing.T, v jsonvalue.Value) string {
	t.Helper()
	s, ok := v.Text()
	require.True(t, ok, "%s is not a JSON string", v)
	return s
}
