package chatwoottest

import (
	"net"
	"net/http"
	"strconv"
	"time"
)

// A Fault replaces the server's normal behaviour for matching requests.
// Faults are what a test wants the client to survive, so their replies are
// not checked against the spec.
//
// Faults wait in a queue (see Inject): a request is answered by the first
// fault that matches it (Account and Contact), and a fault is used up once
// it has answered Times requests.
type Fault struct {
	// Account and Contact, when not 0, make the fault answer only requests
	// for that account, or that contact: the others go on as normal.
	Account, Contact int64
	// Times is how many matching requests the fault answers: 0 or 1 for
	// one, Forever for all of them.
	Times int

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
	// Reset drops the connection without a reply. The fake writes a few
	// bytes of a status line first, so that every Reset costs the client
	// exactly one attempt: net/http retries a request by itself, once, when
	// a connection it reused closes before any byte of a reply.
	Reset bool
	// RedirectTo answers 302 with this Location.
	RedirectTo string
}

// Forever is the Times of a fault that answers every matching request.
const Forever = -1

// Inject queues faults for the requests to come.
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range faults {
		if f.Times == 0 {
			f.Times = 1
		}
		s.faults = append(s.faults, f)
	}
}

// ClearFaults removes the faults still queued.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the first queued fault that matches the request for
// account and contact, counting it used, or nil.
func (s *Server) takeFault(account, contact int64) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.faults {
		f := s.faults[i]
		if f.Account != 0 && f.Account != account || f.Contact != 0 && f.Contact != contact {
			continue
		}
		if f.Times != Forever {
			s.faults[i].Times--
			if s.faults[i].Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &f
	}
	return nil
}

// PassThrough answers normally: in a sequence of faults, a request that
// goes through.
func PassThrough() Fault { return Fault{} }

// StatusFault answers with status, content type and body.
func StatusFault(status int, contentType, body string) Fault {
	return Fault{Status: status, ContentType: contentType, Body: body}
}

// RateLimited answers as Chatwoot's rack-attack does: 429, text/plain,
// "Retry later", no Retry-After header. Its Date header says the rate
// limit's minute ends one second later, so a client that waits for the
// next window (as package chatwoot does) waits about a second, not up to
// a minute. RateLimitedFor chooses the wait.
func RateLimited() Fault { return RateLimitedFor(time.Second) }

// RateLimitedFor is RateLimited with a Date header that puts the end of the
// rate limit's minute d later (whole seconds, 1 to 60).
func RateLimitedFor(d time.Duration) Fault {
	secs := min(max(int64((d+time.Second-1)/time.Second), 1), 60)
	minute := time.Now().UTC().Truncate(time.Minute)
	date := minute.Add(time.Minute - time.Duration(secs)*time.Second)
	f := StatusFault(http.StatusTooManyRequests, "text/plain", "Retry later\n")
	f.Header = http.Header{"Date": {date.Format(http.TimeFormat)}}
	return f
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
		reset(w)
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
		return false // a pure delay, or a pass-through: then answer normally
	}
	return true
}

// reset writes the start of a status line and drops the connection with a
// TCP reset.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	_, _ = buf.WriteString("HTTP/1.1 5")
	_ = buf.Flush()
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0) // a reset, not an orderly close
	}
	_ = conn.Close()
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
