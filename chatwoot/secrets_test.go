package chatwoot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// formatted renders v under every verb someone might log it with.
func formatted(v any) string {
	return fmt.Sprintf("%v|%+v|%#v|%s|%q", v, v, v, v, v)
}

func TestSecrets_NeverInFormattedValues(t *testing.T) {
	srv := chatwoottest.NewServer(t, chatwoottest.WithToken(testToken))
	opt := chatwoot.WithAPIToken(testToken)
	c, err := chatwoot.NewClient(srv.URL, opt)
	require.NoError(t, err)
	_, err = c.ListContactConversations(context.Background(), 3, 999)
	require.Error(t, err)

	for name, v := range map[string]any{"client": c, "client value": *c, "option": opt, "error": err} {
		out := formatted(v)
		assert.NotContains(t, out, testToken, name)
	}
	assert.Contains(t, formatted(c), "[REDACTED]")
}

func TestSecrets_ScrubbedWhenAServerEchoesTheToken(t *testing.T) {
	srv := chatwoottest.NewServer(t, chatwoottest.WithToken(testToken))
	c, err := srv.Client(chatwoot.WithMaxRetries(0))
	require.NoError(t, err)
	for _, fault := range []chatwoottest.Fault{
		chatwoottest.StatusFault(401, "application/json", `{"error":"Invalid Access Token `+testToken+`"}`),
		chatwoottest.StatusFault(502, "text/html", "<html><title>proxy saw "+testToken+"</title></html>"),
		chatwoottest.StatusFault(200, "text/html", "<html><title>"+testToken+"</title></html>"),
		chatwoottest.StatusFault(200, "application/json", `{"payload":[{"id":"`+testToken+`"}]}`),
		chatwoottest.StatusFault(200, "application/json", `{"payload": [`+testToken+`]}`),
	} {
		srv.Inject(fault)
		_, err := listDemo(c)
		require.Error(t, err)
		assert.NotContains(t, formatted(err), testToken, fault.Body)
		assert.Contains(t, err.Error(), "[REDACTED]", fault.Body)
		var apiErr *chatwoot.APIError
		var decErr *chatwoot.DecodeError
		switch {
		case errors.As(err, &apiErr):
			assert.NotContains(t, apiErr.Body+apiErr.Message, testToken)
		case errors.As(err, &decErr):
			assert.NotContains(t, decErr.Excerpt+decErr.Err.Error(), testToken)
		default:
			t.Errorf("unexpected error type %T", err)
		}
	}
}

// The token is never sent to another host: a redirect there is refused, and
// the other host sees nothing.
func TestSecrets_NotSentAcrossARedirectToAnotherHost(t *testing.T) {
	var elsewhere sync.Map
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Store("token", r.Header.Get("Api-Access-Token"))
		_, _ = w.Write([]byte(`{"payload":[]}`))
	}))
	defer other.Close()
	// Same machine, other host name: 127.0.0.1 is the fake, localhost the other.
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)

	srv := chatwoottest.NewServer(t, chatwoottest.WithToken(testToken))
	c, err := srv.Client()
	require.NoError(t, err)
	srv.Inject(chatwoottest.Fault{RedirectTo: otherURL + "/api/v1/accounts/3/contacts/4821/conversations"})
	_, err = listDemo(c)
	var redirect *chatwoot.RedirectError
	require.ErrorAs(t, err, &redirect)
	assert.Contains(t, err.Error(), "refused a redirect")
	assert.Contains(t, redirect.To, "localhost")
	assert.Len(t, srv.Requests(), 1, "a refused redirect is not retried")
	_, reached := elsewhere.Load("token")
	assert.False(t, reached, "the other host got no request at all")
}

