package chatwoot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/jsonvalue"
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

// maxConversations bounds the items of a reply. Chatwoot sends at most 20
// (variants in forks send 25 or 50); a reply with more is not this
// endpoint's. Items are counted before any is decoded, so a body of millions
// of tiny items ({},{},…) costs its bytes and nothing more.
const maxConversations = 1000

// maxReserve is the largest Content-Length trusted for the size of the
// buffer (a large Chatwoot reply is about 100 KiB): an honest reply is read
// into one allocation of its exact size, which the conversations then keep
// (each one's RawJSON is a part of it) without a copy. A larger or absent
// Content-Length is read as bytes arrive, in a buffer that grows with
// them: a server that announces 16 MiB and stalls costs what it sent.
const maxReserve = 256 << 10

// readBody reads r to its end, at most limit bytes: more is a
// *tooLargeError. sizeHint is the Content-Length, or -1.
func readBody(r io.Reader, sizeHint, limit int64) ([]byte, error) {
	if sizeHint > 0 && sizeHint <= min(maxReserve, limit) {
		buf := make([]byte, sizeHint)
		n, err := io.ReadFull(r, buf)
		return buf[:n], err // net/http says ErrUnexpectedEOF for a short body
	}
	// Chunks as bytes arrive, then one copy of the exact size: a body
	// costs twice its size at most, and a stalled one what it sent.
	var chunks [][]byte
	var total int64
	for {
		chunk := make([]byte, min(maxReserve, limit+1-total))
		n, err := io.ReadFull(r, chunk)
		chunks, total = append(chunks, chunk[:n]), total+int64(n)
		switch {
		case total > limit:
			return bytes.Join(chunks, nil)[:limit], &tooLargeError{limit: limit}
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) && (sizeHint < 0 || total == sizeHint):
			return bytes.Join(chunks, nil), nil // the end, inside a chunk
		case err != nil:
			return bytes.Join(chunks, nil), err
		}
	}
}

// decodeConversations reads a 200 body, at most limit bytes, and returns
// the conversations, or an error describing the body, never a partial list.
// sizeHint is the Content-Length, or -1. Every text of the error quotes the
// body through quote, which scrubs the token before it cuts.
func decodeConversations(body io.Reader, contentType string, sizeHint, limit int64, token secret) ([]Conversation, *DecodeError) {
	fail := func(data []byte, offset int, field string, err error) *DecodeError {
		return &DecodeError{ContentType: quote(token, contentType, 0, 200), Field: quote(token, field, 0, 400),
			Offset: int64(offset), Err: err, Excerpt: quote(token, data, offset, maxExcerpt)}
	}
	if !isJSON(contentType) {
		start, err := io.ReadAll(io.LimitReader(body, 4096)) // enough to describe
		if err != nil {
			return nil, fail(start, len(start), "", fmt.Errorf("reading the body failed after %d bytes: %w", len(start), foreign(token, err)))
		}
		return nil, fail(start, 0, "", notJSONError(contentType, start, token))
	}
	data, err := readBody(body, sizeHint, limit)
	n := len(data)
	var tooLarge *tooLargeError
	switch {
	case errors.As(err, &tooLarge):
		return nil, fail(data, 0, "", err) // quote the start: it says what came back
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, fail(data, n, "", fmt.Errorf("the body ends after %d bytes, before the %d its Content-Length promised: the connection was cut (%w)", n, sizeHint, io.ErrUnexpectedEOF))
	case err != nil:
		return nil, fail(data, n, "", fmt.Errorf("reading the body failed after %d bytes: %w", n, foreign(token, err)))
	}
	items, payload, derr := splitReply(data, fail, token)
	if derr != nil {
		return nil, derr
	}
	// One decode of the whole payload; a conversation it cannot vouch for
	// (the whole failed, or an item is not a conversation) is decoded on
	// its own, which names what is wrong and where.
	convs := make([]Conversation, len(items))
	fields := make([]ConversationFields, 0, len(items))
	whole := len(items) > 0 && json.Unmarshal(data[payload.start:payload.end], &fields) == nil && len(fields) == len(items)
	for k, span := range items {
		item := data[span.start:span.end]
		if whole && item[0] == '{' && fields[k].ID >= 1 {
			convs[k] = Conversation{ConversationFields: fields[k], raw: item}
			continue
		}
		if path, off, err := convs[k].decode(item); err != nil {
			return nil, fail(data, span.start+off, "payload["+strconv.Itoa(k)+"]"+path, err)
		}
	}
	return convs, nil
}

