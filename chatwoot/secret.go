package chatwoot

import (
	"fmt"
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

// scrub removes the token from text that came from elsewhere (a response
// body, a transport error), in case a server or proxy echoes it back. Text
// that was cut short (a capped read, a dropped connection) may end inside
// the token, so a beginning of it found at the end is redacted too. Scrub
// before cutting text yourself: a cut through the token leaves a part of it
// that no longer matches.
func (s secret) scrub(text string) string {
	if s == "" {
		return text
	}
	text = strings.ReplaceAll(text, string(s), redacted)
	for k := len(s) - 1; k >= 4; k-- {
		if strings.HasSuffix(text, string(s[:k])) {
			return text[:len(text)-k] + redacted
		}
	}
	return text
}

// excerpt quotes up to n bytes of body around offset, scrubbed first, with
// offset moved to where it lands in the scrubbed text.
func (s secret) excerpt(body []byte, offset int64, n int) string {
	text := string(body)
	if s != "" {
		before := strings.Count(text[:min(max(int(offset), 0), len(text))], string(s))
		offset += int64(before * (len(redacted) - len(s)))
	}
	return excerpt([]byte(s.scrub(text)), offset, n)
}
