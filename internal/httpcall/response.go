package httpcall

import (
	"net/http"
	"time"

	"github.com/go-chatwoot/chatwoot-go/internal/redact"
)

// Response is what a call received besides the conversations: pass
// WithResponseInto(&r) to ListContactConversations to get it, for logs,
// metrics or a support ticket.
type Response struct {
	// StatusCode and Header are those of the last reply (0 and nil if no
	// reply came). Header holds at most 100 values, the token scrubbed
	// from each; a value over 1 KiB is cut, with "…" at its end.
	StatusCode int
	Header     http.Header
	// RequestID is the server's id for the request, from its X-Request-Id
	// header (Rails sends one): the key to the server's logs.
	RequestID string
	// Attempts is how many requests the call made (1 without retries); an
	// attempt that ended while waiting for the rate limiter is not one.
	Attempts int
	// Waited is the time the call spent waiting between attempts.
	Waited time.Duration
}

// record notes a reply in r, if the caller asked for it: a bounded copy
// of its head, whatever size the server sent.
func (r *Response) record(resp *http.Response, tok redact.Token) {
	if r == nil {
		return
	}
	quote := func(s string) string {
		if len(s) > 1<<10 {
			return redact.Quote(tok, s, 0, 1<<10) + "…"
		}
		return tok.Scrub(s)
	}
	r.StatusCode, r.RequestID = resp.StatusCode, requestID(resp.Header, tok)
	r.Header = make(http.Header, min(len(resp.Header), 100))
	n := 0
	for k, vs := range resp.Header {
		for _, v := range vs {
			if n++; n > 100 {
				return
			}
			k := quote(k)
			r.Header[k] = append(r.Header[k], quote(v))
		}
	}
}