// span is where a value starts and ends in a body.
type span struct{ start, end int }

// splitReply checks that data is a JSON object with a payload key (spelled
// in any case, once) and, in the same walk, holds the bounds over the
// payload's conversations (see walk.go) and returns where each one is
// (none for a null or empty payload) and where the payload is.
func splitReply(data []byte, fail func([]byte, int, string, error) *DecodeError, token secret) ([]span, span, *DecodeError) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, span{}, describe(data, fail, token, errors.New(`the body is not a JSON object: expected {"payload": [...]}`))
	}
	var items []span
	payload, first := span{-1, -1}, ""
	w := &walker{b: data, left: maxListItems}
	end, err := members(data, i, func(key []byte, start int) (int, error) {
		switch {
		case foldKey(key) != "payload":
			end, err := skipValue(data, start)
			if err == nil && !json.Valid(data[start:end]) {
				err = fmt.Errorf("the value of key %q is not valid JSON", quote(token, key, 0, 64))
			}
			return end, err
		case payload.start >= 0:
			return start, &duplicateKeyError{first: first, second: string(key)}
		}
		payload.start, first = start, string(key)
		if start >= len(data) || data[start] != '[' {
			end, err := skipValue(data, start)
			payload.end = end
			return end, err
		}
		end, err := elements(data, start, func(k, at int) (int, error) {
			if k == maxConversations {
				return at, &refusalError{fmt.Sprintf("the reply has more than %d conversations; Chatwoot sends at most %d: this is not the reply of a Chatwoot server", maxConversations, MaxConversations)}
			}
			end, err := w.value(conversationField(), at)
			items = append(items, span{at, end})
			return end, within(err, k, nil)
		})
		payload.end = end
		return end, err
	})
	if err == nil && skipSpace(data, end) != len(data) {
		err = fmt.Errorf("unexpected data after the JSON object, at byte %d", skipSpace(data, end))
	}
	if err != nil {
		var dup *duplicateKeyError
		switch {
		case errors.As(err, &dup) && dup.path != "": // inside a conversation
			return nil, span{}, fail(data, items[len(items)-1].start, "payload"+dup.path, err)
		case errors.As(err, &dup):
			return nil, span{}, fail(data, i, "", err)
		case isRefusal(err):
			return nil, span{}, fail(data, payload.start, "payload", err)
		}
		return nil, span{}, describe(data, fail, token, err)
	}
	if payload.start < 0 {
		msg := errorMessage("application/json", data, token)
		if msg == "" {
			msg = "no payload key"
		}
		return nil, span{}, fail(data, 0, "", fmt.Errorf(`expected {"payload": [...]}, got %s: check that the base URL is the Chatwoot server's address`, msg))
	}
	if kind := jsonvalue.Value(data[payload.start:payload.end]).Kind(); kind != jsonvalue.Array && kind != jsonvalue.Null {
		return nil, span{}, fail(data, payload.start, "payload", fmt.Errorf("payload is a JSON %s, not the array of conversations", kind))
	}
	return items, payload, nil
}

