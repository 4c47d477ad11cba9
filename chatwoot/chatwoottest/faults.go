package chatwoottest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A Fault replaces the server's normal behaviour for matching requests.
// Faults are what a test wants the client to survive, so their replies are
// not checked against the spec.
//
// Faults wait in a queue (see Inject): a request is answered by the first
// fault that matches it (Account and Contact), and a fault is used up once
// it has answered Times requests.
//
// A fault answers in at most one way: with a reply of its own (Status, with
// ContentType, Header and Body), a cut normal reply (CutAfter), a dropped
// connection (Reset) or a redirect (RedirectTo); with none of them it only
// delays the normal reply (Delay), or lets it through (PassThrough). Inject
// refuses a fault that cannot be served as written.
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
	// normal reply. Zero keeps the normal reply. ContentType, Header and
	// Body need a Status.
	//
	// A 1xx Status is sent as the final reply, as a hostile or broken server
	// may: its status line and headers, then Body's bytes as they are (for
	// 101, the first bytes of the protocol switched to), then nothing: the
	// connection stays open and silent until the client closes it or the
	// server closes.
	//
	// A 429 whose Header has neither Date nor Retry-After is sent, as
	// RateLimited's is, with a Date one second before a minute ends. A
	// client that waits for the rate limit's next window by the server's
	// Date, as package chatwoot does after a 429 without Retry-After,
	// then waits about a second, not the rest of the real minute (up to
	// 60 s). Set a Date (see RateLimitedFor) or a Retry-After in Header to
	// choose the wait.
	Status      int
	ContentType string
	Header      http.Header
	Body        string
	// CutAfter sends the normal reply's headers, with its full
	// Content-Length, and only its first CutAfter bytes, then closes the
	// connection. A CutAfter at or past the end of the reply would cut
	// nothing: the request is then answered with a 500 that says how long
	// the reply is, and the test fails (see Violations), so that a test
	// cannot pass without the cut it asked for.
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
//
// A fault that cannot be served as written (a Status outside 100 to 599
// other than 0, Times below Forever, a negative Delay or CutAfter, two ways
// of answering such as CutAfter with Status or Reset with Status, a Body
// without a Status or for a 204 or 304, a header net/http would not send as
// given) is refused, with a message that names the field: the test fails at
// once (t.Fatalf, through the testing.TB the server was made with). Without
// a testing.TB, the refusal is recorded in Violations and the server then
// answers every request with 500 and the message (ClearFaults does not
// undo it), so that a test cannot pass without the fault it asked for.
// The faults before the refused one are queued; the refused one and those
// after it are not.
func (s *Server) Inject(faults ...Fault) {
	if s.t != nil {
		s.t.Helper()
	}
	for i, f := range faults {
		if err := f.check(); err != nil {
			at := ""
			if len(faults) > 1 {
				at = fmt.Sprintf(" (fault %d of %d)", i+1, len(faults))
			}
			s.impossible(fmt.Errorf("chatwoottest: Inject%s: the fault cannot be served: %w", at, err))
			return
		}
		if f.Times == 0 {
			f.Times = 1
		}
		f.Header = f.Header.Clone()
		s.mu.Lock()
		s.faults = append(s.faults, f)
		s.mu.Unlock()
	}
}

