package chatwoot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
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

	const token = "fuzz-token-123"
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		c, err := NewClient("https://chat.example.com", WithAPIToken(token), WithMaxRetries(0),
			WithHTTPClient(&http.Client{Transport: fakeReply(http.StatusOK, contentType, "", body)}))
		require.NoError(t, err)
		convs, derr := c.ListContactConversations(context.Background(), 1, 2)
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
			assert.Equal(t, sameJSON(t, convs[k].raw), sameJSON(t, out), "conversation %d", k)
		}
	})
}

// sameJSON decodes b into a form in which two JSON texts compare equal only
// when they say the same thing: the same keys, a null where there was a
// null (an absent key stays absent), numbers spelled the same (900.0 is not
// 900, and 1789234567890123456 is not rounded), the same strings. Key order,
// white space and string escapes (\u003c for <) are all that may differ.
// The external tests use it as SameJSON (export_test.go).
func sameJSON(t testing.TB, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	return v
}

// FuzzNoTokenInErrors plays a server that puts the token somewhere in its
// reply: status, Content-Type, Location or body. Whatever it sends, no
// error text, error field or log line holds the token.
func FuzzNoTokenInErrors(f *testing.F) {
	const token = "Fz-T0ken-9a8b7c6d"
	f.Add(401, "application/json", "", []byte(`{"error":"bad TOKEN"}`))
	f.Add(200, "application/json", "", []byte(`{"payload":[{"id":1,"snoozed_until":"TOKEN"}]}`))
	f.Add(200, "text/TOKEN", "", []byte(`<title>TOKEN</title>`))
	f.Add(302, "", "https://elsewhere.example/TOKEN", []byte(``))
	f.Add(502, "text/html", "", []byte(`<html>`+strings.Repeat("x", 150)+`TOKEN</html>`))
	f.Add(200, "application/json", "", []byte(`{"payload":[{"id":1,"TOKEN":[}]}`))
	f.Fuzz(func(t *testing.T, status int, contentType, location string, body []byte) {
		if status < 200 || status > 599 {
			return
		}
		put := func(s string) string { return strings.ReplaceAll(s, "TOKEN", token) }
		contentType, location = put(contentType), put(location)
		body = []byte(put(string(body)))
		var log bytes.Buffer
		c, err := NewClient("https://chat.example.com", WithAPIToken(token), WithMaxRetries(0),
			WithLogger(slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))),
			WithHTTPClient(&http.Client{Transport: fakeReply(status, contentType, location, body)}))
		require.NoError(t, err)
		_, err = c.ListContactConversations(context.Background(), 3, 4821)
		texts := []string{log.String()}
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%+v %#v", err, err))
		}
		for _, text := range texts {
			assert.NotContains(t, strings.ToLower(text), strings.ToLower(token))
		}
	})
}

// fakeReply is a transport that answers every request with one reply.
func fakeReply(status int, contentType, location string, body []byte) http.RoundTripper {
	return roundTrip(func(r *http.Request) (*http.Response, error) {
		h := http.Header{}
		if contentType != "" {
			h.Set("Content-Type", contentType)
		}
		if location != "" {
			h.Set("Location", location)
		}
		return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(body)),
			ContentLength: int64(len(body)), Request: r}, nil
	})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// FuzzConversationUnmarshalJSON feeds (*Conversation).UnmarshalJSON