// describe explains a body that is not the JSON of a reply, in its own
// words (encoding/json's quote the body), with fallback, what the walk
// found wrong, when encoding/json finds nothing.
func describe(data []byte, fail func([]byte, int, string, error) *DecodeError, token secret, fallback error) *DecodeError {
	var syntax *json.SyntaxError
	err := json.Unmarshal(data, new(json.RawMessage))
	switch {
	case isHTML("", data):
		return fail(data, 0, "", notJSONError("", data[:min(len(data), 4096)], token))
	case len(bytes.TrimSpace(data)) == 0:
		return fail(data, 0, "", errors.New(`the body is empty: expected {"payload": [...]}`))
	case errors.As(err, &syntax) && syntax.Offset >= int64(len(data)):
		return fail(data, len(data), "", fmt.Errorf("the body ends after %d bytes, in the middle of the JSON: the reply was cut off", len(data)))
	case errors.As(err, &syntax):
		return fail(data, int(syntax.Offset), "", fmt.Errorf("the body is not valid JSON (at byte %d)", syntax.Offset))
	}
	return fail(data, 0, "", fallback)
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
	mt, _, _ := strings.Cut(contentType, ";") // the parameters (charset) do not matter
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// notJSONError explains a 200 reply that is not JSON at all.
func notJSONError(contentType string, body []byte, token secret) error {
	if isHTML(contentType, body) {
		return fmt.Errorf("the server answered with %s, not JSON: the base URL probably points at the Chatwoot web app, a login page or a proxy; it should be the server's address, such as https://app.chatwoot.com", describeHTML(body, token))
	}
	if contentType == "" {
		return errors.New("the server answered a body of no stated type, not JSON: check that the base URL is the Chatwoot server's address")
	}
	return fmt.Errorf("the server answered %s, not JSON: check that the base URL is the Chatwoot server's address", quote(token, contentType, 0, 200))
}

// errorMessage extracts the server's message from an error body, quoted:
// Chatwoot's {"error": "..."} or {"errors": [...]}, the first line of a
// plain-text body (rack-attack's "Retry later"), or a description of an
// HTML page.
func errorMessage(contentType string, body []byte, token secret) string {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var eb struct {
			Error  json.RawMessage `json:"error"`
			Errors json.RawMessage `json:"errors"`
		}
		if json.Unmarshal(trimmed, &eb) == nil {
			msg := jsonText(eb.Error)
			if msg == "" {
				msg = jsonText(eb.Errors)
			}
			return quote(token, msg, 0, maxExcerpt)
		}
	}
	if isHTML(contentType, trimmed) {
		return describeHTML(trimmed, token) + ", not JSON (from a proxy, or a base URL that is not the API)"
	}
	line, _, _ := bytes.Cut(trimmed, []byte("\n"))
	return quote(token, line, 0, maxExcerpt)
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
	return string(raw)
}

func isHTML(contentType string, body []byte) bool {
	if strings.Contains(strings.ToLower(contentType), "html") {
		return true
	}
	start := bytes.ToLower(bytes.TrimSpace(body[:min(len(body), 64)]))
	return bytes.HasPrefix(start, []byte("<!doctype html")) || bytes.HasPrefix(start, []byte("<html"))
}

var titlePattern = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// describeHTML says "an HTML page", with its title quoted if it has one.
func describeHTML(body []byte, token secret) string {
	if m := titlePattern.FindSubmatch(body); m != nil {
		return fmt.Sprintf("an HTML page titled %q", quote(token, m[1], 0, 80))
	}
	return "an HTML page"
}

// readErrorBody reads at most maxErrorBody bytes of an error reply.
func readErrorBody(body io.Reader) []byte {
	b, _ := io.ReadAll(io.LimitReader(body, maxErrorBody)) // a broken error body still has a status to report
	return b
}

// drainAndClose reads what is left of a body, up to maxDrain, so that the
// connection can carry the next request, then closes it. A body that does
// not end within maxDrainWait is closed instead: the call has what it
// needs, and a server that stalls the rest is not worth the wait.
func drainAndClose(body io.ReadCloser) {
	giveUp := time.AfterFunc(maxDrainWait, func() { _ = body.Close() })
	_, _ = io.CopyN(io.Discard, body, maxDrain)
	giveUp.Stop()
	_ = body.Close()
}

// maxDrainWait bounds the wait for the rest of a body that is not needed.
const maxDrainWait = 100 * time.Millisecond
