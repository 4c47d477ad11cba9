package chatwoottest

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"

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

	http *httptest.Server
	t    testing.TB

	mu         sync.Mutex
	accounts   map[int64]*account
	faults     []Fault
	requests   []Request
	violations []error
}

type account struct {
	member   bool // whether the token's user belongs to the account
	contacts map[int64][]chatwoot.Conversation
}

// Request is a request the server received.
type Request struct {
	Method, Path string
	Header       http.Header
}

// An Option configures a Server.
type Option func(*Server)

// WithToken makes the server accept token instead of a random one.
func WithToken(token string) Option { return func(s *Server) { s.Token = token } }

// WithoutSeedData starts the server with no accounts, for a test that adds
// exactly what it needs.
func WithoutSeedData() Option { return func(s *Server) { s.accounts = map[int64]*account{} } }

// NewServer starts a fake Chatwoot server on a loopback address. With a
// testing.TB, the server closes when the test ends and a spec violation fails
// the test; t may be nil outside tests, and then the caller must Close it.
// If the spec or the seed data cannot be loaded (a broken build of this
// module), NewServer reports it through t, or returns a server that answers
// every request with 500 and the reason.
func NewServer(t testing.TB, opts ...Option) *Server {
	s := &Server{t: t, Token: randomToken(), accounts: nil}
	for _, opt := range opts {
		opt(s)
	}
	if s.accounts == nil {
		s.accounts = map[int64]*account{}
		if err := s.seed(); err != nil {
			s.violate(err)
		}
	}
	if _, err := loadSpec(); err != nil {
		s.violate(err)
	}
	s.http = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.http.URL
	if t != nil {
		t.Cleanup(s.Close)
	}
	return s
}

// Close shuts the server down, waiting for requests in flight.
func (s *Server) Close() { s.http.Close() }

// Client returns a chatwoot.Client for this server with its token, and any
// further options.
func (s *Server) Client(opts ...chatwoot.Option) (*chatwoot.Client, error) {
	return chatwoot.NewClient(s.URL, append([]chatwoot.Option{chatwoot.WithAPIToken(s.Token)}, opts...)...)
}

// AddContact adds a contact without conversations (and its account, with
// the token's user as a member, if it is new).
func (s *Server) AddContact(accountID, contactID int64) {
	s.AddConversations(accountID, contactID)
}

// AddConversations adds conversations to a contact, creating the account and
// contact if needed. Each conversation's account_id is set to accountID and
// nil lists and maps are made empty, as the server renders them; anything
// else is served as given and must satisfy the spec. NewConversation makes a
// valid one to start from.
func (s *Server) AddConversations(accountID, contactID int64, convs ...chatwoot.Conversation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	acc := s.accounts[accountID]
	if acc == nil {
		acc = &account{member: true, contacts: map[int64][]chatwoot.Conversation{}}
		s.accounts[accountID] = acc
	}
	list := acc.contacts[contactID]
	for _, c := range convs {
		c.AccountID = accountID
		normalize(&c)
		list = append(list, c)
	}
	acc.contacts[contactID] = list
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
	return slices.Clone(s.requests)
}

// Violations returns the spec violations seen so far: requests or replies
// that api/openapi.yaml does not allow.
func (s *Server) Violations() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", newRequestID()) // as Rails does, on every reply
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone()})
	s.mu.Unlock()

	route, params, err := validateRequest(r)
	if err != nil {
		s.violation(w, err)
		return
	}
	account, _ := strconv.ParseInt(params["account_id"], 10, 64)
	contact, _ := strconv.ParseInt(params["contact_id"], 10, 64)
	fault := s.takeFault(account, contact)
	reply := func() (int, string, []byte) { return s.reply(r, params) }
	if fault != nil && fault.apply(w, r, reply) {
		return
	}
	status, contentType, body := reply()
	if err := validateResponse(r, route, status, contentType, body); err != nil {
		s.violation(w, err)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// reply is what Chatwoot 4.15 answers to r, checked in the server's order:
// the token, the account, then the contact.
func (s *Server) reply(r *http.Request, params map[string]string) (status int, contentType string, body []byte) {
	const jsonType = jsonUTF8
	token := r.Header.Get("Api-Access-Token")
	if token == "" {
		token = r.Header.Get("Api_access_token") // Rack reads the underscore spelling too
	}
	switch {
	case token == "":
		return http.StatusUnauthorized, jsonType, []byte(`{"errors":["You need to sign in or sign up before continuing."]}`)
	case token != s.Token:
		return http.StatusUnauthorized, jsonType, []byte(`{"error":"Invalid Access Token"}`)
	}
	// Both are integers: validateRequest checked them against the spec.
	accountID, _ := strconv.ParseInt(params["account_id"], 10, 64)
	contactID, _ := strconv.ParseInt(params["contact_id"], 10, 64)

	s.mu.Lock()
	acc := s.accounts[accountID]
	var convs []chatwoot.Conversation
	found := false
	if acc != nil && acc.member {
		convs, found = acc.contacts[contactID]
		convs = slices.Clone(convs)
	}
	s.mu.Unlock()

	switch {
	case acc == nil:
		return http.StatusNotFound, jsonType, []byte(`{"error":"Resource could not be found"}`)
	case !acc.member:
		return http.StatusUnauthorized, jsonType, []byte(`{"error":"You are not authorized to access this account"}`)
	case !found:
		return http.StatusNotFound, jsonType, []byte(`{"error":"Resource could not be found"}`)
	}
	slices.SortStableFunc(convs, func(a, b chatwoot.Conversation) int { return cmp.Compare(b.LastActivityAt, a.LastActivityAt) })
	convs = append([]chatwoot.Conversation{}, convs[:min(len(convs), maxConversations)]...) // [] not null when empty
	body, err := json.Marshal(map[string][]chatwoot.Conversation{"payload": convs})
	if err != nil {
		return http.StatusInternalServerError, jsonType, []byte(`{"status":500,"error":"Internal Server Error"}`)
	}
	return http.StatusOK, jsonType, body
}

// violation reports a spec violation: to the test, if there is one, and in
// a 500 reply, so that the client under test fails too.
func (s *Server) violation(w http.ResponseWriter, err error) {
	s.violate(err)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = fmt.Fprintf(w, "%v\n", err)
}

func (s *Server) violate(err error) {
	s.mu.Lock()
	s.violations = append(s.violations, err)
	s.mu.Unlock()
	if s.t != nil {
		s.t.Errorf("%v", err)
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
