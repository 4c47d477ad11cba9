package main

import (
	"context"
	"log"
	"net"
	"regexp"
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
