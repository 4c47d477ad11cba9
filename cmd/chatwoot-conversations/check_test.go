package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/api"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// checkAgainst runs -check against a fake server that answers body.
func checkAgainst(t *testing.T, body string) (int, string, string) {
	t.Helper()
	srv := chatwoottest.NewServer(t)
	srv.Inject(chatwoottest.StatusFault(200, "application/json; charset=utf-8", body))
	env := map[string]string{"CHATWOOT_URL": srv.URL, "CHATWOOT_API_TOKEN": srv.Token}
	code, stdout, stderr := runCommand(t, env, "-check", "-account", "3", "-contact", "4821")
	assert.NotContains(t, stdout+stderr, srv.Token)
	return code, stdout, stderr
}

func TestCheck_TheDemoMatchesTheSpec(t *testing.T) {
	code, stdout, stderr := runCommand(t, nil, "-demo", "-check")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "matches: "+strconv.Itoa(chatwoottest.DemoConversationCount)+
		" conversation(s), every key and value as api/openapi.yaml (Chatwoot 4.0.2 to 4.18) describes\n", stdout)
}

func TestCheck_ReportsANewerServerKeyByKey(t *testing.T) {
	future, err := api.Fixture("future_keys.json")
	require.NoError(t, err)
	code, stdout, _ := checkAgainst(t, string(future))
	assert.Equal(t, exitDrift, code)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, 19, stdout)
	assert.Regexp(t, `^unknown key +/payload/0/brand_new_key$`, lines[0])
	assert.Contains(t, stdout, `unknown value  /payload/0/status: "archived"`)
	assert.Contains(t, stdout, `unknown key    /payload/0/meta/team/parent_id`)
	assert.Equal(t, "differs: 18 difference(s) (9 unknown key(s), 9 unknown value(s), 0 violation(s)) in 1 of 1 conversation(s); "+
		"the library keeps them all, but its spec does not describe them: please report them with the Chatwoot version", lines[18])
}

// A reply the library cannot read at all is drift too, said as such.
func TestCheck_AReplyThatCannotBeRead(t *testing.T) {
	code, stdout, _ := checkAgainst(t, `{"payload":[{"id":1,"updated_at":"yesterday"}]}`)
	assert.Equal(t, exitDrift, code)
	assert.Contains(t, stdout, "field /payload/0/updated_at")
	assert.Contains(t, stdout, "differs: this library cannot read the reply")
}

// What the server sends is printed with its control characters escaped.
func TestCheck_PrintsServerTextSafely(t *testing.T) {
	code, stdout, _ := checkAgainst(t, `{"payload":[{"id":1,"x\u001b]0;pwned\u0007":1}]}`)
	assert.Equal(t, exitDrift, code)
	assert.NotContains(t, stdout, "\x1b")
	assert.Contains(t, stdout, `/payload/0/x\x1b]0;pwned\x07`)
}

// conversationJSON is chatwoottest.NewConversation's JSON, changed by edit.
func conversationJSON(t *testing.T, edit func(map[string]any)) string {
	t.Helper()
	b, err := json.Marshal(chatwoottest.NewConversation(1, 4821))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	edit(m)
	b, err = json.Marshal(map[string]any{"payload": []any{m}})
	require.NoError(t, err)
	return string(b)
}

// An assignee and a sender of kinds the spec does not list are what a
// newer server adds: unknown values, naming the kind, not violations of
// the shapes of the kinds they are not. The table shows who they are.
func TestCheck_AnUnknownKindIsAnUnknownValue(t *testing.T) {
	body := conversationJSON(t, func(m map[string]any) {
		meta := m["meta"].(map[string]any)
		meta["assignee_type"], meta["assignee"] = "Captain::Copilot", map[string]any{"id": 77, "name": "Copilot"}
		b, err := json.Marshal(chatwoottest.NewMessage(10, 1, "Drafted by Copilot"))
		require.NoError(t, err)
		var msg map[string]any
		require.NoError(t, json.Unmarshal(b, &msg))
		msg["sender"] = map[string]any{"id": 5, "name": "Copilot", "type": "copilot"}
		m["messages"] = []any{msg}
	})
	code, stdout, _ := checkAgainst(t, body)
	assert.Equal(t, exitDrift, code)
	assert.Equal(t, `unknown value  /payload/0/messages/0/sender/type: "copilot", a kind of sender the spec does not list: only its id and name are checked
unknown value  /payload/0/meta/assignee_type: "Captain::Copilot", a kind of assignee the spec does not list: only its id and name are checked
differs: 2 difference(s) (0 unknown key(s), 2 unknown value(s), 0 violation(s)) in 1 of 1 conversation(s); the library keeps them all, but its spec does not describe them: please report them with the Chatwoot version
`, stdout)

	srv := chatwoottest.NewServer(t)
	srv.Inject(chatwoottest.StatusFault(200, "application/json; charset=utf-8", body))
	code, stdout, stderr := runCommand(t, map[string]string{"CHATWOOT_URL": srv.URL, "CHATWOOT_API_TOKEN": srv.Token}, "-account", "3", "-contact", "4821")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "Copilot (Captain::Copilot)")
}

