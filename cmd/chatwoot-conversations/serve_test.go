package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

var exportLine = regexp.MustCompile(`(?m)^  export CHATWOOT_URL=(\S+) CHATWOOT_API_TOKEN=(\S+)$`)

// -serve-demo serves the demo data, says how to reach it, answers the
// library and the command itself, and stops when interrupted.
func TestServeDemo_ServesUntilInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	prev := log.Writer() // run sends the standard logger to stderr
	t.Cleanup(func() { log.SetOutput(prev) })
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-serve-demo", "127.0.0.1:0"}, func(string) string { return "" }, &stdout, &stderr, time.UTC)
	}()

	var m []string
	require.Eventually(t, func() bool { m = exportLine.FindStringSubmatch(stdout.String()); return m != nil },
		10*time.Second, 10*time.Millisecond, "it prints what to export: %q", stdout.String())
	baseURL, token := m[1], m[2]
	assert.True(t, strings.HasPrefix(baseURL, "http://127.0.0.1:"), baseURL)
	assert.NotContains(t, baseURL, ":0", "the port it listens on, not the one asked for")
	assert.Contains(t, stdout.String(), "chatwoot-conversations -account 3 -contact 4821")

	client, err := chatwoot.NewClient(baseURL, chatwoot.WithAPIToken(token))
	require.NoError(t, err)
	convs, err := client.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	require.NoError(t, err)
	assert.Len(t, convs, chatwoottest.DemoConversationCount)

	code, out, errOut := runCommand(t, map[string]string{"CHATWOOT_URL": baseURL, "CHATWOOT_API_TOKEN": token},
		"-account", "3", "-contact", "4823")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "1 conversation(s)")

	cancel()
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code)
	case <-time.After(10 * time.Second):
		require.Fail(t, "-serve-demo did not stop when interrupted")
	}
	assert.Contains(t, stderr.String(), "stopped after 2 request(s)")
	_, err = net.Dial("tcp", strings.TrimPrefix(baseURL, "http://"))
	assert.Error(t, err, "nothing listens any more")
}

// Only loopback, unless -serve-any; and no flags of a listing.
func TestServeDemo_UsageErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = busy.Close() }()
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-serve-demo", "0.0.0.0:8080"}, exitUsage, `-serve-demo "0.0.0.0:8080" is not a loopback address`},
		{[]string{"-serve-demo", ":8080"}, exitUsage, "add -serve-any"},
		{[]string{"-serve-demo", "[::]:8080"}, exitUsage, "not a loopback address"},
		{[]string{"-serve-demo", "192.0.2.1:8080"}, exitUsage, "not a loopback address"},
		{[]string{"-serve-demo", "chat.example.com:8080"}, exitUsage, "not a loopback address"},
		{[]string{"-serve-demo", "8080"}, exitUsage, "give a host and a port"},
		{[]string{"-serve-demo", ""}, exitUsage, "give a host and a port"},
		{[]string{"-serve-demo", "127.0.0.1:0", "-demo"}, exitUsage, "takes no -demo"},
		{[]string{"-serve-demo", "127.0.0.1:0", "-account", "3"}, exitUsage, "takes no -account"},
		{[]string{"-serve-demo", "127.0.0.1:0", "-o", "json"}, exitUsage, "takes no -o"},
		{[]string{"-serve-any", "-demo"}, exitUsage, "-serve-any goes with -serve-demo"},
		{[]string{"-serve-demo", busy.Addr().String()}, exitAPIError, "address already in use"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCommand(t, nil, tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

// -serve-any allows every interface, and says what that means.
func TestServeDemo_ServeAny(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // stop at once: listening, printing and stopping is the test
	var stdout, stderr syncBuffer
	code := runIn(t, ctx, nil, &stdout, &stderr, "-serve-demo", "0.0.0.0:0", "-serve-any")
	require.Equal(t, exitOK, code, stderr.String())
	assert.Regexp(t, exportLine, stdout.String())
	assert.Contains(t, stdout.String(), "from another machine")
	assert.Contains(t, stdout.String(), "-insecure-http")
}

// startServeDemo runs the command with -serve-demo 127.0.0.1:0 and args
// until the test ends or stop is called, and returns what it says to
// export, and stop, which returns its exit status and standard error.
func startServeDemo(t *testing.T, args ...string) (baseURL, token string, stdout *syncBuffer, stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	prev := log.Writer() // run sends the standard logger to stderr
	t.Cleanup(func() { log.SetOutput(prev) })
	stdout = &syncBuffer{}
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"-serve-demo", "127.0.0.1:0"}, args...), func(string) string { return "" }, stdout, &stderr, time.UTC)
	}()
	var m []string
	require.Eventually(t, func() bool { m = exportLine.FindStringSubmatch(stdout.String()); return m != nil },
		10*time.Second, 10*time.Millisecond, "it prints what to export: %q", stdout.String())
	return m[1], m[2], stdout, func() (int, string) {
		cancel()
		select {
		case code := <-done:
			return code, stderr.String()
		case <-time.After(10 * time.Second):
			require.Fail(t, "-serve-demo did not stop when interrupted")
			return -1, ""
		}
	}
}

