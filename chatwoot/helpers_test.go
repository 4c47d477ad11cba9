package chatwoot_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

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

// sameJSON is the internal tests' comparison form for JSON (see sameJSON
// in fuzz_test.go): only key order, white space and escapes may differ.
var sameJSON = chatwoot.SameJSON

// text returns v as a string, failing the test if it is not one.
func text(t *testing.T, v jsonvalue.Value) string { t.Helper(); return as[string](t, v) }

// as decodes v into a T with json/v2's rules, failing the test if it does
// not fit.
func as[T any](t *testing.T, v jsonvalue.Value) T {
	t.Helper()
	var out T
	require.NoError(t, jsonv2.Unmarshal(v, &out), "%s is not a %T", v, out)
	return out
}

// member returns the member key of the object v, failing the test if v
// is not an object or has no such member.
func member(t *testing.T, v jsonvalue.Value, key string) jsonvalue.Value {
	t.Helper()
	m := as[map[string]jsonvalue.Value](t, v)
	require.Contains(t, m, key)
	return m[key]
}

// withoutRaw keeps an Assignee's Kind, ID and Name, for comparing.
func withoutRaw(a chatwoot.Assignee) chatwoot.Assignee {
	return chatwoot.Assignee{Kind: a.Kind, ID: a.ID, Name: a.Name}
}

// must returns v, for a call that cannot fail in a test.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
