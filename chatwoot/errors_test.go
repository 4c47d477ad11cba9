package chatwoot_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
)

func TestErrors_ChatwootBodiesMapToSentinels(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		sentinel    error
		message     string
		hint        string
	}{
		{"no token reached the server", 401, "application/json; charset=utf-8",
			`{"errors":["You need to sign in or sign up before continuing."]}`,
			chatwoot.ErrUnauthorized, "You need to sign in or sign up before continuing.", "check the API token"},
		{"wrong token", 401, "application/json; charset=utf-8", `{"error":"Invalid Access Token"}`,
			chatwoot.ErrUnauthorized, "Invalid Access Token", "member of the account"},
		{"several errors", 401, "application/json", `{"errors":["first","second"]}`,
			chatwoot.ErrUnauthorized, "first; second", "check the API token"},
		{"unknown contact", 404, "application/json; charset=utf-8", `{"error":"Resource could not be found"}`,
			chatwoot.ErrNotFound, "Resource could not be found", "check the account id and the contact id"},
		{"rate limited", 429, "text/plain", "Retry later\n",
			chatwoot.ErrRateLimited, "Retry later", "try again later"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := serveBody(t, tt.status, tt.contentType, []byte(tt.body))
			_, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.sentinel)
			var apiErr *chatwoot.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, tt.message, apiErr.Message)
			assert.Equal(t, tt.contentType, apiErr.ContentType)
			assert.Contains(t, err.Error(), tt.message)
			assert.Contains(t, err.Error(), tt.hint)
			assert.Contains(t, err.Error(), "/api/v1/accounts/3/contacts/4821/conversations")
			for _, other := range []error{chatwoot.ErrUnauthorized, chatwoot.ErrNotFound, chatwoot.ErrRateLimited} {
				if !errors.Is(other, tt.sentinel) {
					assert.False(t, errors.Is(err, other), "must not match %v", other)
				}
			}
		})
	}
}

func TestErrors_NonJSONBodiesSayWhatCameBack(t *testing.T) {
	proxyPage := `<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>`
	srv, _ := serveBody(t, http.StatusBadGateway, "text/html", []byte(proxyPage))
	_, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
	var apiErr *chatwoot.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 502, apiErr.StatusCode)
	assert.Contains(t, err.Error(), `an HTML page titled "502 Bad Gateway", not JSON`)
	assert.Contains(t, apiErr.Body, "nginx")

	// A 500 is reported with the server's message and is not a sentinel.
	srv, _ = serveBody(t, http.StatusInternalServerError, "application/json", []byte(`{"status":500,"error":"Internal Server Error"}`))
	_, err = newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "Internal Server Error", apiErr.Message)
}

func TestErrors_A200ThatIsNotTheAPI(t *testing.T) {
	webApp := "<!DOCTYPE html>\n<html><head><title>Chatwoot</title></head><body><div id=\"app\"></div></body></html>"
	tests := []struct {
		name, contentType, body, want string
	}{
		{"the web app's HTML (wrong base URL)", "text/html; charset=utf-8", webApp, `an HTML page titled "Chatwoot", not JSON: the base URL probably points at the Chatwoot web app`},
		{"HTML without a content type", "", webApp, `an HTML page titled "Chatwoot", not JSON`},
		{"empty body", "application/json", "", "the body is empty"},
		{"invalid JSON", "application/json", `{"payload":[{"id":1,,]}`, "not valid JSON"},
		{"cut off", "application/json", `{"payload":[{"id":1542,"messages":[`, "ends after 35 bytes, in the middle of the JSON"},
		{"an error with status 200", "application/json", `{"error":"Something went wrong"}`, `got Something went wrong`},
		{"no payload", "application/json", `{"data":[]}`, "got no payload key"},
		{"not an object", "application/json", `[1,2]`, "the body is not a JSON object"},
		{"trailing data", "application/json", `{"payload":[]}{"payload":[]}`, "not valid JSON (at byte 14)"},
		{"plain text", "text/plain", "OK", `answered text/plain, not JSON`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := serveBody(t, http.StatusOK, tt.contentType, []byte(tt.body))
			convs, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
			assert.Nil(t, convs, "never a partial list")
			var decErr *chatwoot.DecodeError
			require.ErrorAs(t, err, &decErr)
			assert.Equal(t, 200, decErr.StatusCode)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestErrors_TypeMismatchNamesTheFieldAndQuotesTheBody(t *testing.T) {
	body := string(fixture(t, "example_response.json"))
	const updatedAt = `"updated_at": 1781691725.498213`
	require.Contains(t, body, updatedAt)
	broken := []byte(strings.Replace(body, updatedAt, `"updated_at": "yesterday"`, 1))
	srv, _ := serveBody(t, http.StatusOK, "application/json; charset=utf-8", broken)
	_, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
	var decErr *chatwoot.DecodeError
	require.ErrorAs(t, err, &decErr)
	assert.Equal(t, "/payload/0/updated_at", decErr.Field, "the same path on every JSON engine")
	assert.Contains(t, decErr.Excerpt, `"yesterday"`)
	assert.Contains(t, err.Error(), "field /payload/0/updated_at")
	assert.Contains(t, err.Error(), "200 reply")
	assert.Contains(t, err.Error(), `a JSON string where this client expects timestamp.UnixFloat`)
}