// check says what makes f impossible to serve, naming the fields.
func (f *Fault) check() error {
	var problems []string
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	if f.Account < 0 {
		bad("Fault.Account %d is not an account id (give a positive id, or 0 for every account)", f.Account)
	}
	if f.Contact < 0 {
		bad("Fault.Contact %d is not a contact id (give a positive id, or 0 for every contact)", f.Contact)
	}
	if f.Times < Forever {
		bad("Fault.Times %d is below Forever (give 0 or 1 for one request, n for n, Forever for all)", f.Times)
	}
	if f.Delay < 0 {
		bad("Fault.Delay %v is negative", f.Delay)
	}
	if f.CutAfter < 0 {
		bad("Fault.CutAfter %d is negative", f.CutAfter)
	}
	if f.Status != 0 && (f.Status < 100 || f.Status > 599) {
		bad("Fault.Status %d is not an HTTP status (100 to 599, or 0 for the normal reply)", f.Status)
	}
	var answers []string
	for name, set := range map[string]bool{"Status": f.Status != 0, "CutAfter": f.CutAfter > 0, "Reset": f.Reset, "RedirectTo": f.RedirectTo != ""} {
		if set {
			answers = append(answers, "Fault."+name)
		}
	}
	if len(answers) > 1 {
		slices.Sort(answers)
		bad("%s each answer the request: choose one (Status sends a reply of its own, CutAfter cuts the normal reply, Reset drops the connection, RedirectTo answers 302)", strings.Join(answers, " and "))
	}
	if f.Status == 0 {
		var extras []string
		for name, set := range map[string]bool{"ContentType": f.ContentType != "", "Header": len(f.Header) > 0, "Body": f.Body != ""} {
			if set {
				extras = append(extras, "Fault."+name)
			}
		}
		if extras != nil {
			slices.Sort(extras)
			bad("%s without a Fault.Status: only a reply of the fault's own carries them", strings.Join(extras, " and "))
		}
	}
	if (f.Status == http.StatusNoContent || f.Status == http.StatusNotModified) && f.Body != "" {
		bad("Fault.Body with Fault.Status %d: a %d reply has no body (net/http would drop it)", f.Status, f.Status)
	}
	if strings.ContainsFunc(f.ContentType, isCTL) {
		bad("Fault.ContentType %q holds a control character, which net/http would not send as given", f.ContentType)
	}
	if strings.ContainsFunc(f.RedirectTo, isCTL) {
		bad("Fault.RedirectTo %q holds a control character, which net/http would not send as given", f.RedirectTo)
	}
	for name, values := range f.Header {
		if name == "" || strings.ContainsFunc(name, func(r rune) bool { return !isTokenRune(r) }) {
			bad("Fault.Header name %q is not an HTTP field name (net/http would drop it)", name)
		}
		for _, v := range values {
			if strings.ContainsAny(v, "\r\n\x00") {
				bad("Fault.Header %q value %q holds CR, LF or NUL, which net/http would not send as given", name, v)
			}
		}
		if http.CanonicalHeaderKey(name) == "Content-Length" && f.Status >= 200 {
			var n int64 = -1
			var err error
			if len(values) == 1 {
				n, err = strconv.ParseInt(values[0], 10, 64)
			}
			if err != nil || n < int64(len(f.Body)) {
				bad("Fault.Header Content-Length %q is not a length of at least len(Fault.Body) = %d (net/http would drop it or cut the body; a longer one sends a cut reply)", values, len(f.Body))
			}
		}
	}
	if problems == nil {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(problems, "; "))
}

func isCTL(r rune) bool { return r < 0x20 || r == 0x7f }

// isTokenRune reports whether r may appear in an HTTP field name (RFC 9110
// token).
func isTokenRune(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("!#$%&'*+-.^_`|~", r)
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
// a minute. RateLimitedFor chooses the wait; WithRateLimit makes the server
// count requests as rack-attack does.
func RateLimited() Fault { return RateLimitedFor(time.Second) }

// RateLimitedFor is RateLimited with a Date header that puts the end of the
// rate limit's minute d later (whole seconds, 1 to 60).
func RateLimitedFor(d time.Duration) Fault {
	f := StatusFault(http.StatusTooManyRequests, "text/plain", "Retry later\n")
	f.Header = http.Header{"Date": {windowEndDate(time.Now(), d)}}
	return f
}

// windowEndDate is a Date header for a 429 from which a client that waits
// for the end of the rate limit's minute by the server's clock (Chatwoot's
// windows are Unix minutes) computes a wait of d, rounded up to whole
// seconds (HTTP dates have no finer ones) and kept within 1 to 60 s: a
// minute's end, less d. It is near now, but not now.
func windowEndDate(now time.Time, d time.Duration) string {
	secs := min(max(int64((d+time.Second-1)/time.Second), 1), 60)
	minute := now.UTC().Truncate(time.Minute)
	return minute.Add(time.Minute - time.Duration(secs)*time.Second).Format(http.TimeFormat)
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
func (f *Fault) apply(s *Server, w *statusWriter, r *http.Request, normal replyData) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	switch {
	case f.Reset:
		reset(w)
	case f.RedirectTo != "":
		http.Redirect(w, r, f.RedirectTo, http.StatusFound)
	case f.CutAfter > 0 && f.CutAfter >= len(normal.body):
		s.violation(w, fmt.Errorf("chatwoottest: Fault{CutAfter: %d} cuts nothing: the %d reply it would cut is only %d bytes (give a CutAfter below %[3]d)", f.CutAfter, normal.status, len(normal.body)))
	case f.CutAfter > 0:
		w.Header().Set("Content-Type", normal.contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(normal.body)))
		w.WriteHeader(normal.status)
		_, _ = w.Write(normal.body[:f.CutAfter])
		_ = http.NewResponseController(w).Flush()
		closeConnection(w)
	case f.Status >= 200:
		for k, v := range f.Header {
			w.Header()[k] = v
		}
		if f.ContentType != "" {
			w.Header().Set("Content-Type", f.ContentType)
		}
		if f.Status == http.StatusTooManyRequests && !hasHeader(f.Header, "Date") && !hasHeader(f.Header, "Retry-After") {
			w.Header().Set("Date", windowEndDate(time.Now(), time.Second))
		}
		w.WriteHeader(f.Status)
		_, _ = io.WriteString(w, f.Body)
	case f.Status != 0:
		s.informational(w, f)
	default:
		return false // a pure delay, or a pass-through: then answer normally
	}
	return true
}

