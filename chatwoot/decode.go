package chatwoot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

const (
	// maxErrorBody caps what is read of an error reply: enough for any
	// Chatwoot error or a proxy's page, little enough to never matter.
	maxErrorBody = 64 << 10
	// maxDrain caps what is read to let a connection be reused; past it the
	// connection is closed instead, which is cheaper than reading on.
	maxDrain = 256 << 10
	// maxExcerpt is how much of a body an error quotes.
	maxExcerpt = 160
)

// listBody is the 200 body: {"payload": [...]}.
type listBody struct {
	Payload []Conversation `json:"payload"`
}

// bodies are reused buffers for 200 bodies. Measured on a 20-conversation
// reply, json.Decoder buffers the whole value internally anyway and
// allocated 2.3 times what json.Unmarshal does (456 KiB against 196 KiB a
// call) and ran about 10% slower; reading into a pooled buffer, then
// json.Unmarshal, costs no per-call buffer at all and lets an error quote
// the body around where decoding failed.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody is the largest buffer put back in the pool; a rare larger
// body's buffer is left to the garbage collector.
const maxPooledBody = 1 << 20

// decodeConversations reads a 200 body, at most limit bytes, and returns
// the conversations, or an error describing the body, never a partial list.
// sizeHint is the Content-Length, or -1.
func decodeConversations(body io.Reader, contentType string, sizeHint, limit int64, token secret) ([]Conversation, *DecodeError) {
	buf := bodies.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooledBody {
			bodies.Put(buf)
		}
	}()
	// Messages quote the body (an HTML title, an error text): quote it
	// without the token, in case the server or a proxy echoes it.
	scrubbed := func() []byte { return []byte(token.scrub(buf.String())) }
	fail := func(offset int64, field string, err error) *DecodeError {
		return &DecodeError{ContentType: contentType, Field: field, Offset: offset, Err: err,
			Excerpt: token.excerpt(buf.Bytes(), offset, maxExcerpt)}
	}

	if !isJSON(contentType) {
		_, _ = buf.ReadFrom(io.LimitReader(body, 512)) // enough to quote
		return nil, fail(0, "", notJSONError(contentType, scrubbed()))
	}
	if sizeHint > 0 && sizeHint <= limit {
		buf.Grow(int(sizeHint))
	}
	n, err := buf.ReadFrom(io.LimitReader(body, limit+1))
	switch {
	case n > limit:
		return nil, fail(0, "", &tooLargeError{limit: limit}) // quote the start: it says what came back
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, fail(n, "", fmt.Errorf("the body ends after %d bytes, before the %d its Content-Length promised: the connection was cut", n, sizeHint))
	case err != nil:
		return nil, fail(n, "", fmt.Errorf("reading the body failed after %d bytes: %w", n, err))
	}

	var out listBody
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		return nil, describe(err, scrubbed(), fail)
	}
	if len(out.Payload) == 0 {
		// Tell {"payload":[]} and {"payload":null} (no conversations) from
		// a JSON body without payload, such as an error sent with status 200.
		var top map[string]json.RawMessage
		if err := json.Unmarshal(buf.Bytes(), &top); err != nil || top == nil {
			return nil, fail(0, "", errors.New(`the body is not a JSON object: expected {"payload": [...]}`))
		}
		if _, ok := top["payload"]; !ok {
			msg := errorMessage("application/json", scrubbed())
			if msg == "" {
				msg = "no payload key"
			}
			return nil, fail(0, "", fmt.Errorf(`expected {"payload": [...]}, got %s: check that the base URL is the Chatwoot server's address`, msg))
		}
		return []Conversation{}, nil
	}
	return out.Payload, nil
}

// describe turns a json.Unmarshal error into a DecodeError that says what
// happened; body is the (scrubbed) body.
func describe(err error, body []byte, fail func(int64, string, error) *DecodeError) *DecodeError {
	var syntax *json.SyntaxError
	var mismatch *json.UnmarshalTypeError
	switch {
	case len(bytes.TrimSpace(body)) == 0:
		return fail(0, "", errors.New("the body is empty: expected JSON"))
	case errors.As(err, &mismatch):
		return fail(mismatch.Offset, mismatch.Field, fmt.Errorf("a JSON %s where this client expects %s (a server newer or older than this library supports?): %w", mismatch.Value, mismatch.Type, err))
	case errors.As(err, &syntax) && isHTML("", body):
		return fail(0, "", notJSONError("", body))
	case errors.As(err, &syntax) && syntax.Offset >= int64(len(body)):
		return fail(syntax.Offset, "", fmt.Errorf("the body ends after %d bytes, in the middle of the JSON: the reply was cut off", len(body)))
	case errors.As(err, &syntax):
		return fail(syntax.Offset, "", fmt.Errorf("the body is not valid JSON: %w", err))
	}
	return fail(0, "", err)
}

