package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/api"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// runCommand runs the command with env as its whole environment, in UTC.
func runCommand(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr syncBuffer
	code := runIn(t, context.Background(), env, &stdout, &stderr, args...)
	return code, stdout.String(), stderr.String()
}

// runIn runs the command with its output in stdout and stderr, and puts the
// standard logger back, which run leaves sending to stderr, when the test
// ends.
func runIn(t *testing.T, ctx context.Context, env map[string]string, stdout, stderr io.Writer, args ...string) int {
	t.Helper()
	prev := log.Writer()
	t.Cleanup(func() { log.SetOutput(prev) })
	return run(ctx, args, func(k string) string { return env[k] }, stdout, stderr, time.UTC)
}

// syncBuffer is a bytes.Buffer for output written from several goroutines
// (the standard logger's, net/http's) and read by the test meanwhile.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestDemo_Table(t *testing.T) {
	code, stdout, stderr := runCommand(t, nil, "-demo")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "demo: contact 4821 of account 3")

	golden := filepath.Join("testdata", "demo_table.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(stdout), 0o600))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), stdout)
}

func TestDemo_JSONIsTheServersJSON(t *testing.T) {
	code, stdout, stderr := runCommand(t, nil, "-demo", "-contact", "4823", "-o", "json")
	require.Equal(t, 0, code, stderr)
	var body struct {
		Payload []map[string]any `json:"payload"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &body))
	require.Len(t, body.Payload, 1)
	assert.Equal(t, "resolved", body.Payload[0]["status"])
	assert.InDelta(t, 1777901472.004871, body.Payload[0]["updated_at"], 1e-6)

	// The demo contact's JSON is what was served: a seeded conversation
	// comes out exactly as its fixture has it.
	code, stdout, _ = runCommand(t, nil, "-demo", "-o", "json")
	require.Equal(t, 0, code)
	example, err := api.Fixture("example_response.json")
	require.NoError(t, err)
	var sent struct {
		Payload []map[string]any `json:"payload"`
	}
	require.NoError(t, json.Unmarshal(example, &sent))
	require.NoError(t, json.Unmarshal([]byte(stdout), &body))
	var found bool
	for _, conv := range body.Payload {
		if conv["id"] == sent.Payload[0]["id"] {
			found = true
			assert.Equal(t, sent.Payload[0], conv)
		}
	}
	assert.True(t, found, "conversation %v is in the output", sent.Payload[0]["id"])
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no URL", nil, []string{"-account", "3", "-contact", "4"}, "CHATWOOT_URL is not set"},
		{"no token", map[string]string{"CHATWOOT_URL": "https://chat.example.com"}, []string{"-account", "3", "-contact", "4"}, "CHATWOOT_API_TOKEN is not set"},
		{"no ids", map[string]string{"CHATWOOT_URL": "https://chat.example.com", "CHATWOOT_API_TOKEN": "t0ken-abcdef-123"}, nil, "give -account and -contact"},
		{"bad output", nil, []string{"-demo", "-o", "yaml"}, `-o "yaml": choose table or json`},
		{"stray argument", nil, []string{"-demo", "4821"}, `unexpected argument "4821"`},
		{"bad URL", map[string]string{"CHATWOOT_URL": "chat.example.com", "CHATWOOT_API_TOKEN": "t0ken-abcdef-123"}, []string{"-account", "3", "-contact", "4"}, "has no scheme"},
		{"unknown flag", nil, []string{"-token", "x"}, "flag provided but not defined: -token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCommand(t, tt.env, tt.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

func TestHelpExplainsEverything(t *testing.T) {
	code, stdout, _ := runCommand(t, nil, "-h")
	assert.Equal(t, 0, code)
	for _, want := range []string{"-demo", "CHATWOOT_URL", "CHATWOOT_API_TOKEN", "-account", "-contact", "-o", "ps", "-check", "-insecure-http", "CHATWOOT_INSECURE_HTTP", "-serve-demo ADDR", "-serve-any", "-contacts N", "-rate-limit N/PERIOD"} {
		assert.Contains(t, stdout, want)
	}
}

// A bad flag is one line that points to -h, not the whole usage.
func TestUsageErrors_AreOneLine(t *testing.T) {
	code, stdout, stderr := runCommand(t, nil, "-nope")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "chatwoot-conversations: flag provided but not defined: -nope\nRun chatwoot-conversations -h for help.\n", stderr)
}

// Plain http to a self-hosted server on another machine: refused with the
// command's own way to allow it, which then works.
func TestInsecureHTTP_ForATrustedSelfHostedServer(t *testing.T) {
	env := map[string]string{"CHATWOOT_URL": "http://chat.internal.example", "CHATWOOT_API_TOKEN": "t0ken-abcdef-123"}
	code, _, stderr := runCommand(t, env, "-account", "3", "-contact", "4")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "-insecure-http, or CHATWOOT_INSECURE_HTTP=1")
	for _, allow := range [][]string{{"-insecure-http"}, nil} {
		if allow == nil {
			env["CHATWOOT_INSECURE_HTTP"] = "1"
		}
		code, _, stderr = runCommand(t, env, append(allow, "-account", "3", "-contact", "4", "-timeout", "1s")...)
		assert.Equal(t, exitAPIError, code, "allowed: it tried to connect")
		assert.NotContains(t, stderr, "plain http")
	}
}

func TestAPIErrors_SayWhatToCheckAndNeverShowTheToken(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	env := map[string]string{"CHATWOOT_URL": srv.URL, "CHATWOOT_API_TOKEN": "wrong-token-value"}
	code, stdout, stderr := runCommand(t, env, "-account", "3", "-contact", "4821")
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "401 Unauthorized: Invalid Access Token")
	assert.Contains(t, stderr, "check the API token")
	assert.NotContains(t, stderr, "wrong-token-value")

	env["CHATWOOT_API_TOKEN"] = srv.Token
	code, _, stderr = runCommand(t, env, "-account", "3", "-contact", "999")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "404 Not Found")
	assert.Contains(t, stderr, "check the account id and the contact id")
	assert.NotContains(t, stderr, srv.Token)

	code, stdout, stderr = runCommand(t, env, "-account", "3", "-contact", "4823")
	assert.Equal(t, 0, code, stderr)
	assert.Equal(t, 3, strings.Count(stdout, "\n"), "header, one conversation, summary")
}
