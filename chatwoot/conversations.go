package chatwoot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/go-chatwoot/chatwoot-go/gen"
)

// ListContactConversations returns the conversations of contact contactID in
// account accountID: at most 20, of every status, newest activity first, as
// Chatwoot sends them (there is no paging). Conversations in inboxes the
// token's user cannot see are left out; a user without permission gets an
// empty list, not an error.
//
// Errors: ids below 1 are refused before any request. A status other than
// 200 is an *APIError (errors.Is matches ErrUnauthorized, ErrForbidden,
// ErrNotFound, ErrServerTimeout, ErrRateLimited); a 200 whose body is not
// the expected JSON is a *DecodeError. When ctx ends, the error matches
// ctx.Err() with errors.Is. No error holds the token, whatever the server
// or a proxy echoes back.
//
// Options given here apply to this call only: WithMaxRetries, WithTimeout,
// WithMaxRetryWait, WithLogger and WithResponseInto.
func (c *Client) ListContactConversations(ctx context.Context, accountID, contactID int64, opts ...Option) ([]Conversation, error) {
	if c == nil {
		return nil, errors.New("chatwoot: ListContactConversations on a nil *Client: make one with NewClient")
	}
	return c.listContactConversations(ctx, accountID, contactID, opts)
}

func (c *Client) listContactConversations(ctx context.Context, accountID, contactID int64, opts []Option) ([]Conversation, error) {
	call := c.defaults
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&call); err != nil {
			return nil, err
		}
	}
	if name := clientOnly(&call, &c.defaults); name != "" {
		return nil, fmt.Errorf("chatwoot: ListContactConversations: %s is for a Client: pass it to NewClient", name)
	}
	if ctx == nil {
		return nil, errors.New("chatwoot: ListContactConversations: the context is nil: pass context.Background() or a context with a deadline")
	}
	if accountID < 1 {
		return nil, fmt.Errorf("chatwoot: ListContactConversations: account id %d is not a positive integer: use the number after /app/accounts/ in Chatwoot's address bar", accountID)
	}
	if contactID < 1 {
		return nil, fmt.Errorf("chatwoot: ListContactConversations: contact id %d is not a positive integer: use the number after /contacts/ in Chatwoot's address bar", contactID)
	}
	req, err := gen.NewListContactConversationsRequest(c.server, accountID, contactID)
	if err != nil {
		return nil, fmt.Errorf("chatwoot: ListContactConversations: build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	var convs []Conversation
	err = c.send(ctx, req, &call, func(resp *http.Response) error {
		var derr *DecodeError
		if convs, derr = decodeConversations(resp.Body, resp.Header.Get("Content-Type"), resp.ContentLength, c.maxBody, *c.token); derr != nil {
			derr.StatusCode, derr.Method, derr.URL = resp.StatusCode, req.Method, c.quoteURL(req.URL)
			derr.RequestID = requestID(resp.Header, *c.token)
			return derr
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return convs, nil
}

// readAPIError turns a reply with a status other than 200 into an *APIError,
// reading at most maxErrorBody bytes of its body and closing it.
func (c *Client) readAPIError(req *http.Request, resp *http.Response) *APIError {
	body := readErrorBody(resp.Body)
	drainAndClose(resp.Body)
	ct := resp.Header.Get("Content-Type")
	e := &APIError{
		StatusCode:  resp.StatusCode,
		ContentType: quote(*c.token, ct, 0, 200),
		Method:      req.Method,
		URL:         c.quoteURL(req.URL),
		RequestID:   requestID(resp.Header, *c.token),
		Message:     errorMessage(ct, body, *c.token),
		Body:        quote(*c.token, body, 0, maxExcerpt),
	}
	if wait, ok := c.retryPolicy.retryAfter(resp.Header); ok {
		e.RetryAfter = wait
	}
	return e
}

// requestID returns the id the server gave the request (Rails sends
// X-Request-Id), for matching an error with the server's logs.
func requestID(h http.Header, token secret) string {
	return quote(token, h.Get("X-Request-Id"), 0, 128)
}

// quoteURL names a request's URL for an error or a log line.
func (c *Client) quoteURL(u *url.URL) string { return quote(*c.token, redactURL(u), 0, 400) }