// A reply the library cannot read is compared with the spec all the same:
// after the reason it cannot, every difference the spec finds.
func TestCheck_AReplyThatCannotBeReadIsComparedToo(t *testing.T) {
	code, stdout, _ := checkAgainst(t, conversationJSON(t, func(m map[string]any) {
		m["updated_at"], m["brand_new_key"] = "yesterday", 1
	}))
	assert.Equal(t, exitDrift, code)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, 4, stdout)
	assert.Regexp(t, `^violation +chatwoot: .*/payload/0/updated_at`, lines[0], "why the library cannot read it")
	assert.Regexp(t, `^unknown key +/payload/0/brand_new_key$`, lines[1])
	assert.Regexp(t, `^violation +/payload/0/updated_at: `, lines[2])
	assert.Equal(t, "differs: this library cannot read the reply (the first line), and the spec finds 2 difference(s) "+
		"(1 unknown key(s), 0 unknown value(s), 1 violation(s)) in 1 conversation(s) of it: please report them with the Chatwoot version", lines[3])

	code, stdout, _ = checkAgainst(t, `{"payload":[{"id":1,`)
	assert.Equal(t, exitDrift, code)
	assert.Contains(t, stdout, "which is not JSON to compare with the spec either")
}

// -check keeps the reply through a transport of its own: plain http still
// reaches this machine only, and another machine is refused in the
// client's words.
func TestCheck_PlainHTTPStaysOnThisMachine(t *testing.T) {
	env := map[string]string{"CHATWOOT_URL": "http://chat.internal.example", "CHATWOOT_API_TOKEN": "t0ken-abcdef-123"}
	code, _, stderr := runCommand(t, env, "-check", "-account", "3", "-contact", "4")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "-insecure-http, or CHATWOOT_INSECURE_HTTP=1")

	k := &bodyKeeper{}
	require.Len(t, k.options("http://localhost:1", false), 2, "its transport, and plain http allowed to it")
	transport, ok := k.base.(*http.Transport)
	require.True(t, ok)
	assert.Nil(t, transport.Proxy, "no proxy")
	assert.NotNil(t, transport.DialContext)
	assert.Empty(t, k.options("http://chat.internal.example", false), "left to NewClient to refuse")
	assert.Len(t, k.options("http://chat.internal.example", true), 1, "-insecure-http: the caller trusts the network")
	assert.Len(t, k.options("https://chat.example.com", false), 1)

	for addr, allowed := range map[string]bool{"127.0.0.1:3000": true, "[::1]:3000": true, "192.0.2.1:80": false} {
		remote, err := net.ResolveTCPAddr("tcp", addr)
		require.NoError(t, err)
		conn := &addrConn{remote: remote}
		got, err := loopbackOnly(func(context.Context, string, string) (net.Conn, error) { return conn, nil })(t.Context(), "tcp", "chatwoot.localhost:3000")
		if allowed {
			assert.NoError(t, err, addr)
			assert.Same(t, conn, got)
		} else {
			assert.ErrorContains(t, err, "is at 192.0.2.1:80, which is not this machine", addr)
			assert.True(t, conn.closed, "the connection is dropped before a byte is sent")
		}
	}
}

// addrConn is a connection to remote that was never written to.
type addrConn struct {
	net.Conn
	remote net.Addr
	closed bool
}

func (c *addrConn) RemoteAddr() net.Addr { return c.remote }
func (c *addrConn) Close() error         { c.closed = true; return nil }