// fetch sends a GET for a contact's conversations with token and returns
// the reply's status, headers and body.
func fetch(t *testing.T, baseURL, token string, contactID int64) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/accounts/%d/contacts/%d/conversations", baseURL, chatwoottest.DemoAccountID, contactID), nil)
	require.NoError(t, err)
	req.Header.Set("Api-Access-Token", token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(body)
}

// -contacts N serves DemoContactID to DemoContactID+N-1, and -rate-limit
// N/PERIOD refuses the request past N in a window with rack-attack's 429.
func TestServeDemo_ContactsAndRateLimit(t *testing.T) {
	const contacts, limit = 30, 6
	last := chatwoottest.DemoContactID + contacts - 1
	require.NotEmpty(t, chatwoottest.DemoConversations(last), "the test needs a last contact with conversations")
	baseURL, token, stdout, stop := startServeDemo(t, "-contacts", strconv.Itoa(contacts), "-rate-limit", fmt.Sprintf("%d/1m", limit))
	assert.Contains(t, stdout.String(), "4825 to 4850 (0 to 25 each, generated from the contact id)")
	assert.Contains(t, stdout.String(), "for c in $(seq 4821 4850); do chatwoot-conversations -account 3 -contact $c; done")
	assert.Contains(t, stdout.String(), "Rate limit: 6/1m from each address")

	// Every request counts, in windows of a Unix minute: if one ends during
	// the requests (rarely), the 429 comes later.
	start := time.Now()
	status, _, body := fetch(t, baseURL, token, last)
	require.Equal(t, 200, status, body)
	var reply struct {
		Payload []json.RawMessage `json:"payload"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &reply))
	assert.Len(t, reply.Payload, min(len(chatwoottest.DemoConversations(last)), 20))
	status, _, body = fetch(t, baseURL, token, last+1)
	assert.Equal(t, 404, status)
	assert.JSONEq(t, `{"error":"Resource could not be found"}`, body)

	sent := 2
	var header http.Header
	for status != 429 && sent <= 2*limit {
		status, header, body = fetch(t, baseURL, token, chatwoottest.OneConversationContactID)
		sent++
	}
	if start.Truncate(time.Minute).Equal(time.Now().Truncate(time.Minute)) {
		assert.Equal(t, limit+1, sent, "the first 429 is the request past the limit")
	}
	require.Equal(t, 429, status, "within two windows")
	assert.Equal(t, "text/plain", header.Get("Content-Type"))
	assert.Empty(t, header.Values("Retry-After"))
	assert.Equal(t, "Retry later\n", body)

	code, stderr := stop()
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stderr, fmt.Sprintf("stopped after %d request(s), 1 of them refused by the rate limit", sent))
}

// The flags of -serve-demo say what to write.
func TestServeDemo_BadContactsAndRateLimit(t *testing.T) {
	contacts := "write how many contacts to serve, 1 to 1000000, such as -contacts 500"
	rate := "write N/PERIOD: at most N requests (1 or more) from each address per PERIOD (a duration up to 1m), such as 3000/1m (Chatwoot's default) or 50/1s"
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-contacts", "0"}, `invalid value "0" for flag -contacts: ` + contacts},
		{[]string{"-contacts", "many"}, contacts},
		{[]string{"-contacts", "1000001"}, contacts},
		{[]string{"-rate-limit", "3000"}, `invalid value "3000" for flag -rate-limit: ` + rate},
		{[]string{"-rate-limit", "3000/2m"}, rate},
		{[]string{"-rate-limit", "0/1m"}, rate},
		{[]string{"-rate-limit", "3000/minute"}, rate},
		{[]string{"-rate-limit", "/1m"}, rate},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCommand(t, nil, append([]string{"-serve-demo", "127.0.0.1:0"}, tt.args...)...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.want)
		})
	}
	for _, name := range []string{"-contacts", "-rate-limit"} {
		code, _, stderr := runCommand(t, nil, "-demo", name, map[string]string{"-contacts": "5", "-rate-limit": "5/1s"}[name])
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, stderr, name+" goes with -serve-demo ADDR")
	}
}

// A bare unit is one of it: 50/s is 50/1s.
func TestServeDemo_RateLimitOfABareUnit(t *testing.T) {
	var o serveOptions
	require.NoError(t, o.setRateLimit("50/s"))
	assert.Equal(t, serveOptions{rate: 50, period: time.Second, rateAsSet: "50/s"}, o)
	require.NoError(t, o.setRateLimit("3000/1m"))
	assert.Equal(t, time.Minute, o.period)
}
