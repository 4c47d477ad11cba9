package main

import (
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
	assert.Contains(t, stdout, "field payload[0].updated_at")
	assert.Contains(t, stdout, "differs: this library cannot read the reply")
}

// What the server sends is printed with its control characters escaped.
func TestCheck_PrintsServerTextSafely(t *testing.T) {
	code, stdout, _ := checkAgainst(t, `{"payload":[{"id":1,"x\u001b]0;pwned\u0007":1}]}`)
	assert.Equal(t, exitDrift, code)
	assert.NotContains(t, stdout, "\x1b")
	assert.Contains(t, stdout, `/payload/0/x\x1b]0;pwned\x07`)
}
