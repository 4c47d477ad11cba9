package chatwoot

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/api"
)

// FuzzDecodeConversations feeds the decoder arbitrary bodies. It must never
// panic, must return either conversations or an error (never both), and what
// it accepts must encode and decode again to as many conversations.
// `go test` runs the seeds; `make fuzz` explores.
func FuzzDecodeConversations(f *testing.F) {
	for _, name := range api.FixtureNames() {
		body, err := api.Fixture(name)
		require.NoError(f, err)
		f.Add(body, "application/json; charset=utf-8")
		f.Add(body[:len(body)/2], "application/json") // cut off
	}
	for _, seed := range []string{
		`{"payload":null}`, `{}`, `[]`, `null`, ``, `{"payload":[]} x`, `{"error":"Invalid Access Token"}`,
		`{"payload":[{"updated_at":"yesterday"}]}`, `{"payload":[{"messages":[{"sender":{"type":"robot"}}]}]}`,
		`{"payload":[{"meta":{"assignee":[1,2]}}]}`, `{"payload":[{"snoozed_until":"2026-13-99"}]}`,
	} {
		f.Add([]byte(seed), "application/json")
	}
	f.Add([]byte("<!DOCTYPE html><title>Chatwoot</title>"), "text/html")
	f.Add([]byte("Retry later\n"), "text/plain")

	const token = secret("fuzz-token-123")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		convs, derr := decodeConversations(bytes.NewReader(body), contentType, -1, 1<<20, token)
		if derr != nil {
			assert.Nil(t, convs, "never a partial list")
			assert.NotEmpty(t, derr.Error())
			if !bytes.Contains(body, []byte(token)) {
				return
			}
			assert.NotContains(t, derr.Error(), string(token))
			return
		}
		require.NotNil(t, convs)
		// Nothing lost: each conversation encodes back to what was sent.
		for k := range convs {
			out, err := json.Marshal(convs[k])
			require.NoError(t, err)
			assert.Equal(t, decodeNumbers(t, convs[k].raw), decodeNumbers(t, out), "conversation %d", k)
		}
	})
}

// decodeNumbers decodes JSON with its numbers as spelled, for comparing two
// texts that may differ in white space, key order and escapes only.
func decodeNumbers(t *testing.T, b []byte) any {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	return v
}
