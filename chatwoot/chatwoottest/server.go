package chatwoottest

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
)

// maxConversations is how many conversations Chatwoot returns at most.
const maxConversations = 20

// Server is a fake Chatwoot server on a loopback address.
type Server struct {
	// URL is the server's base URL, for chatwoot.NewClient.
	URL string
	// Token is the API access token the server accepts.
	Token string

	http     *httptest.Server
	t        testing.TB
	listener net.Listener
	limit    *rateLimit
	demo     int     // WithDemoContacts: how many contacts DemoAccountID holds; 0 for the seed's
	optErrs  []error // options that cannot be honoured, reported by NewServer

	mu         sync.Mutex
	accounts   map[int64]*account
	faults     []Fault
	requests   []Request
	violations []error
	broken     []string              // why every request is answered 500 (see refuse)
	hijacked   map[net.Conn]struct{} // connections held open by a 1xx fault
	closed     bool
}

type account struct {
	member   bool // whether the token's user belongs to the account
	contacts map[int64][]seeded
	// generated is the range of contact ids, first and past the last, whose
	// conversations DemoConversations makes when the contact is first used
	// (WithDemoContacts), unless contacts holds them.
	generated [2]int64
}

// conversations returns a contact's conversations and whether the contact
// exists, generating a demo contact's on first use. s.mu must be held.
func (a *account) conversations(contactID int64) ([]seeded, bool) {
	convs, ok := a.contacts[contactID]
	if !ok && contactID >= a.generated[0] && contactID < a.generated[1] {
		for _, c := range DemoConversations(contactID) {
			normalize(&c)
			convs = append(convs, seeded{conv: c})
		}
		ok = true
		a.contacts[contactID] = convs
	}
	return convs, ok
}

// seeded is one conversation of a contact: a Conversation added in Go,
// validated strictly with the reply it is in, or one added as raw JSON
// (AddRawConversation), served as given and checked on its own.
type seeded struct {
	conv chatwoot.Conversation
	raw  []byte // nil for a conversation added in Go
	err  error  // why a raw conversation cannot be served, reported when it was added
}

// Request is a request the server received.
type Request struct {
	// Method and Path are the request's method and URL path.
	Method, Path string
	// Header is the request's header, the token included.
	Header http.Header
	// RemoteAddr is the client's address, host:port; WithRateLimit counts
	// requests by its host.
	RemoteAddr string
	// Time is when the request arrived, by the server's clock: the time
	// WithRateLimit puts it in a window by.
	Time time.Time
	// Status is the status code of the reply's status line: the normal
	// reply's, a fault's, a refusal's (429, 500). It is 0 while the request
	// is in progress and when the server sent no status line: a Reset, or a
	// client that gave up during a Delay. A CutAfter reply has the normal
	// status, a 1xx Fault its 1xx.
	Status int
}

// An Option configures a Server.
type Option func(*Server)

// WithToken makes the server accept token instead of a random one. White
// space around it is dropped, as chatwoot.WithAPIToken drops it, so that a
// token read from a file with its newline works with Client. A token that
// is empty once trimmed cannot be served: NewServer refuses it as it
// refuses an impossible fault.
func WithToken(token string) Option {
	return func(s *Server) {
		if s.Token = strings.TrimSpace(token); s.Token == "" {
			s.optErrs = append(s.optErrs, fmt.Errorf("chatwoottest: WithToken(%q) cannot be served: the token is empty once its white space is trimmed", token))
			s.Token = randomToken()
		}
	}
}

// WithoutSeedData starts the server with no accounts, for a test that adds
// exactly what it needs.
func WithoutSeedData() Option { return func(s *Server) { s.accounts = map[int64]*account{} } }

// WithListener makes the server accept connections on l instead of a new
// loopback listener on a random port, for serving on a chosen address (as
// `chatwoot-conversations -serve-demo` does). The server closes l when it
// closes. URL names l's address; an address that listens on every
// interface (0.0.0.0, ::) is named by the loopback address of its family,
// which reaches it from this machine. A nil l changes nothing.
func WithListener(l net.Listener) Option { return func(s *Server) { s.listener = l } }

