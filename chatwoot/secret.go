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
// body, a transport error), in case a server or proxy echoes it back.
func (s secret) scrub(text string) string {
	if s == "" {
		return text
	}
	return strings.ReplaceAll(text, string(s), redacted)
}
