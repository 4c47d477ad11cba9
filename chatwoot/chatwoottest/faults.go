package chatwoottest

import (
	"net/http"
	"strconv"
	"time"
)

// A Fault replaces the server's normal behaviour for one request. Faults are
// what a test wants the client to survive, so their replies are not checked
// against the spec.
type Fault struct {
	// Delay waits this long before answering (or until the client gives up).
	Delay time.Duration
	// Status, with ContentType, Header and Body, is sent instead of the
	// normal reply. Zero keeps the normal reply.
	Status      int
	ContentType string
	Header      http.Header
	Body        string
	// CutAfter sends the normal reply's headers, with its full
	// Content-Length, and only its first CutAfter bytes, then closes the
	// connection.
	CutAfter int
	// Reset closes the connection without any reply.
	Reset bool
	// RedirectTo answers 302 with this Location.
	RedirectTo string
}

// Inject queues faults: each applies to one of the next requests, in order.
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// StatusFault answers with status, content type and body.
func StatusFault(status int, contentType, body string) Fault {
	return Fault{Status: status, ContentType: contentType, Body: body}
}

// RateLimited answers as Chatwoot's rack-attack does: 429, text/plain,
// "Retry later", and no Retry-After header.
func RateLimited() Fault {
	return StatusFault(http.StatusTooManyRequests, "text/plain", "Retry later\n")
}

// Forbidden answers as Chatwoot Cloud (4.16+) does when the account's plan
// has no API access: 403 {"error":"API access is not enabled for this account"}.
func Forbidden() Fault {
	return StatusFault(http.StatusForbidden, jsonUTF8, `{"error":"API access is not enabled for this account"}`)
}

// DatabaseTimeout answers as Chatwoot 4.16+ does when a database query
// times out: 422 {"error":"The request took too long to complete. Please try again."}.
func DatabaseTimeout() Fault {
	return StatusFault(http.StatusUnprocessableEntity, jsonUTF8, `{"error":"The request took too long to complete. Please try again."}`)
}

// jsonUTF8 is the Content-Type of Chatwoot's JSON replies.
const jsonUTF8 = "application/json; charset=utf-8"

// apply carries out the fault and reports whether it answered the request.
func (f *Fault) apply(w http.ResponseWriter, r *http.Request, normal func() (int, string, []byte)) bool {
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return true
		}
	}
	switch {
	case f.Reset:
		closeConnection(w)
	case f.RedirectTo != "":
		http.Redirect(w, r, f.RedirectTo, http.StatusFound)
	case f.CutAfter > 0:
		status, contentType, body := normal()
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(body[:min(f.CutAfter, len(body))])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		closeConnection(w)
	case f.Status != 0:
		for k, v := range f.Header {
			w.Header()[k] = v
		}
		if f.ContentType != "" {
			w.Header().Set("Content-Type", f.ContentType)
		}
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
	default:
		return false // a pure delay: then answer normally
	}
	return true
}

// closeConnection drops the client's connection at once.
func closeConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	if conn, _, err := hj.Hijack(); err == nil {
		_ = conn.Close()
	}
}