// NewServer starts a fake Chatwoot server on a loopback address. With a
// testing.TB, the server closes when the test ends and a spec violation fails
// the test; t may be nil outside tests, and then the caller must Close it.
//
// If the spec or the seed data cannot be loaded (a broken build of this
// module), or an option cannot be honoured (see WithRateLimit), NewServer
// reports it through t (at once, with Fatalf, for an option), and the
// server answers every request with 500 and the reason, so that nothing
// passes unnoticed when t is nil.
func NewServer(t testing.TB, opts ...Option) *Server {
	if t != nil {
		t.Helper()
	}
	s := &Server{t: t, Token: randomToken(), accounts: nil, hijacked: map[net.Conn]struct{}{}}
	for _, opt := range opts {
		if opt != nil {
			opt(s)
		}
	}
	if s.accounts == nil {
		s.accounts = map[int64]*account{}
		if err := s.seed(); err != nil {
			s.violate(err)
			s.refuse(err.Error())
		}
	}
	if s.demo > 0 {
		s.generateDemoContacts()
	}
	if _, err := loadSpec(); err != nil {
		s.violate(err)
		s.refuse(err.Error())
	}
	handler := http.HandlerFunc(s.serveHTTP)
	if s.listener == nil {
		s.http = httptest.NewServer(handler)
		s.URL = s.http.URL
	} else {
		s.http = httptest.NewUnstartedServer(handler)
		_ = s.http.Listener.Close() // the loopback listener it made; l replaces it
		s.http.Listener = s.listener
		s.http.Start()
		s.URL = "http://" + dialableAddr(s.listener.Addr())
	}
	if t != nil {
		t.Cleanup(s.Close)
	}
	for _, err := range s.optErrs {
		s.impossible(err)
	}
	return s
}

// dialableAddr is addr as a client on this machine can dial it: an address
// that listens on every interface is reached through loopback.
func dialableAddr(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return addr.String()
	}
	host := "127.0.0.1"
	if tcp.IP.To4() == nil {
		host = "::1"
	}
	return net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}

// Close shuts the server down, waiting for requests in flight, and drops the
// connections that 1xx faults hold open.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	for conn := range s.hijacked {
		_ = conn.Close()
	}
	s.mu.Unlock()
	s.http.Close()
}

// Client returns a chatwoot.Client for this server with its token, and any
// further options.
func (s *Server) Client(opts ...chatwoot.Option) (*chatwoot.Client, error) {
	return chatwoot.NewClient(s.URL, append([]chatwoot.Option{chatwoot.WithAPIToken(s.Token)}, opts...)...)
}

// AddContact adds a contact without conversations (and its account, with
// the token's user as a member, if it is new).
func (s *Server) AddContact(accountID, contactID int64) {
	s.add(accountID, contactID)
}

// AddConversations adds conversations to a contact, creating the account and
// contact if needed. Each conversation's account_id is set to accountID and
// nil lists and maps are made empty, as the server renders them; anything
// else is served as given and must satisfy the spec. NewConversation makes a
// valid one to start from.
func (s *Server) AddConversations(accountID, contactID int64, convs ...chatwoot.Conversation) {
	list := make([]seeded, 0, len(convs))
	for _, c := range convs {
		c.AccountID = accountID
		normalize(&c)
		list = append(list, seeded{conv: c})
	}
	s.add(accountID, contactID, list...)
}

// AddRawConversation adds a conversation given as JSON to a contact,
// creating the account and contact if needed: what a server newer or older
// than api/openapi.yaml sends, such as a key the spec does not describe, an
// enum value it does not list, an assignee or sender of a kind it does not
// know, or a key left out, while every other conversation in the same reply
// is still validated strictly.
//
// raw is served byte for byte as it is given (its account_id too), in its
// place by last_activity_at. It is accepted when package chatwoot decodes
// it (chatwoot.Conversation.UnmarshalJSON accepts it), whatever the spec
// says; how it differs from the spec beyond unknown keys and values (see
// Compare) is logged to the test (t.Logf), so that a slip in hand-written
// JSON shows with go test -v. JSON that is not one object, or that package
// chatwoot cannot decode, is a violation: it fails the test, and every
// reply that would hold the conversation is a 500 that says why.
func (s *Server) AddRawConversation(accountID, contactID int64, raw json.RawMessage) {
	if s.t != nil {
		s.t.Helper()
	}
	e := seeded{raw: bytes.Clone(bytes.TrimSpace(raw))}
	if !json.Valid(e.raw) {
		e.err = errors.New("the conversation is not valid JSON")
	} else if err := e.conv.UnmarshalJSON(e.raw); err != nil {
		e.err = fmt.Errorf("package chatwoot cannot decode it: %w", err)
	}
	if e.err != nil {
		e.err = fmt.Errorf("chatwoottest: AddRawConversation(%d, %d): %w", accountID, contactID, e.err)
		s.violate(e.err)
	} else if s.t != nil {
		if beyond := beyondUnknown(e.raw); beyond != "" {
			s.t.Logf("chatwoottest: AddRawConversation(%d, %d): accepted (package chatwoot decodes it), but it differs from api/openapi.yaml beyond the unknown keys and values a newer server may send: %s", accountID, contactID, beyond)
		}
	}
	s.add(accountID, contactID, e)
}