// hasHeader reports whether h has the field name, in any case.
func hasHeader(h http.Header, name string) bool {
	for k := range h {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

// informational sends a 1xx status line and headers as the final reply,
// then Body, then holds the connection open without a word until the
// client closes it or the server closes.
func (s *Server) informational(w *statusWriter, f *Fault) {
	h := w.Header().Clone()
	for k, v := range f.Header {
		h[k] = v
	}
	if f.ContentType != "" {
		h.Set("Content-Type", f.ContentType)
	}
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.hijacked[conn] = struct{}{}
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.hijacked, conn)
		s.mu.Unlock()
		_ = conn.Close()
	}()
	if closed {
		return
	}
	s.setStatus(w.i, f.Status)
	_, _ = fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", f.Status, http.StatusText(f.Status))
	_ = h.Write(buf)
	_, _ = buf.WriteString("\r\n" + f.Body)
	if buf.Flush() != nil {
		return
	}
	_, _ = io.Copy(io.Discard, bufio.NewReader(conn)) // until the client or Close ends it
}

// reset writes the start of a status line and drops the connection with a
// TCP reset.
func reset(w http.ResponseWriter) {
	conn, buf, err := http.NewResponseController(w).Hijack()
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
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
	}
}

// WithRateLimit makes the server limit each client address (the remote IP)
// to n requests per window, as Chatwoot's rack-attack does (3000 a minute
// by default), so that a job can be tested against a limit in a second
// rather than a minute. Windows are fixed and aligned to Unix time (the
// window of a request is its arrival time divided by window), and every
// request counts, refused ones too. Over the limit, the server answers as
// rack-attack does, before anything else (token, faults, the spec): 429,
// Content-Type text/plain, "Retry later\n", no Retry-After.
//
// Its Date header is not the true time: it is chosen so that a client that
// waits for the end of a one-minute window by the server's Date (Chatwoot's
// rule, which package chatwoot follows) waits until the end of this
// server's window. HTTP dates have whole seconds, so the wait is the time
// left in the window rounded up to a second: with windows under a second,
// a client waits a second or so, and then finds a new window.
//
// n must be at least 1 and window between 1 ns and a minute (a longer one
// cannot be told in a Date that way); NewServer refuses others as Inject
// refuses an impossible fault.
func WithRateLimit(n int, window time.Duration) Option {
	return func(s *Server) {
		if n < 1 || window <= 0 || window > time.Minute {
			s.optErrs = append(s.optErrs, fmt.Errorf("chatwoottest: WithRateLimit(%d, %v) cannot be served: n must be at least 1 and the window between 1ns and 1m", n, window))
			return
		}
		s.limit = &rateLimit{n: n, window: window, seen: map[string]windowCount{}}
	}
}

// rateLimit counts requests per client address in fixed windows.
type rateLimit struct {
	n      int
	window time.Duration

	mu   sync.Mutex
	seen map[string]windowCount
}

type windowCount struct {
	window int64 // the window's number: Unix time / window
	count  int
}

// refused counts a request from addr arriving at now, and reports whether
// it is over the limit.
func (l *rateLimit) refused(addr string, now time.Time) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	win := now.UnixNano() / int64(l.window)
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.seen[host]
	if c.window != win {
		c = windowCount{window: win}
	}
	c.count++
	l.seen[host] = c
	return c.count > l.n
}

// reply answers a request over the limit that arrived at now.
func (l *rateLimit) reply(w http.ResponseWriter, now time.Time) {
	end := time.Unix(0, (now.UnixNano()/int64(l.window)+1)*int64(l.window))
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Date", windowEndDate(now, end.Sub(now)))
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = io.WriteString(w, "Retry later\n")
}
