package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// A widget visitor writes a message that would retitle and clear the
// agent's terminal, and reverse the text after it: the table shows it
// escaped; -o json stays the server's exact JSON.
func TestHostile_MessageContentCannotDriveTheTerminal(t *testing.T) {
	const evil = "hi\x1b]0;pwned\x07\x1b[2J\u202eevil\u0085\x7f"
	srv := chatwoottest.NewServer(t)
	conv := chatwoottest.NewConversation(77, 4900)
	conv.Labels = []string{"x\x1b[31m"}
	conv.Messages = []chatwoot.Message{chatwoottest.NewMessage(501, 77, evil)}
	srv.AddConversations(3, 4900, conv)
	env := map[string]string{"CHATWOOT_URL": srv.URL, "CHATWOOT_API_TOKEN": srv.Token}

	code, stdout, stderr := runCommand(t, env, "-account", "3", "-contact", "4900")
	require.Equal(t, exitOK, code, stderr)
	for _, bad := range []string{"\x1b", "\x07", "\u202e", "\u0085", "\x7f"} {
		assert.NotContains(t, stdout, bad)
	}
	assert.Contains(t, stdout, `hi\x1b]0;pwned\x07\x1b[2J\u202eevil \x7f`, "NEL is white space, folded")
	assert.Contains(t, stdout, `x\x1b[31m`)

	code, stdout, _ = runCommand(t, env, "-account", "3", "-contact", "4900", "-o", "json")
	require.Equal(t, exitOK, code)
	var body struct {
		Payload []chatwoot.Conversation `json:"payload"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &body))
	require.NotNil(t, body.Payload[0].Messages[0].Content)
	assert.Equal(t, evil, *body.Payload[0].Messages[0].Content, "the JSON carries the exact text")
}

// Whatever the server or a proxy echoes, the command never prints the token.
func TestHostile_TheCommandNeverPrintsTheToken(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	env := map[string]string{"CHATWOOT_URL": srv.URL, "CHATWOOT_API_TOKEN": srv.Token}
	for _, fault := range []chatwoottest.Fault{
		chatwoottest.StatusFault(401, "application/json", `{"error":"bad token `+srv.Token+`"}`),
		chatwoottest.StatusFault(200, "text/html", "<title>"+srv.Token+"</title>"),
		chatwoottest.StatusFault(200, "application/json", `{"payload":[{"id":1,"`+srv.Token+`":1,"updated_at":"x"}]}`),
		{RedirectTo: "https://elsewhere.example/" + srv.Token},
	} {
		srv.Inject(fault)
		code, stdout, stderr := runCommand(t, env, "-account", "3", "-contact", "4821")
		assert.Equal(t, exitAPIError, code)
		assert.NotContains(t, stdout+stderr, srv.Token)
		assert.Contains(t, stderr, "[REDACTED]")
	}
	// The token pasted into the URL.
	env["CHATWOOT_URL"] = srv.URL + "/?api_access_token=" + srv.Token
	code, stdout, stderr := runCommand(t, env, "-account", "3", "-contact", "4821")
	assert.Equal(t, exitUsage, code)
	assert.NotContains(t, stdout+stderr, srv.Token)
}

// A server that echoes the token in what it sends: neither the table nor
// -o json prints it; the JSON stays valid, the value reading [REDACTED].
func TestHostile_TheTokenEchoedInAReplyIsRedactedInEveryOutput(t *testing.T) {
	srv := chatwoottest.NewServer(t)
	conv := chatwoottest.NewConversation(78, 4901)
	conv.Labels = []string{"ticket-" + srv.Token}
	conv.Messages = []chatwoot.Message{chatwoottest.NewMessage(502, 78, "my key is "+srv.Token)}
	srv.AddConversations(3, 4901, conv)
	env := map[string]string{"CHATWOOT_URL": srv.URL, "CHATWOOT_API_TOKEN": srv.Token}
	for _, output := range []string{"table", "json"} {
		code, stdout, stderr := runCommand(t, env, "-account", "3", "-contact", "4901", "-o", output)
		require.Equal(t, exitOK, code, stderr)
		assert.NotContains(t, stdout+stderr, srv.Token, output)
		assert.Contains(t, stdout, "[REDACTED]", output)
		if output == "json" {
			var body struct {
				Payload []chatwoot.Conversation `json:"payload"`
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &body))
			require.Len(t, body.Payload, 1)
			assert.Equal(t, "my key is [REDACTED]", *body.Payload[0].Messages[0].Content)
		}
	}
}
