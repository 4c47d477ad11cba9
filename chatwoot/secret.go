package chatwoot

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// redacted stands in for the token wherever it would otherwise be shown.
const redacted = "[REDACTED]"

// secret is the API token. It formats as [REDACTED] under every verb, so a
// stray %v, %+v or %#v of a value holding it cannot print it.
type secret string

// Format implements fmt.Formatter.
func (secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// String implements fmt.Stringer.
func (secret) String() string { return redacted }

// GoString implements fmt.GoStringer.
func (secret) GoString() string { return redacted }

// minPrefix is the shortest beginning of the token redacted at the end of a
// text that was cut short.
const minPrefix = 4

// scrub removes the token from text that came from elsewhere (a body, a
// header, a URL, a transport error), in case a server or proxy echoes it,
// in whatever form an encoder may have put it in: as it is, in any case (a
// host name may be lowercased), JSON-escaped (\u0041, \/), percent-encoded
// (%41) or as an HTML character reference (&#65;, &#x41;, &lt;). Text that
// was cut short may end inside the token, so a beginning of it found at the
// end is redacted too. This is the one place the client removes the token:
// every error, log line and printed text passes through it (see
// redactError and Client.Redact).
func (s secret) scrub(text string) string {
	if len(s) == 0 || text == "" {
		return text
	}
	token := asciiLower(string(s))
	// The token as it is, and as escapes decode to: two searches, because an
	// escape next to the plain token may swallow its first byte ("%0" and
	// "F..." read as "%0F").
	cuts := find(asciiLower(text), token, nil)
	view, spans := decodeEscapes(text)
	cuts = append(cuts, find(asciiLower(view), token, spans)...)
	if len(cuts) == 0 {
		return text
	}
	slices.SortFunc(cuts, func(a, b span) int { return a.start - b.start })
	var out strings.Builder
	at := 0
	for _, c := range cuts {
		if c.end <= at {
			continue // inside a cut made already
		}
		out.WriteString(text[at:max(at, c.start)])
		out.WriteString(redacted)
		at = c.end
	}
	out.WriteString(text[at:])
	return strings.ReplaceAll(out.String(), redacted+redacted, redacted)
}

// find returns where token occurs in text, and where text ends with a
// beginning of it (minPrefix bytes or more: text cut short). With spans,
// text is a decoded view and the places are mapped back to the original.
func find(text, token string, spans []span) []span {
	var found []span
	add := func(start, end int) {
		if spans != nil {
			start, end = spans[start].start, spans[end-1].end
		}
		found = append(found, span{start, end})
	}
	for from := 0; ; {
		i := strings.Index(text[from:], token)
		if i < 0 {
			break
		}
		add(from+i, from+i+len(token))
		from += i + len(token)
	}
	for k := len(token) - 1; k >= minPrefix; k-- {
		if strings.HasSuffix(text, token[:k]) {
			add(len(text)-k, len(text))
			break
		}
	}
	return found
}

// decodeEscapes returns text with one level of JSON, percent and HTML
// escapes decoded, byte by byte, and for each byte of the result the span
// of text it came from. Escapes of characters beyond ASCII decode to 0x00:
// a token is printable ASCII (see WithAPIToken), so they never match.
func decodeEscapes(text string) (string, []span) {
	view := make([]byte, 0, len(text))
	spans := make([]span, 0, len(text))
	for i := 0; i < len(text); {
		b, n := decodeEscape(text[i:])
		view = append(view, b)
		spans = append(spans, span{i, i + n})
		i += n
	}
	return string(view), spans
}

// decodeEscape decodes the escape at the start of s, if there is one, and
// returns the byte it stands for and its length; otherwise s[0] and 1.
func decodeEscape(s string) (byte, int) {
	switch s[0] {
	case '\\':
		if len(s) >= 6 && s[1] == 'u' {
			if r, err := strconv.ParseUint(s[2:6], 16, 16); err == nil {
				return asciiOrZero(r), 6
			}
		}
		if len(s) >= 2 {
			if b, ok := jsonEscapes[s[1]]; ok {
				return b, 2
			}
		}
	case '%':
		if len(s) >= 3 {
			if r, err := strconv.ParseUint(s[1:3], 16, 8); err == nil {
				return asciiOrZero(r), 3
			}
		}
	case '&':
		end := strings.IndexByte(s[:min(len(s), 10)], ';')
		if end < 0 {
			break
		}
		ref := s[1:end]
		if b, ok := htmlEntities[ref]; ok {
			return b, end + 1
		}
		if len(ref) > 1 && ref[0] == '#' {
			base, digits := 10, ref[1:]
			if digits[0] == 'x' || digits[0] == 'X' {
				base, digits = 16, digits[1:]
			}
			if r, err := strconv.ParseUint(digits, base, 32); err == nil {
				return asciiOrZero(r), end + 1
			}
		}
	}
	return s[0], 1
}

// asciiLower lowers A to Z and leaves every other byte as it is.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func asciiOrZero(r uint64) byte {
	if r < 0x80 {
		return byte(r)
	}
	return 0
}

var jsonEscapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

var htmlEntities = map[string]byte{"lt": '<', "gt": '>', "amp": '&', "quot": '"', "apos": '\''}

// excerpt quotes up to n bytes of body around offset, scrubbed first (a cut
// through the token would leave a part of it that no longer matches). Only
// a window around offset is scrubbed, wide enough to hold any form of the
// token that reaches into the quote, so a 16 MiB body costs no more than a
// small one.
func (s secret) excerpt(body []byte, offset int64, n int) string {
	offset = min(max(offset, 0), int64(len(body)))
	margin := int64(n + 10*len(s)) // an escaped byte takes at most 10 (&#x0041;)
	lo, hi := max(offset-margin, 0), min(offset+margin, int64(len(body)))
	before := s.scrub(string(body[lo:offset]))
	window := s.scrub(string(body[lo:hi]))
	// Where offset lands in the scrubbed window: after the scrubbed text
	// before it, unless a redaction spans offset.
	at := int64(len(commonPrefix(window, before)))
	return excerpt([]byte(window), at, n)
}

func commonPrefix(a, b string) string {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return a[:i]
		}
	}
	return a[:n]
}

// redactError is the way out for every error the client returns or logs:
// the fields of its own error types are scrubbed in place, and any other
// error (from the transport, with text the server or a proxy chose) is
// replaced by one with the scrubbed text, that still matches what it
// matched with errors.Is.
func (s secret) redactError(err error) error {
	if err == nil {
		return nil
	}
	s.scrubTree(err)
	switch err.(type) { //nolint:errorlint // the error itself, not its chain: scrubTree did the chain
	case *APIError, *DecodeError, *RedirectError, *redactedError:
		return err
	}
	return &redactedError{text: s.scrub(err.Error()), cause: err}
}

// scrubTree scrubs the fields of the client's own errors anywhere in err's
// tree, and replaces the cause a DecodeError wraps.
func (s secret) scrubTree(err error) {
	switch e := err.(type) { //nolint:errorlint // one node of the tree at a time; the walk follows Unwrap below
	case *APIError:
		e.Message, e.ContentType, e.Body, e.URL = s.scrub(e.Message), s.scrub(e.ContentType), s.scrub(e.Body), s.scrub(e.URL)
		e.RequestID = s.scrub(e.RequestID)
	case *DecodeError:
		e.ContentType, e.Field, e.Excerpt, e.URL = s.scrub(e.ContentType), s.scrub(e.Field), s.scrub(e.Excerpt), s.scrub(e.URL)
		e.RequestID = s.scrub(e.RequestID)
		if e.Err != nil {
			e.Err = s.redactError(e.Err)
		}
		return
	case *RedirectError:
		e.From, e.To = s.scrub(e.From), s.scrub(e.To)
	case *redactedError:
		return
	}
	switch u := err.(type) { //nolint:errorlint // the node's own Unwrap, to walk the tree
	case interface{ Unwrap() error }:
		if inner := u.Unwrap(); inner != nil {
			s.scrubTree(inner)
		}
	case interface{ Unwrap() []error }:
		for _, inner := range u.Unwrap() {
			s.scrubTree(inner)
		}
	}
}

// redactedError stands in for an error whose text may hold the token. Its
// cause is not returned by Unwrap, since the cause's own Error would show
// the text again; errors.Is still sees through it (context.Canceled,
// context.DeadlineExceeded, the sentinels), and errors.As finds the
// client's own error types, whose fields are scrubbed.
type redactedError struct {
	text  string
	cause error
}

func (e *redactedError) Error() string { return e.text }

// Is reports whether the cause matches target.
func (e *redactedError) Is(target error) bool { return errors.Is(e.cause, target) }

// As finds the client's own error types in the cause.
func (e *redactedError) As(target any) bool {
	switch target.(type) {
	case **APIError, **DecodeError, **RedirectError:
		return errors.As(e.cause, target)
	}
	return false
}

// Timeout reports whether the cause was a timeout, as net.Error does.
func (e *redactedError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.cause, &t) && t.Timeout()
}