// arbitrary bytes: it never panics, and what it accepts encodes to the
// same JSON and decodes again to the same fields.
func FuzzConversationUnmarshalJSON(f *testing.F) {
	for _, name := range api.FixtureNames() {
		body, err := api.Fixture(name)
		require.NoError(f, err)
		var reply struct{ Payload []json.RawMessage }
		require.NoError(f, json.Unmarshal(body, &reply))
		for _, conv := range reply.Payload {
			f.Add([]byte(conv))
		}
	}
	for _, seed := range []string{
		`{"messages":`, `{"labels": `, `{"last_non_activity_message":`, `{"sla_events":`,
		`{"id":1,"ID":2}`, `{"id":1,"messages":[{"id":2,"Id":3}]}`, `{"id":1,"Messages":[{},{},{}]}`,
		`{"id":1,"laſt_activity_at":5}`, `{"id":1,"meta":{"sender":{"blocKed":true}}}`, `{"\u0069d":1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var c Conversation
		if err := c.UnmarshalJSON(b); err != nil {
			assert.Equal(t, Conversation{}, c, "nothing half-decoded")
			return
		}
		out, err := json.Marshal(c)
		require.NoError(t, err)
		assert.Equal(t, sameJSON(t, c.RawJSON()), sameJSON(t, out))
		var again Conversation
		require.NoError(t, again.UnmarshalJSON(out), "%s", out)
		assert.Equal(t, sameJSON(t, out), sameJSON(t, again.RawJSON()))
	})
}

// TokenForm is one way a server, a proxy or an encoder may echo a token
// (or a part of it) back. FuzzRedact and the hostile servers of
// invariants_test.go use them.
type TokenForm struct {
	Name   string
	Encode func(string) string
	// NameSafe: the form can stand in a header's name (token characters only).
	NameSafe bool
}

// TokenForms are the forms issue D lists, and some it does not (invented).
var TokenForms = []TokenForm{
	{"as is", func(s string) string { return s }, true},
	{"upper-cased", strings.ToUpper, true},
	{"JSON-escaped", eachByte(func(c byte) string { return fmt.Sprintf(`\u%04x`, c) }), false},
	{"JSON-escaped, upper hex, every other byte", everyOther(func(c byte) string { return fmt.Sprintf(`\u%04X`, c) }), false},
	{"double-escaped", eachByte(func(c byte) string { return fmt.Sprintf(`\\u%04x`, c) }), false},
	{"percent-encoded", eachByte(func(c byte) string { return fmt.Sprintf("%%%02X", c) }), true},
	{"HTML entities", eachByte(func(c byte) string { return fmt.Sprintf("&#%d;", c) }), false},
	{"HTML hex entities", everyOther(func(c byte) string { return fmt.Sprintf("&#X%x;", c) }), false},
	// Invented: two encoders in a row, and all of them at once.
	{"percent-encoded JSON escapes", eachByte(func(c byte) string { return fmt.Sprintf("%%5Cu%04x", c) }), true},
	{"JSON-escaped HTML entities", eachByte(func(c byte) string { return fmt.Sprintf(`\u0026#%d;`, c) }), false},
	{"mixed escapes", func(s string) string {
		var b strings.Builder
		for i := range len(s) {
			b.WriteString([]string{string(s[i]), fmt.Sprintf(`\u%04x`, s[i]), fmt.Sprintf("%%%02x", s[i]), fmt.Sprintf("&#%d;", s[i]), fmt.Sprintf("&#x%X;", s[i])}[i%5])
		}
		return b.String()
	}, false},
}

func eachByte(enc func(byte) string) func(string) string {
	return func(s string) string {
		var b strings.Builder
		for i := range len(s) {
			b.WriteString(enc(s[i]))
		}
		return b.String()
	}
}

func everyOther(enc func(byte) string) func(string) string {
	return func(s string) string {
		var b strings.Builder
		for i := range len(s) {
			if i%2 == 0 {
				b.WriteString(enc(s[i]))
			} else {
				b.WriteByte(s[i])
			}
		}
		return b.String()
	}
}

// TokenRunLength is the run of the token the tests look for: issue D's
// "no 6-character run of the token".
const TokenRunLength = 6

// TokenRun returns a run of TokenRunLength characters of token that text
// holds, in any case, as it is or after one or two levels of JSON, percent
// or HTML escapes are undone (by unescapeOnce, written apart from the
// scrubber), and false if there is none.
func TokenRun(token, text string) (string, bool) {
	token = strings.ToLower(token)
	for range 3 {
		lower := strings.ToLower(text)
		for i := 0; i+TokenRunLength <= len(token); i++ {
			if strings.Contains(lower, token[i:i+TokenRunLength]) {
				return token[i : i+TokenRunLength], true
			}
		}
		text = unescapeOnce(text)
	}
	return "", false
}

// unescapeOnce undoes one level of JSON (\uXXXX, \n, \\ …), percent (%XX)
// and HTML (&#N;, &#xH;, &amp; …) escapes, in one pass.
func unescapeOnce(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+6 <= len(s) && s[i+1] == 'u':
			if n, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
				b.WriteRune(rune(n))
				i += 6
				continue
			}
		case c == '\\' && i+1 < len(s) && strings.IndexByte(`"\/bfnrt`, s[i+1]) >= 0:
			b.WriteByte(map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}[s[i+1]])
			i += 2
			continue
		case c == '%' && i+3 <= len(s):
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		case c == '&':
			if end := strings.IndexByte(s[i:min(len(s), i+12)], ';'); end > 0 {
				if u := html.UnescapeString(s[i : i+end+1]); u != s[i:i+end+1] {
					b.WriteString(u)
					i += end + 1
					continue
				}
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// fuzzToken is a token of Chatwoot's shape (24 letters and digits).
const fuzzToken = "Zx9kQp2LmN7vR4tYw8sB3hJd"

// FuzzRedact: whatever text surrounds the token, in whatever form, cut
// at either end, in any case, split in two by any text, Client.Redact's
// output holds no run of TokenRunLength characters of it (see TokenRun).
func FuzzRedact(f *testing.F) {
	for i := range TokenForms {
		f.Add("<title>"+strings.Repeat("x", 70), "</title>", uint8(i), uint8(0), uint8(0), uint32(0), uint8(0), "")
		f.Add(`{"error":{"message":"`, `"}}`, uint8(i), uint8(1), uint8(0), uint32(0), uint8(0), "")
		f.Add(`"snoozed_until":"`, `"`, uint8(i), uint8(0), uint8(1), uint32(0xffffffff), uint8(0), "")
		f.Add("X-Request-Id: ", "", uint8(i), uint8(0), uint8(0), uint32(0x5555), uint8(10), "\r\nContent-Type: text/")
	}
	c, err := NewClient("https://chat.example.com", WithAPIToken(fuzzToken))
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, prefix, suffix string, form, cutStart, cutEnd uint8, caseMask uint32, split uint8, between string) {
		piece := []byte(fuzzToken[cutStart%8 : len(fuzzToken)-int(cutEnd%8)])
		for i := range piece {
			if caseMask&(1<<(i%32)) != 0 && piece[i] >= 'a' && piece[i] <= 'z' {
				piece[i] -= 'a' - 'A'
			} else if caseMask&(1<<(i%32)) != 0 && piece[i] >= 'A' && piece[i] <= 'Z' {
				piece[i] += 'a' - 'A'
			}
		}
		enc := TokenForms[int(form)%len(TokenForms)].Encode
		at := int(split) % (len(piece) + 1)
		text := prefix + enc(string(piece[:at])) + between + enc(string(piece[at:])) + suffix
		out := c.Redact(text)
		if run, found := TokenRun(fuzzToken, out); found {
			t.Fatalf("Redact(%q)\n= %q\nholds %q", text, out, run)
		}
	})
}
