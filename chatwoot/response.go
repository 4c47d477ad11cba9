package chatwoot

import (
	"net/http"
	"time"
)

// Response is what a call received besides the conversations: pass
// WithResponseInto(&r) to ListContactConversations to get it, for logs,
// metrics or a support ticket.
type Response struct {
	// StatusCode and Header are those of the last reply (0 and nil if no
	// reply came).
	StatusCode int
	Header     http.Header
	// RequestID is the server's id for the request, from its X-Request-Id
	// header (Rails sends one): the key to the server's logs.
	RequestID string
	// Attempts is how many requests the call made (1 without retries).
	Attempts int
	// Waited is the time the call spent waiting between attempts.
	Waited time.Duration
}

// record notes a reply in r, if the caller asked for it, with the token
// scrubbed from every header name and value.
func (r *Response) record(resp *http.Response, token secret) {
	if r == nil {
		return
	}
	r.StatusCode = resp.StatusCode
	r.Header = make(http.Header, len(resp.Header))
	for k, vs := range resp.Header {
		k = token.scrub(k)
		for _, v := range vs {
			r.Header[k] = append(r.Header[k], token.scrub(v))
		}
	}
	r.RequestID = requestID(resp.Header, token)
}