// beyondUnknown lists how one conversation differs from the spec, other
// than by unknown keys and values.
func beyondUnknown(raw []byte) string {
	diffs, err := Compare(slices.Concat([]byte(`{"payload":[`), raw, []byte(`]}`)))
	if err != nil {
		return err.Error()
	}
	var bad []string
	for _, d := range diffs {
		if d.Kind != UnknownKey && d.Kind != UnknownValue {
			d.Path = strings.TrimPrefix(d.Path, "/payload/0")
			bad = append(bad, d.String())
		}
	}
	return strings.Join(bad, "; ")
}

// add appends conversations to a contact, creating the account and contact
// if needed.
func (s *Server) add(accountID, contactID int64, convs ...seeded) {
	s.mu.Lock()
	defer s.mu.Unlock()
	acc := s.accounts[accountID]
	if acc == nil {
		acc = &account{member: true, contacts: map[int64][]seeded{}}
		s.accounts[accountID] = acc
	}
	old, _ := acc.conversations(contactID)
	acc.contacts[contactID] = append(old, convs...)
}

// normalize gives nil lists and maps the empty values the server sends.
func normalize(c *chatwoot.Conversation) {
	if c.Messages == nil {
		c.Messages = []chatwoot.Message{}
	}
	if c.Labels == nil {
		c.Labels = []string{}
	}
	for _, m := range []*chatwoot.FreeForm{&c.AdditionalAttributes, &c.CustomAttributes,
		&c.Meta.Sender.AdditionalAttributes, &c.Meta.Sender.CustomAttributes} {
		if len(*m) == 0 {
			*m = chatwoot.FreeForm("{}")
		}
	}
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.requests)
	for i := range out {
		out[i].Header = out[i].Header.Clone()
	}
	return out
}

