package chatwoot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
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

// minRun is the shortest run of the token's characters that is redacted.
// Any part of the token, however a server cut, split or shifted it, is a
// run of consecutive characters of it, so the scrubber looks for runs
// instead of a list of cut forms: at most minRun-1 characters (5 of a
// 24-character token, under 30 of its 140 bits) can show in one place.
// False positives are rare: for a random 24-character token, a given
// place of a text starts a 6-character run with odds of about 19 in 36^6,
// one in a hundred million (TestScrub_FalsePositives measures it on real
// text), and a false positive only hides a few characters of a message.
const minRun = 6

// escapeLevels is how many layers of escapes are undone: a token
// JSON-escaped and then quoted again (a time's error text doubles the
// backslashes), or percent-encoded inside JSON, is still found.
const escapeLevels = 2

// scrub returns text with every run of the token in it redacted.
func (s secret) scrub(text string) string { return render(s, text, 0, len(text)) }

// quote is the one way server text enters an error or a log line: text
// (a body, a header, a key, another package's error text) scrubbed, then
// cut to about n bytes around at, on one line. Only a window around the
// quote is scrubbed, wide enough to hold any run of the token that reaches
// into it, so quoting from a 16 MiB body costs no more than from a small one.
func quote[T ~string | ~[]byte](s secret, text T, at, n int) string {
	at = min(max(at, 0), len(text))
	lo := max(at-n/2, 0)
	hi := min(lo+n, len(text))
	for lo < hi && !utf8.RuneStart(text[lo]) {
		lo++
	}
	for hi > lo && hi < len(text) && !utf8.RuneStart(text[hi]) {
		hi--
	}
	return strings.Join(strings.Fields(render(s, text, lo, hi)), " ")
}

// render returns text[lo:hi] with the token's runs redacted; a run that
// crosses lo or hi is redacted whole, never cut into a part that shows.
func render[T ~string | ~[]byte](s secret, text T, lo, hi int) string {
	if len(s) == 0 || lo >= hi {
		return string(text[lo:hi])
	}
	margin := 10 * len(s) // an escaped byte takes at most 10 (&#x0041;)
	base := max(lo-margin, 0)
	runs := s.runs(string(text[base:min(hi+margin, len(text))]))
	var out strings.Builder
	at := lo
	for _, r := range runs {
		start, end := base+r.start, base+r.end
		if end <= at || start >= hi {
			continue
		}
		out.WriteString(string(text[at:max(at, start)]))
		out.WriteString(redacted)
		at = end
	}
	if at < hi {
		out.WriteString(string(text[at:hi]))
	}
	return out.String()
}

// foreignError is another package's error (the transport's, the body
// reader's), whose text may quote what a server sent. Its text is a quote;
// the error itself stays reachable with errors.As only when its own text
// holds no part of the token, and errors.Is (context errors, errnos) sees
// through it either way.
type foreignError struct {
	text  string
	cause error
	clean bool
	retryInfo
}

// foreign wraps err (not nil) as a foreignError.
func foreign(s secret, err error) *foreignError {
	text := err.Error()
	return &foreignError{text: quote(s, text, 0, 400), cause: err, clean: s.scrub(text) == text}
}

func (e *foreignError) Error() string { return e.text }

// Unwrap returns the cause when its text is clean of the token.
func (e *foreignError) Unwrap() error {
	if e.clean {
		return e.cause
	}
	return nil
}

// Is reports whether the cause matches target.
func (e *foreignError) Is(target error) bool { return errors.Is(e.cause, target) }

// Timeout reports whether the cause was a timeout, as net.Error does.
func (e *foreignError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.cause, &t) && t.Timeout()
}

// runs returns where text holds runs of at least minRun characters of the
// token (or the whole of a shorter token), in any case, as it is or with
// up to escapeLevels layers of JSON, percent or HTML escapes undone,
// sorted and merged.
func (s secret) runs(text string) []span {
	token := lowerASCII(string(s))
	need := min(minRun, len(token))
	var found []span
	view, spans := lowerASCII(text), []span(nil)
	for level := 0; ; level++ {
		for i := 0; i+need <= len(view); i++ {
			k := longestRun(view[i:], token)
			if k < need {
				continue
			}
			start, end := i, i+k
			if spans != nil {
				start, end = spans[start].start, spans[end-1].end
			}
			found = append(found, span{start, end})
		}
		if level == escapeLevels {
			break
		}
		var next []span
		view, next = decodeEscapes(view)
		if spans != nil {
			for j, sp := range next {
				next[j] = span{spans[sp.start].start, spans[sp.end-1].end}
			}
		}
		spans = next
	}
	return mergeSpans(found)
}

// longestRun is the length of the longest prefix of text that occurs in token.
func longestRun(text, token string) int {
	best := 0
	for j := 0; j < len(token); j++ {
		k := 0
		for k < len(text) && j+k < len(token) && text[k] == token[j+k] {
			k++
		}
		best = max(best, k)
	}
	return best
}

// mergeSpans sorts spans by start and joins those that overlap or touch.
func mergeSpans(spans []span) []span {
	for i := 1; i < len(spans); i++ { // insertion sort: a handful of spans
		for j := i; j > 0 && spans[j].start < spans[j-1].start; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
	var out []span
	for _, sp := range spans {
		if n := len(out); n > 0 && sp.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, sp.end)
			continue
		}
		out = append(out, sp)
	}
	return out
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
		view = append(view, asciiLower(b))
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
		if len(s) > 2 && s[1] == '#' {
			// &#115; or &#x73;, and without the semicolon, as browsers read it.
			base, i := 10, 2
			if s[2] == 'x' {
				base, i = 16, 3
			}
			j := i
			for j < len(s) && j < i+7 && strings.IndexByte("0123456789abcdef"[:base], s[j]) >= 0 {
				j++
			}
			if r, err := strconv.ParseUint(s[i:j], base, 32); err == nil {
				if j < len(s) && s[j] == ';' {
					j++
				}
				return asciiOrZero(r), j
			}
		}
		if end := strings.IndexByte(s[:min(len(s), 10)], ';'); end > 0 {
			if b, ok := htmlEntities[s[1:end]]; ok {
				return b, end + 1
			}
		}
	}
	return s[0], 1
}

// lowerASCII lowers A to Z and keeps every other byte, so that offsets
// into the result are offsets into s.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = asciiLower(c)
	}
	return string(b)
}

func asciiLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func asciiOrZero(r uint64) byte {
	if r < 0x80 {
		return byte(r)
	}
	return 0
}

var jsonEscapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

var htmlEntities = map[string]byte{"lt": '<', "gt": '>', "amp": '&', "quot": '"', "apos": '\''}