func TestSecrets_SameHostRedirectKeepsTheToken(t *testing.T) {
	var final string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/moved/") {
			http.Redirect(w, r, "/moved"+r.URL.Path, http.StatusMovedPermanently)
			return
		}
		final = r.Header.Get("Api-Access-Token")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"payload":[]}`))
	}))
	defer srv.Close()
	_, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
	require.NoError(t, err)
	assert.Equal(t, testToken, final)
}

func TestSecrets_NotInLogs(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := chatwoottest.NewServer(t, chatwoottest.WithToken(testToken))
	c, err := srv.Client(chatwoot.WithLogger(logger))
	require.NoError(t, err)
	chatwoot.RecordWaits(c)
	srv.Inject(chatwoottest.StatusFault(503, "text/plain", "busy "+testToken))
	_, err = listDemo(c)
	require.NoError(t, err)

	assert.NotContains(t, buf.String(), testToken)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 2, "one line per attempt")
	var first, second map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &second))
	assert.Equal(t, "WARN", first["level"])
	assert.Equal(t, "GET", first["method"])
	assert.Equal(t, "/api/v1/accounts/3/contacts/4821/conversations", first["path"])
	assert.InDelta(t, 503, first["status"], 0)
	assert.InDelta(t, 1, first["attempt"], 0)
	assert.Contains(t, first, "duration")
	assert.Contains(t, first, "retry_in")
	assert.Contains(t, first["error"], "[REDACTED]")
	assert.Equal(t, "DEBUG", second["level"])
	assert.InDelta(t, 200, second["status"], 0)
	assert.InDelta(t, 2, second["attempt"], 0)
	assert.NotContains(t, buf.String(), "Api-Access-Token", "no headers")
}

func TestLimits_ABodyPastTheCapIsAnError(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	c, err := srv.Client(chatwoot.WithMaxResponseBytes(4096))
	require.NoError(t, err)
	convs, err := listDemo(c)
	assert.Nil(t, convs)
	var decErr *chatwoot.DecodeError
	require.ErrorAs(t, err, &decErr)
	assert.Contains(t, err.Error(), "larger than 4096 bytes")

	_, err = chatwoot.NewClient(srv.URL, chatwoot.WithAPIToken(testToken), chatwoot.WithMaxResponseBytes(10))
	assert.ErrorContains(t, err, "is out of range: pass 1024 to")
}

func TestLimits_AnErrorBodyIsReadOnlyInPart(t *testing.T) {
	huge := "<html><title>Gateway</title>" + strings.Repeat("x", 8<<20) + "</html>"
	srv, _ := serveBody(t, http.StatusBadGateway, "text/html", []byte(huge))
	_, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
	var apiErr *chatwoot.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.LessOrEqual(t, len(apiErr.Body), 200)
	assert.Less(t, len(err.Error()), 1000)
}

// One Client, many goroutines: run with -race.
func TestClient_IsSafeForConcurrentUse(t *testing.T) {
	t.Parallel() // waits on timers, measures no memory
	srv := chatwoottest.NewServer(t)
	c, err := srv.Client()
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 16*10)
	for range 16 {
		wg.Go(func() {
			for range 10 {
				convs, err := listDemo(c)
				if err == nil && len(convs) != chatwoottest.DemoConversationCount {
					err = fmt.Errorf("got %d conversations", len(convs))
				}
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Len(t, srv.Requests(), 160)
}

// An excerpt that ends inside an echoed token must not show the part of it
// that falls in the excerpt.
func TestSecrets_NoPartOfTheTokenAtAnExcerptsEdge(t *testing.T) {
	for _, pad := range []int{150, 155, 70, 75} {
		body := strings.Repeat("x", pad) + testToken + strings.Repeat("y", 400)
		srv, _ := serveBody(t, http.StatusBadGateway, "text/plain", []byte(body))
		_, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
		require.Error(t, err)
		var apiErr *chatwoot.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.NotContains(t, formatted(err)+apiErr.Body+apiErr.Message, testToken[:6], "pad %d", pad)

		// The same on a 200 whose JSON breaks right after an echoed token.
		broken := `{"payload":[{"id":1, "x": "` + strings.Repeat("x", pad) + testToken + `" oops`
		srv, _ = serveBody(t, http.StatusOK, "application/json", []byte(broken))
		_, err = newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
		require.Error(t, err)
		assert.NotContains(t, formatted(err), testToken[:6], "pad %d", pad)
	}
}

// A body cut short inside an echoed token shows no part of it either.
func TestSecrets_NoPartOfTheTokenWhereABodyIsCut(t *testing.T) {
	srv := chatwoottest.NewServer(t, chatwoottest.WithToken(testToken))
	c, err := srv.Client(chatwoot.WithMaxRetries(0))
	require.NoError(t, err)
	body := `{"payload":[{"id":"` + testToken + `"}]}`
	srv.Inject(chatwoottest.Fault{Status: 200, ContentType: "application/json", Body: body[:len(`{"payload":[{"id":"`)+10]})
	_, err = listDemo(c)
	require.Error(t, err)
	assert.NotContains(t, formatted(err), testToken[:6])
}