type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("the reply is larger than %d bytes, the most this client reads (see WithMaxResponseBytes)", e.limit)
}

// isJSON reports whether a Content-Type says JSON. An absent one is given
// the benefit of the doubt: the decoder will say if it is not.
func isJSON(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// notJSONError explains a 200 reply that is not JSON at all.
func notJSONError(contentType string, body []byte) error {
	if isHTML(contentType, body) {
		what := "an HTML page"
		if title := htmlTitle(body); title != "" {
			what = fmt.Sprintf("an HTML page titled %q", title)
		}
		return fmt.Errorf("the server answered with %s, not JSON: the base URL probably points at the Chatwoot web app, a login page or a proxy; it should be the server's address, such as https://app.chatwoot.com", what)
	}
	if contentType == "" {
		contentType = "a body of no stated type"
	}
	return fmt.Errorf("the server answered %s, not JSON: check that the base URL is the Chatwoot server's address", contentType)
}

// errorMessage extracts the server's message from an error body: Chatwoot's
// {"error": "..."} or {"errors": [...]}, the first line of a plain-text
// body (rack-attack's "Retry later"), or a description of an HTML page.
func errorMessage(contentType string, body []byte) string {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var eb struct {
			Error  json.RawMessage `json:"error"`
			Errors json.RawMessage `json:"errors"`
		}
		if json.Unmarshal(trimmed, &eb) == nil {
			if msg := jsonText(eb.Error); msg != "" {
				return msg
			}
			return jsonText(eb.Errors)
		}
	}
	if isHTML(contentType, trimmed) {
		if title := htmlTitle(trimmed); title != "" {
			return fmt.Sprintf("an HTML page titled %q, not JSON (from a proxy, or a base URL that is not the API)", title)
		}
		return "an HTML page, not JSON (from a proxy, or a base URL that is not the API)"
	}
	line, _, _ := bytes.Cut(trimmed, []byte("\n"))
	return excerpt(line, 0, maxExcerpt)
}

// jsonText renders a Chatwoot error value: a string, a list of strings
// joined with "; ", or any other JSON as it is.
func jsonText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, "; ")
	}
	return excerpt(raw, 0, maxExcerpt)
}

func isHTML(contentType string, body []byte) bool {
	if strings.Contains(strings.ToLower(contentType), "html") {
		return true
	}
	start := bytes.ToLower(bytes.TrimSpace(body[:min(len(body), 64)]))
	return bytes.HasPrefix(start, []byte("<!doctype html")) || bytes.HasPrefix(start, []byte("<html"))
}

var titlePattern = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

func htmlTitle(body []byte) string {
	m := titlePattern.FindSubmatch(body)
	if m == nil {
		return ""
	}
	return excerpt(m[1], 0, 80)
}

// excerpt returns up to n bytes of b around offset, on one line, cut at
// UTF-8 boundaries.
func excerpt(b []byte, offset int64, n int) string {
	start := max(int(offset)-n/2, 0)
	if start > len(b) {
		start = len(b)
	}
	end := min(start+n, len(b))
	for start < end && !utf8.RuneStart(b[start]) {
		start++
	}
	for end > start && end < len(b) && !utf8.RuneStart(b[end]) {
		end--
	}
	return strings.Join(strings.Fields(string(b[start:end])), " ")
}

// readErrorBody reads at most maxErrorBody bytes of an error reply.
func readErrorBody(body io.Reader) []byte {
	b, _ := io.ReadAll(io.LimitReader(body, maxErrorBody)) // a broken error body still has a status to report
	return b
}

// drainAndClose reads what is left of a body, up to maxDrain, so that the
// connection can carry the next request, then closes it.
func drainAndClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, maxDrain)
	_ = body.Close()
}
