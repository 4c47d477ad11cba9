package main

import (
	"bufio"
	"log"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The token of the hostile servers below: 24 characters, as Chatwoot's.
const hostileToken = "Zx9kQp2LmN7vR4tYw8sBc3Df"

// net/http logs "Unsolicited response received on idle HTTP channel
// starting with ..." to the standard logger, quoting what the server sent
// on an idle connection: here, the token and a terminal escape. What
// reaches stderr is scrubbed and printable.
func TestStandardLogger_NetHTTPsUnsolicitedResponseNeverShowsTheToken(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer func() { _ = conn.Close() }()
		r := bufio.NewReader(conn)
		for { // the request's head
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if line == "\r\n" {
				break
			}
		}
		body := `{"payload":[]}`
		_, _ = conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 14\r\n\r\n" + body +
			"HTTP/1.1 200 OK\r\nX-Echo: " + hostileToken + "\r\n\r\n\x1b]0;pwned\x07"))
		_, _ = r.ReadByte() // hold the connection until the client closes it
	}()

	var stdout, stderr syncBuffer
	env := map[string]string{"CHATWOOT_URL": "http://" + l.Addr().String(), "CHATWOOT_API_TOKEN": hostileToken}
	code := runIn(t, t.Context(), env, &stdout, &stderr, "-account", "3", "-contact", "4")
	require.Equal(t, exitOK, code, stderr.String())
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "Unsolicited response") },
		10*time.Second, 10*time.Millisecond, "net/http logs it: %q", stderr.String())
	got := stderr.String()
	assert.NotContains(t, got, hostileToken)
	assert.NotContains(t, got, hostileToken[1:20], "nor a long part of it")
	assert.Contains(t, got, "[REDACTED]")
	assert.NotContains(t, got, "\x1b")
	assert.NotContains(t, got, "\x07")
	assert.Equal(t, 1, strings.Count(got, "\n"), "one line per entry: %q", got)
}

// Whatever else writes to the standard logger goes the same way, from
// then on: a line from another package, with the token in it.
func TestStandardLogger_EveryEntryIsScrubbed(t *testing.T) {
	var stdout, stderr syncBuffer
	env := map[string]string{"CHATWOOT_URL": "https://chat.example.com", "CHATWOOT_API_TOKEN": hostileToken}
	code := runIn(t, t.Context(), env, &stdout, &stderr, "-account", "3", "-contact", "4", "-timeout", "1ms")
	require.Equal(t, exitAPIError, code)
	before := stderr.String()
	log.Printf("echoed %s\x1b[2J\nsecond line", hostileToken)
	got := strings.TrimPrefix(stderr.String(), before)
	assert.NotContains(t, got, hostileToken)
	assert.Contains(t, got, "echoed [REDACTED]")
	assert.Contains(t, got, `\x1b[2J\x0asecond line`, "escaped, one line")
	assert.Equal(t, 1, strings.Count(got, "\n"))
}
