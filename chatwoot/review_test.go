package chatwoot_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// Regressions a hostile review found in this round's own changes.

// naiveGunzip decompresses gzip itself but leaves ContentLength at the
// compressed size, as hand-rolled transports do.
type naiveGunzip struct{ base http.RoundTripper }

func (g naiveGunzip) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Accept-Encoding", "gzip")
	resp, err := g.base.RoundTrip(r)
	if err != nil || resp.Header.Get("Content-Encoding") != "gzip" {
		return resp, err
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		return nil, err
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{zr, resp.Body}
	return resp, nil
}

// A body that ends with io.EOF short of resp.ContentLength is whole: a
// transport that decompresses may leave the compressed length there
// (net/http's own ends a cut body with io.ErrUnexpectedEOF, which is a cut).
func TestReview_ACleanEndShortOfTheLengthIsWhole(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	zipped := gzipped(t, []byte(`{"payload":[]}`))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(zipped)))
		_, _ = w.Write(zipped)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, chatwoot.WithHTTPClient(&http.Client{Transport: naiveGunzip{http.DefaultTransport}}), chatwoot.WithInsecureHTTP())
	chatwoot.ShortenWaits(c)
	convs, err := c.ListContactConversations(context.Background(), 3, 4821)
	require.NoError(t, err)
	assert.Empty(t, convs)
	assert.EqualValues(t, 1, requests.Load())
}

// A protocol registered on a caller's *http.Transport hands its requests
// to another RoundTripper, whose body may ignore the context: the attempt's
// deadline still ends the read.
func TestReview_ARegisteredProtocolsBodyEndsByTheDeadline(t *testing.T) {
	t.Parallel()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.RegisterProtocol("https", chatwoot.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: &contextDeafBody{closed: make(chan struct{})}, ContentLength: -1, Request: r}, nil
	}))
	c := newClient(t, "https://chat.example.com", chatwoot.WithHTTPClient(&http.Client{Transport: tr}),
		chatwoot.WithTimeout(200*time.Millisecond), chatwoot.WithMaxRetries(0))
	o := call(context.Background(), c)
	require.Error(t, o.err)
	assert.ErrorIs(t, o.err, context.DeadlineExceeded)
	assert.Less(t, o.took, 5*time.Second)
}

// A transport that edits a header value in place changes its request only,
// never the next one.
func TestReview_EachRequestHasItsOwnHeaderValues(t *testing.T) {
	t.Parallel()
	var seen []string
	rt := chatwoot.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen = append(seen, r.Header.Get("User-Agent")+" | "+r.Header.Get("Accept"))
		r.Header["User-Agent"][0], r.Header["Accept"][0] = "edited", "edited"
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(bytes.NewReader([]byte(`{"payload":[]}`))), ContentLength: -1, Request: r}, nil
	})
	c := newClient(t, "https://chat.example.com", chatwoot.WithHTTPClient(&http.Client{Transport: rt}))
	for range 2 {
		_, err := c.ListContactConversations(context.Background(), 3, 4821)
		require.NoError(t, err)
	}
	require.Len(t, seen, 2)
	assert.Equal(t, seen[0], seen[1])
	assert.Equal(t, "chatwoot-go/"+chatwoot.Version+" | application/json", seen[1])
}

// contextKeeper keeps the context its Wait is given.
type contextKeeper struct{ kept chan context.Context }

func (k contextKeeper) Wait(ctx context.Context) error {
	select {
	case k.kept <- ctx:
	default:
	}
	return nil
}

