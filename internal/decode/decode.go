// Package decode reads the JSON of Chatwoot's replies with json/v2's rules
// (github.com/go-json-experiment/json, which is encoding/json/v2 from Go
// 1.27) and the client's bounds, and explains what it cannot read in words
// that quote nothing a server sent unscrubbed.
//
// json/v2 holds the rule for names at every level: a name sent twice in
// one object is refused, and a name binds only to a field of exactly that
// spelling (a key in another case binds to nothing). It limits nesting, and
// the lists it decodes are counted here: at most MaxItems items in a reply
// or a value, and MaxConversations conversations, counted as they are
// decoded, so that a body of millions of tiny items costs its bytes.
package decode

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/jsonvalue"
	"github.com/go-chatwoot/chatwoot-go/gen"
	"github.com/go-chatwoot/chatwoot-go/internal/redact"
)

const (
	// MaxConversations bounds a reply's conversations. Chatwoot sends at most
	// 20 (forks 25 or 50): a reply with more is not this endpoint's.
	MaxConversations = 1000
	// MaxItems bounds the items of the lists decoded from one reply or
	// value, all lists together (messages, attachments, labels, SLA events,
	// a 200's errors).
	MaxItems = 10000
)

// Error is JSON the client could not read. Its text quotes nothing the
// server sent but Field, which the caller quotes.
type Error struct {
	// Field is the JSON Pointer of the value at fault, as
	// /payload/3/messages/0/id; "" for the body as a whole.
	Field string
	// Offset is where in the bytes the fault was found.
	Offset int
	// Err says what is wrong, in the client's words.
	Err error
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Err.Error()
	}
	return "field " + e.Field + ": " + e.Err.Error()
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// budget is the state of one decode: the items it may still decode and
// the bytes their Go values may still take, the bytes decoded, and the
// options that count them (pooled with the budget, as they refer to it).
type budget struct {
	items, bytes int
	data         []byte // what is decoded: raw values are parts of it
	opts         json.Options
	// For Reply: where each conversation goes, what keeps its JSON, and
	// the error that stopped the payload, in the client's words.
	next   func() any
	kept   func(raw []byte) error
	failed *Error
}

// spend counts one item of size bytes, and reports whether it is too many.
func (b *budget) spend(size int) bool {
	b.items--
	b.bytes -= size
	return b.items < 0 || b.bytes < 0
}

// Counted are the list types whose items are counted: every list in the
// generated models (a test checks it).
var Counted = []reflect.Type{
	reflect.TypeFor[[]gen.Message](), reflect.TypeFor[[]gen.Attachment](),
	reflect.TypeFor[[]gen.SLAEvent](), reflect.TypeFor[[]string](),
}

var budgets = sync.Pool{New: func() any {
	b := &budget{}
	b.opts = json.JoinOptions(jsontext.AllowInvalidUTF8(true), json.WithUnmarshalers(json.JoinUnmarshalers(
		counted[gen.Message](b), counted[gen.Attachment](b), counted[gen.SLAEvent](b), counted[string](b),
		json.UnmarshalFromFunc(b.raw), json.UnmarshalFromFunc(b.payload))))
	return b
}}

// raw keeps a raw value (custom_attributes, a sender, …) as a part of the
// bytes decoded, which the conversation keeps anyway, instead of a copy.
func (b *budget) raw(dec *jsontext.Decoder, v *jsonvalue.Value) error {
	val, err := dec.ReadValue()
	if err != nil {
		return err
	}
	end := int(dec.InputOffset())
	if part := b.data[max(end-len(val), 0):end]; bytes.Equal(part, val) {
		*v = jsonvalue.Value(part[:len(part):len(part)])
	} else {
		*v = bytes.Clone(val) // not expected; but never a part of the wrong bytes
	}
	return nil
}

// getBudget returns a budget for decoding data: MaxItems items, and
// Go values of at most 32 KiB more than the bytes, so that a list of tiny
// items ([{},{},…]) costs what its bytes do, not the size of the structs
// they would fill.
func getBudget(data []byte) *budget {
	b := budgets.Get().(*budget) //nolint:forcetypeassert // the pool holds nothing else
	b.items, b.bytes, b.data = MaxItems, 32<<10+len(data), data
	return b
}

func (b *budget) put() {
	b.data, b.next, b.kept, b.failed = nil, nil, nil, nil // keeps no body alive
	budgets.Put(b)
}

var errTooManyItems = fmt.Errorf("the lists hold more than %d items, or more than the reply's size can fill: no Chatwoot reply looks like that", MaxItems)

// counted decodes a list item by item, each one counted before it is.
func counted[T any](b *budget) *json.Unmarshalers {
	size := int(reflect.TypeFor[T]().Size())
	return json.UnmarshalFromFunc(func(dec *jsontext.Decoder, out *[]T) error {
		if dec.PeekKind() != '[' {
			return errors.ErrUnsupported // null, or a value of the wrong type: json/v2 says which
		}
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		list := make([]T, 0, 1)
		for dec.PeekKind() != ']' {
			if b.spend(size) {
				return errTooManyItems
			}
			list = append(list, *new(T)) // decoded in place: no copy on the heap
			if err := json.UnmarshalDecode(dec, &list[len(list)-1]); err != nil {
				return err
			}
		}
		*out = list
		_, err := dec.ReadToken()
		return err
	})
}