// Violations returns the spec violations seen so far: requests or replies
// that api/openapi.yaml does not allow, and faults or options that cannot
// be served.
func (s *Server) Violations() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// statusWriter records the status the server sends in the request's record.
type statusWriter struct {
	http.ResponseWriter
	s      *Server
	i      int // the request's index in s.requests
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 && status >= 200 {
		w.status = status
		w.s.setStatus(w.i, status)
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the writer underneath, for Flush
// and Hijack.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) setStatus(i, status int) {
	s.mu.Lock()
	s.requests[i].Status = status
	s.mu.Unlock()
}

func (s *Server) serveHTTP(rw http.ResponseWriter, r *http.Request) {
	rw.Header().Set("X-Request-Id", newRequestID()) // as Rails does, on every reply
	now := time.Now()
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), RemoteAddr: r.RemoteAddr, Time: now})
	w := &statusWriter{ResponseWriter: rw, s: s, i: len(s.requests) - 1}
	broken := strings.Join(s.broken, "\n")
	s.mu.Unlock()

	if broken != "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = fmt.Fprintf(w, "%s\n", broken)
		return
	}
	if s.limit != nil && s.limit.refused(r.RemoteAddr, now) {
		s.limit.reply(w, now)
		return
	}
	route, params, err := validateRequest(r)
	if err != nil {
		s.violation(w, err)
		return
	}
	account, _ := strconv.ParseInt(params["account_id"], 10, 64)
	contact, _ := strconv.ParseInt(params["contact_id"], 10, 64)
	fault := s.takeFault(account, contact)
	rep := s.reply(r, params)
	if fault != nil && fault.apply(s, w, r, rep) {
		return
	}
	if rep.err != nil {
		s.refusal(w, rep.err) // reported when the conversation was added
		return
	}
	if err := validateResponse(r, route, rep.status, rep.contentType, rep.strict); err != nil {
		s.violation(w, err)
		return
	}
	w.Header().Set("Content-Type", rep.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// replyData is the server's normal reply to a request.
type replyData struct {
	status      int
	contentType string
	body        []byte // what is sent
	strict      []byte // what is validated against the spec: body without raw conversations
	err         error  // a raw conversation that cannot be served
}

// reply is what Chatwoot 4.15 answers to r, checked in the server's order:
// the token, the account, then the contact.
func (s *Server) reply(r *http.Request, params map[string]string) replyData {
	plain := func(status int, body string) replyData {
		return replyData{status: status, contentType: jsonUTF8, body: []byte(body), strict: []byte(body)}
	}
	token := r.Header.Get("Api-Access-Token")
	if token == "" {
		token = r.Header.Get("Api_access_token") // Rack reads the underscore spelling too
	}
	switch {
	case token == "":
		return plain(http.StatusUnauthorized, `{"errors":["You need to sign in or sign up before continuing."]}`)
	case token != s.Token:
		return plain(http.StatusUnauthorized, `{"error":"Invalid Access Token"}`)
	}
	// Both are integers: validateRequest checked them against the spec.
	accountID, _ := strconv.ParseInt(params["account_id"], 10, 64)
	contactID, _ := strconv.ParseInt(params["contact_id"], 10, 64)

	s.mu.Lock()
	acc := s.accounts[accountID]
	var convs []seeded
	found := false
	if acc != nil && acc.member {
		convs, found = acc.conversations(contactID)
		convs = slices.Clone(convs)
	}
	s.mu.Unlock()

	switch {
	case acc == nil:
		return plain(http.StatusNotFound, `{"error":"Resource could not be found"}`)
	case !acc.member:
		return plain(http.StatusUnauthorized, `{"error":"You are not authorized to access this account"}`)
	case !found:
		return plain(http.StatusNotFound, `{"error":"Resource could not be found"}`)
	}
	slices.SortStableFunc(convs, func(a, b seeded) int { return cmp.Compare(b.conv.LastActivityAt, a.conv.LastActivityAt) })
	convs = convs[:min(len(convs), maxConversations)]
	all, strict := []byte(`{"payload":[`), []byte(`{"payload":[`)
	var rawErr error
	for _, c := range convs {
		item := c.raw
		if c.raw == nil {
			b, err := json.Marshal(c.conv)
			if err != nil {
				return plain(http.StatusInternalServerError, `{"status":500,"error":"Internal Server Error"}`)
			}
			item = b
			strict = appendItem(strict, item)
		}
		rawErr = cmp.Or(rawErr, c.err)
		all = appendItem(all, item)
	}
	all, strict = append(all, "]}"...), append(strict, "]}"...)
	return replyData{status: http.StatusOK, contentType: jsonUTF8, body: all, strict: strict, err: rawErr}
}

// appendItem appends one element to a JSON array being written.
func appendItem(list, item []byte) []byte {
	if list[len(list)-1] != '[' {
		list = append(list, ',')
	}
	return append(list, item...)
}

// violation reports a spec violation: to the test, if there is one, and in
// a 500 reply, so that the client under test fails too.
func (s *Server) violation(w http.ResponseWriter, err error) {
	s.violate(err)
	s.refusal(w, err)
}

// refusal answers 500 with err, already reported.
func (s *Server) refusal(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = fmt.Fprintf(w, "%v\n", err)
}

func (s *Server) violate(err error) {
	s.mu.Lock()
	s.violations = append(s.violations, err)
	s.mu.Unlock()
	if s.t != nil {
		s.t.Helper()
		s.t.Errorf("%v", err)
	}
}

// refuse makes the server answer every request from now on with 500 and
// why: what it was asked cannot be served, and it must not pass silently.
func (s *Server) refuse(why string) {
	s.mu.Lock()
	s.broken = append(s.broken, why)
	s.mu.Unlock()
}

// impossible reports something the server was asked and cannot serve: a
// violation, every request answered 500, and the test stopped at once.
func (s *Server) impossible(err error) {
	s.mu.Lock()
	s.violations = append(s.violations, err)
	s.mu.Unlock()
	s.refuse(err.Error())
	if s.t != nil {
		s.t.Helper()
		s.t.Fatalf("%v", err)
	}
}

// newRequestID makes an id like the UUIDs Rails puts in X-Request-Id.
func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func randomToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return "cwtest" + hex.EncodeToString(b)
}