// A call made on a context kept from an earlier call (by its limiter, its
// logger or its transport) has its own settings, not the earlier call's.
func TestReview_AKeptContextLendsNoSettings(t *testing.T) {
	srv, _ := serveBody(t, http.StatusOK, "application/json", []byte(`{"payload":[]}`))
	c := newClient(t, srv.URL)
	keeper := contextKeeper{kept: make(chan context.Context, 1)}
	var first chatwoot.Response
	_, err := c.ListContactConversations(context.Background(), 3, 4821, chatwoot.WithRateLimiter(keeper), chatwoot.WithResponseInto(&first))
	require.NoError(t, err)
	kept := <-keeper.kept
	first = chatwoot.Response{}
	_, err = c.ListContactConversations(context.WithoutCancel(kept), 3, 4822)
	require.NoError(t, err)
	assert.Zero(t, first, "the second call recorded nothing in the first call's Response")
}

// A call that ends while waiting for the limiter before a retry names the
// attempt it made: its error matches the limiter's and the last reply's,
// and its Response counts the requests made, not the one never sent.
func TestReview_AnEndBeforeARetryKeepsTheLastAttempt(t *testing.T) {
	srv, c, _ := fakeWithRetries(t)
	srv.Inject(chatwoottest.DatabaseTimeout())
	refused := errors.New("over quota")
	var waits atomic.Int32
	limiter := limiterFunc(func(context.Context) error {
		if waits.Add(1) == 2 {
			return refused
		}
		return nil
	})
	var resp chatwoot.Response
	_, err := listDemoCtx(context.Background(), c, chatwoot.WithRateLimiter(limiter), chatwoot.WithResponseInto(&resp))
	require.Error(t, err)
	assert.ErrorIs(t, err, refused)
	assert.ErrorIs(t, err, chatwoot.ErrServerTimeout, "the 422 the call got")
	assert.NotContains(t, err.Error(), "nothing was sent")
	assert.Len(t, srv.Requests(), 1)
	assert.Equal(t, 1, resp.Attempts)
	_, ok := chatwoot.Retryable(err)
	assert.False(t, ok)
}

// A key sent twice names the value at fault in DecodeError.Field, which
// json/v2 gives as a JSON Pointer of the key as decoded. A hostile server
// makes that key a megabyte long and hides the token in it, escaped, at
// its start, astride the 400-byte cut of the pointer, and at its end: the
// error stays short, holds no run of the token, and costs the body's size.
func TestReview_ATokenInAHugeDuplicateKey(t *testing.T) {
	// Not parallel: it measures what the call allocates.
	escaped := func(s string) string {
		var b strings.Builder
		for i := range len(s) {
			fmt.Fprintf(&b, `\u%04x`, s[i])
		}
		return b.String()
	}
	for name, key := range map[string]string{
		"at the start":        escaped(testToken) + strings.Repeat("y", 1<<20),
		"astride the cut":     strings.Repeat("x", 390) + escaped(testToken) + strings.Repeat("y", 1<<20),
		"at the end":          strings.Repeat("y", 1<<20) + escaped(testToken),
		"split by a slash":    testToken[:9] + "/" + testToken[9:] + strings.Repeat("y", 1<<20),
		"as a pointer escape": strings.ReplaceAll(testToken, "-", "~") + strings.Repeat("~1", 1<<19),
	} {
		t.Run(name, func(t *testing.T) {
			body := []byte(`{"payload":[{"id":1,"` + key + `":1,"` + key + `":2}]}`)
			srv, _ := serveBody(t, http.StatusOK, "application/json", body)
			var err error
			used := memoryUsedBy(func() {
				_, err = newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
			})
			var derr *chatwoot.DecodeError
			require.ErrorAs(t, err, &derr)
			assert.True(t, strings.HasPrefix(derr.Field, "/payload/0/"), derr.Field)
			assert.LessOrEqual(t, len(derr.Field), 420)
			assert.Less(t, len(err.Error()), 4096)
			noTokenRun(t, testToken, name, errorTexts(err)...)
			// json/v2's own work on a long name (its duplicate check, the
			// pointer) is linear: about 14 times the body here.
			assert.Less(t, used, uint64(32*len(body)))
			t.Logf("%d-byte body: %.1f MiB allocated", len(body), float64(used)/(1<<20))
		})
	}
}
