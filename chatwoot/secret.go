package chatwoot

import (
	"fmt"
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
	view, spans := decodeEscapes(text)
	lowerView := strings.ToLower(view)
	token := strings.ToLower(string(s))
	var cuts []span // in text, in order, not overlapping
	for from := 0; ; {
		i := strings.Index(lowerView[from:], token)
		if i < 0 {
			break
		}
		start, end := from+i, from+i+len(token)
		cuts = append(cuts, span{spans[start].start, spans[end-1].end})
		from = end
	}
	lastEnd := 0
	if len(cuts) > 0 {
		lastEnd = cuts[len(cuts)-1].end
	}
	for k := len(token) - 1; k >= minPrefix; k-- {
		if strings.HasSuffix(lowerView, token[:k]) {
			if start := spans[len(view)-k].start; start >= lastEnd {
				cuts = append(cuts, span{start, len(text)})
			}
			break
		}
	}
	if len(cuts) == 0 {
		return text
	}
	var b strings.Builder
	at := 0
	for _, c := range cuts {
		b.WriteString(text[at:c.start])
		b.WriteString(redacted)
		at = c.end
	}
	b.WriteString(text[at:])
	return b.String()
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

func asciiOrZero(r uint64) byte {
	if r < 0x80 {
		return byte(r)
	}
	return 0
}

var jsonEscapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

var htmlEntities = map[string]byte{"lt": '<', "gt": '>', "amp": '&', "quot": '"', "apos": '\''}

// excerpt quotes up to n bytes of body around offset, scrubbed first (a cut
// through the token would leave a part of it that no longer matches), with
// offset moved to where it lands in the scrubbed text.
func (s secret) excerpt(body []byte, offset int64, n int) string {
	offset = min(max(offset, 0), int64(len(body)))
	before := s.scrub(string(body[:offset]))
	all := s.scrub(string(body))
	// Where the text before offset ends in the scrubbed whole: the same
	// scrubbed prefix, unless a redaction spans offset.
	at := int64(len(before))
	if !strings.HasPrefix(all, before) {
		at = int64(len(commonPrefix(all, before)))
	}
	return excerpt([]byte(all), at, n)
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