// Into decodes data, one JSON value, into v with the bounds.
func Into(data []byte, v any) *Error {
	b := getBudget(data)
	defer b.put()
	if err := json.Unmarshal(data, v, b.opts); err != nil {
		return explain(data, err)
	}
	return nil
}

// reply is a 200's body: the payload (see budget.payload), or an error
// value; other keys are skipped.
type reply struct {
	Payload payload        `json:"payload"`
	Error   jsontext.Value `json:"error"`
	Errors  jsontext.Value `json:"errors"`
}

// payload records whether the body had one: null is an empty one.
type payload struct{ found bool }

// Reply decodes a 200's body, {"payload": [...]}: each conversation into
// what next returns, then kept is given its JSON, a part of data. A body
// without payload is explained with its "error" or "errors" value.
func Reply(data []byte, tok redact.Token, next func() any, kept func(raw []byte) error) *Error {
	if jsontext.Value(data).Kind() != '{' {
		return notObject(data, tok)
	}
	b := getBudget(data)
	defer b.put()
	b.next, b.kept = next, kept
	var r reply
	err := json.Unmarshal(data, &r, b.opts)
	switch {
	case b.failed != nil:
		return b.failed
	case err != nil:
		return explain(data, err)
	case !r.Payload.found:
		got := "no payload key"
		if text := Text(r.Error); text != "" {
			got = redact.Quote(tok, text, 0, 160)
		} else if text := Text(r.Errors); text != "" {
			got = redact.Quote(tok, text, 0, 160)
		}
		return &Error{Err: fmt.Errorf(`expected {"payload": [...]}, got %s: check that the base URL is the Chatwoot server's address`, got)}
	}
	return nil
}

// payload decodes the conversations, at most MaxConversations.
func (b *budget) payload(dec *jsontext.Decoder, p *payload) error {
	p.found = true
	size := int(reflect.TypeFor[gen.Conversation]().Size())
	switch kind := dec.PeekKind(); kind {
	case 'n', '[':
		if _, err := dec.ReadToken(); err != nil || kind == 'n' {
			return err
		}
	default:
		return b.fail("/payload", dec.InputOffset(), fmt.Errorf("payload is a JSON %s, not the array of conversations", kindName(kind)))
	}
	for k := 0; dec.PeekKind() != ']'; k++ {
		start := dec.InputOffset()
		if k == MaxConversations || b.spend(size) {
			return b.fail("/payload", start, fmt.Errorf("the reply has more than %d conversations (or more than its size can fill); Chatwoot sends at most 20: this is not the reply of a Chatwoot server", MaxConversations))
		}
		if kind := dec.PeekKind(); kind != '{' && kind != 0 {
			return b.fail("/payload/"+strconv.Itoa(k), start, fmt.Errorf("a JSON %s where a conversation (an object) belongs", kindName(kind)))
		}
		if err := json.UnmarshalDecode(dec, b.next()); err != nil {
			return err
		}
		if err := b.kept(bytes.TrimLeft(b.data[start:dec.InputOffset()], " \t\r\n,")); err != nil {
			return b.fail("/payload/"+strconv.Itoa(k), start, err)
		}
	}
	_, err := dec.ReadToken()
	return err
}

// fail records why the payload cannot be read, in the client's words.
func (b *budget) fail(field string, at int64, err error) error {
	b.failed = &Error{Field: field, Offset: int(at), Err: err}
	return b.failed
}

// notObject explains a body that does not start with an object.
func notObject(data []byte, tok redact.Token) *Error {
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	switch kind := dec.PeekKind(); {
	case len(bytes.TrimSpace(data)) == 0:
		return &Error{Err: errors.New(`the body is empty: expected {"payload": [...]}`)}
	case isHTML("", data):
		return &Error{Err: NotJSON("", data[:min(len(data), 4096)], tok)}
	case kind != 0:
		return &Error{Err: fmt.Errorf(`the body is not a JSON object but a JSON %s: expected {"payload": [...]}`, kindName(kind))}
	}
	_, err := dec.ReadToken()
	return explain(data, err)
}

