package chatwoottest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// A token read from a file keeps its newline: the server drops the white
// space around it, as chatwoot.WithAPIToken does, so that its own Client
// is let in.
func TestWithToken_TrimsWhiteSpace(t *testing.T) {
	srv := chatwoottest.NewServer(t, chatwoottest.WithToken(" cw-secret-token\r\n"))
	assert.Equal(t, "cw-secret-token", srv.Token)
	convs, err := client(t, srv).ListContactConversations(context.Background(), chatwoottest.DemoAccountID, chatwoottest.OneConversationContactID)
	require.NoError(t, err)
	assert.Len(t, convs, 1)
	status, _, _ := get(t, srv.URL+demoPath, http.Header{"Api-Access-Token": {"cw-secret-token"}})
	assert.Equal(t, 200, status)
	assert.Empty(t, srv.Violations())
}

// A token that is only white space cannot be served: the test stops.
func TestWithToken_RefusesAnEmptyToken(t *testing.T) {
	tb := &fatalTB{TB: t}
	assert.False(t, inGoroutine(func() { chatwoottest.NewServer(tb, chatwoottest.WithToken(" \n")) }))
	require.Len(t, tb.Fatals(), 1)
	assert.Contains(t, tb.Fatals()[0], `WithToken(" \n") cannot be served: the token is empty`)
}

// A CutAfter at or past the end of the reply would cut nothing: the
// request is a 500 that says how long the reply is, and the test fails.
// One byte short of the end, the reply is cut.
func TestFaults_CutAfterPastTheEndIsRefused(t *testing.T) {
	tb := &recordingTB{TB: t}
	srv := chatwoottest.NewServer(tb)
	defer srv.Close()
	token := http.Header{"Api-Access-Token": {srv.Token}}
	_, _, whole := get(t, srv.URL+demoPath, token)
	size := len(whole)

	for _, cut := range []int{size, size + 1, 1 << 20} {
		srv.Inject(chatwoottest.Fault{CutAfter: cut})
		status, _, refusal := get(t, srv.URL+demoPath, token)
		assert.Equal(t, 500, status)
		assert.Contains(t, refusal, fmt.Sprintf("Fault{CutAfter: %d} cuts nothing: the 200 reply it would cut is only %d bytes (give a CutAfter below %d)", cut, size, size))
	}
	assert.Len(t, srv.Violations(), 3)
	require.Len(t, tb.errors, 3, "each fails the test")
	assert.Contains(t, tb.errors[0], "cuts nothing")

	srv.Inject(chatwoottest.Fault{CutAfter: size - 1})
	resp, err := http.DefaultClient.Do(request(t, srv.URL+demoPath, token))
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	got, err := io.ReadAll(resp.Body)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, whole[:size-1], string(got))
	assert.Len(t, tb.errors, 3)
}

func request(t *testing.T, url string, header http.Header) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header = header
	return req
}