// explain turns json/v2's error into an Error in the client's words:
// json/v2's own text quotes the names and values the server sent.
func explain(data []byte, err error) *Error {
	var syn *jsontext.SyntacticError
	var sem *json.SemanticError
	switch {
	case errors.As(err, &syn):
		e := &Error{Field: pointer(syn.JSONPointer), Offset: int(syn.ByteOffset)}
		switch {
		case errors.Is(syn.Err, io.ErrUnexpectedEOF) || syn.ByteOffset >= int64(len(data)):
			e.Err = fmt.Errorf("the body ends after %d bytes, in the middle of the JSON: the reply was cut off", len(data))
		case errors.Is(syn.Err, jsontext.ErrDuplicateName):
			e.Err = errors.New("a key sent twice in one object: which value is meant cannot be known, so none is taken")
		case strings.Contains(syn.Err.Error(), "max depth"): // json/v2 does not export it
			e.Err = errors.New("values nested more than 10000 deep: no Chatwoot reply looks like that")
		default:
			e.Err = fmt.Errorf("the body is not valid JSON (at byte %d)", syn.ByteOffset)
		}
		return e
	case errors.As(err, &sem):
		e := &Error{Field: pointer(sem.JSONPointer), Offset: int(sem.ByteOffset)}
		switch {
		case errors.Is(sem.Err, errTooManyItems):
			e.Err = errTooManyItems
		case sem.Err == nil: // the JSON type cannot go there at all
			e.Err = fmt.Errorf("a JSON %s where this client expects %v (a server newer or older than this library supports?)", kindName(sem.JSONKind), sem.GoType)
		default:
			e.Err = fmt.Errorf("a JSON %s that is not a valid %v", kindName(sem.JSONKind), sem.GoType)
		}
		return e
	}
	return &Error{Err: errors.New("a value this client cannot read")}
}

// pointer is the JSON Pointer of the value at fault, as json/v2 gives it
// (/payload/3/messages/0/id), cut to at most about 400 bytes: a value
// nested 10000 deep has a long one.
func pointer(p jsontext.Pointer) string { return redact.Quote("", string(p), 0, 400) }

// kindName names a JSON kind as JSON does.
func kindName(k jsontext.Kind) string {
	switch k {
	case 't', 'f':
		return "boolean"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return k.String()
}

// Text renders an error value of Chatwoot's, at most about 4 KiB of it: a
// string, a list of strings joined with "; " (the first 20), or any other
// JSON as it is; "" for none or null.
func Text(v []byte) string {
	dec := jsontext.NewDecoder(bytes.NewReader(v), jsontext.AllowInvalidUTF8(true))
	tok, err := dec.ReadToken()
	switch {
	case err != nil || tok.Kind() == 'n':
		return ""
	case tok.Kind() == '"':
		return cut(tok.String())
	case tok.Kind() == '[':
		var parts []string
		for len(parts) < 20 && dec.PeekKind() == '"' {
			s, _ := dec.ReadToken()
			parts = append(parts, cut(s.String()))
		}
		if dec.PeekKind() == ']' {
			return cut(strings.Join(parts, "; "))
		}
	}
	return cut(string(v[:min(len(v), 4096)]))
}

func cut(s string) string { return s[:min(len(s), 4096)] }

// IsJSON reports whether a Content-Type says JSON. An absent one is given
// the benefit of the doubt: the decoder says if it is not.
func IsJSON(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, _, _ := strings.Cut(contentType, ";") // the parameters (charset) do not matter
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// NotJSON explains a 200 reply that is not JSON, from the start of its body.
func NotJSON(contentType string, start []byte, tok redact.Token) error {
	switch {
	case isHTML(contentType, start):
		return fmt.Errorf("the server answered with %s, not JSON: the base URL probably points at the Chatwoot web app, a login page or a proxy; it should be the server's address, such as https://app.chatwoot.com", describeHTML(start, tok))
	case contentType == "":
		return errors.New("the server answered a body of no stated type, not JSON: check that the base URL is the Chatwoot server's address")
	}
	return fmt.Errorf("the server answered %s, not JSON: check that the base URL is the Chatwoot server's address", redact.Quote(tok, contentType, 0, 200))
}

// Message is the server's message in an error reply, quoted: Chatwoot's
// {"error": ...} or {"errors": [...]}, the first line of a plain-text body
// (rack-attack's "Retry later"), or a description of an HTML page.
func Message(contentType string, body []byte, tok redact.Token) string {
	trimmed := bytes.TrimSpace(body)
	var eb struct {
		Error  jsontext.Value `json:"error"`
		Errors jsontext.Value `json:"errors"`
	}
	if len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &eb, jsontext.AllowInvalidUTF8(true)) == nil {
		text := Text(eb.Error)
		if text == "" {
			text = Text(eb.Errors)
		}
		return redact.Quote(tok, text, 0, 160)
	}
	if isHTML(contentType, trimmed) {
		return describeHTML(trimmed, tok) + ", not JSON (from a proxy, or a base URL that is not the API)"
	}
	line, _, _ := bytes.Cut(trimmed, []byte("\n"))
	return redact.Quote(tok, line, 0, 160)
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
func describeHTML(body []byte, tok redact.Token) string {
	if m := titlePattern.FindSubmatch(body[:min(len(body), 4096)]); m != nil {
		return fmt.Sprintf("an HTML page titled %q", redact.Quote(tok, m[1], 0, 80))
	}
	return "an HTML page"
}
