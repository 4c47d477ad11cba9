package chatwoottest_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// fatalTB stands in for the test that uses the server: it records what the
// server reports, and Fatalf stops the goroutine, as testing's does.
type fatalTB struct {
	testing.TB
	mu     sync.Mutex
	fatals []string
	errors []string
}

func (f *fatalTB) Helper()        {}
func (f *fatalTB) Cleanup(func()) {}

func (f *fatalTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.fatals = append(f.fatals, fmt.Sprintf(format, args...))
	f.mu.Unlock()
	runtime.Goexit()
}

func (f *fatalTB) Fatals() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.fatals...)
}

// inGoroutine runs fn as a test body would run, and reports whether it ran
// to its end (false: Fatalf stopped it).
func inGoroutine(fn func()) (finished bool) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
		finished = true
	}()
	<-done
	return finished
}

var demoPath = fmt.Sprintf("/api/v1/accounts/%d/contacts/%d/conversations", chatwoottest.DemoAccountID, chatwoottest.DemoContactID)

func TestInject_RefusesAFaultThatCannotBeServed(t *testing.T) {
	tests := []struct {
		name  string
		fault chatwoottest.Fault
		want  []string // in the message: the fields at fault
	}{
		{"a status below 100 (the issue's case)", chatwoottest.Fault{Status: 42}, []string{"Fault.Status 42", "100 to 599"}},
		{"a status above 599", chatwoottest.Fault{Status: 600}, []string{"Fault.Status 600"}},
		{"a negative status", chatwoottest.Fault{Status: -200}, []string{"Fault.Status -200"}},
		{"Times below Forever", chatwoottest.Fault{Status: 503, Times: -2}, []string{"Fault.Times -2", "Forever"}},
		{"CutAfter with Status", chatwoottest.Fault{Status: 200, CutAfter: 10}, []string{"Fault.CutAfter and Fault.Status"}},
		{"Reset with Status", chatwoottest.Fault{Status: 503, Reset: true}, []string{"Fault.Reset and Fault.Status"}},
		{"RedirectTo with Status", chatwoottest.Fault{Status: 301, RedirectTo: "https://elsewhere.example/"}, []string{"Fault.RedirectTo and Fault.Status"}},
		{"Reset with CutAfter", chatwoottest.Fault{Reset: true, CutAfter: 3}, []string{"Fault.CutAfter and Fault.Reset"}},
		{"a negative Delay", chatwoottest.Fault{Delay: -time.Second}, []string{"Fault.Delay -1s"}},
		{"a negative CutAfter", chatwoottest.Fault{CutAfter: -1}, []string{"Fault.CutAfter -1"}},
		{"a Body without a Status", chatwoottest.Fault{Body: "boom"}, []string{"Fault.Body without a Fault.Status"}},
		{"a Body with a Reset", chatwoottest.Fault{Reset: true, Body: "boom", ContentType: "text/plain"}, []string{"Fault.Body and Fault.ContentType without a Fault.Status"}},
		{"a Header with a redirect", chatwoottest.Fault{RedirectTo: "/x", Header: http.Header{"X-A": {"1"}}}, []string{"Fault.Header without a Fault.Status"}},
		{"a body for a 204", chatwoottest.Fault{Status: 204, Body: "x"}, []string{"Fault.Body with Fault.Status 204"}},
		{"a body for a 304", chatwoottest.Fault{Status: 304, Body: "x"}, []string{"Fault.Body with Fault.Status 304"}},
		{"a negative account", chatwoottest.Fault{Account: -3, Status: 500}, []string{"Fault.Account -3"}},
		{"a negative contact", chatwoottest.Fault{Contact: -1, Status: 500}, []string{"Fault.Contact -1"}},
		{"a header value with CRLF", chatwoottest.Fault{Status: 200, Header: http.Header{"X-A": {"1\r\nSet-Cookie: x=1"}}}, []string{`Fault.Header "X-A"`, "CR, LF or NUL"}},
		{"a header name with a space", chatwoottest.Fault{Status: 200, Header: http.Header{"X A": {"1"}}}, []string{`Fault.Header name "X A"`}},
		{"a content type with LF", chatwoottest.Fault{Status: 200, ContentType: "text/html\nX: y"}, []string{"Fault.ContentType"}},
		{"a redirect with CR", chatwoottest.Fault{RedirectTo: "/x\rY"}, []string{"Fault.RedirectTo"}},
		{"a Content-Length shorter than the body", chatwoottest.Fault{Status: 200, Body: "12345", Header: http.Header{"Content-Length": {"2"}}}, []string{"Content-Length"}},
		{"a Content-Length that is not a number", chatwoottest.Fault{Status: 200, Header: http.Header{"Content-Length": {"lots"}}}, []string{"Content-Length"}},
		{"two Content-Lengths", chatwoottest.Fault{Status: 200, Body: "ab", Header: http.Header{"Content-Length": {"2", "3"}}}, []string{"Content-Length"}},
		{"a short content-length, in lower case", chatwoottest.Fault{Status: 200, Body: "abc", Header: http.Header{"content-length": {"1"}}}, []string{"Content-Length"}},
		{"several problems at once", chatwoottest.Fault{Status: 42, Times: -5, Delay: -1}, []string{"Fault.Status 42", "Fault.Times -5", "Fault.Delay"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := &fatalTB{TB: t}
			srv := chatwoottest.NewServer(tb)
			defer srv.Close()
			finished := inGoroutine(func() { srv.Inject(chatwoottest.PassThrough(), tt.fault) })
			assert.False(t, finished, "the test stops at Inject")
			fatals := tb.Fatals()
			require.Len(t, fatals, 1)
			assert.Contains(t, fatals[0], "fault 2 of 2")
			for _, want := range tt.want {
				assert.Contains(t, fatals[0], want)
			}
			require.Len(t, srv.Violations(), 1)
			assert.Equal(t, fatals[0], srv.Violations()[0].Error())

			// And it cannot pass silently: the server answers 500 from
			// now on, whatever was queued before.
			for range 2 {
				status, _, body := get(t, srv.URL+demoPath, http.Header{"Api-Access-Token": {srv.Token}})
				assert.Equal(t, http.StatusInternalServerError, status)
				assert.Contains(t, body, tt.want[0])
			}
		})
	}
}

// Without a testing.TB, nothing stops the caller: the refusal is a
// violation and every request a 500 that names the field, for good.
func TestInject_WithoutATestTheServerAnswers500(t *testing.T) {
	srv := chatwoottest.NewServer(nil)
	defer srv.Close()
	require.NotPanics(t, func() { srv.Inject(chatwoottest.Fault{Status: 42}) })
	srv.ClearFaults()
	c := client(t, srv)
	for range 3 {
		_, err := c.ListContactConversations(context.Background(), chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
		var apiErr *chatwoot.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 500, apiErr.StatusCode)
		assert.Contains(t, err.Error(), "Fault.Status 42")
	}
	require.Len(t, srv.Violations(), 1)
	assert.Contains(t, srv.Violations()[0].Error(), "Fault.Status 42")
}

// The refusal is not a list of everything unusual: faults that can be
// served are queued, and serve.
func TestInject_AcceptsEveryFaultThatCanBeServed(t *testing.T) {
	for _, f := range []chatwoottest.Fault{
		{}, {Times: chatwoottest.Forever}, {Times: 3, Delay: time.Millisecond},
		{Status: 100}, {Status: 101, Body: "\x00\x01"}, {Status: 103, Header: http.Header{"Link": {"</a.css>; rel=preload"}}},
		{Status: 599, Body: "odd"}, {Status: 204}, {Status: 429},
		{Status: 200, Body: "abc", Header: http.Header{"Content-Length": {"10"}}},
		{Status: 503, ContentType: "text/html", Header: http.Header{"Retry-After": {"1"}}, Body: "<html></html>"},
		{Reset: true, Delay: time.Millisecond}, {CutAfter: 1}, {RedirectTo: "https://elsewhere.example/x"},
		{Account: 3, Contact: 4821, Status: 404},
		chatwoottest.RateLimited(), chatwoottest.Forbidden(), chatwoottest.DatabaseTimeout(), chatwoottest.PassThrough(),
	} {
		tb := &fatalTB{TB: t}
		srv := chatwoottest.NewServer(tb)
		assert.True(t, inGoroutine(func() { srv.Inject(f) }), "%+v is refused: %v", f, tb.Fatals())
		assert.Empty(t, srv.Violations())
		srv.Close()
	}
}

// A 1xx status is sent as the final reply, then silence: the connection
// stays open, and nothing else comes, until the server closes.
func TestFaults_InformationalStatusThenSilence(t *testing.T) {
	t.Parallel() // waits on the clock, not the CPU
	for _, status := range []int{101, 103} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv := chatwoottest.NewServer(t)
			srv.Inject(chatwoottest.Fault{Status: status, Header: http.Header{"Upgrade": {"websocket"}}, Body: "hello"})
			conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
			require.NoError(t, err)
			defer func() { _ = conn.Close() }()
			_, err = fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nApi-Access-Token: %s\r\n\r\n", demoPath, srv.Token)
			require.NoError(t, err)
			require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
			r := bufio.NewReader(conn)
			line, err := r.ReadString('\n')
			require.NoError(t, err)
			assert.Equal(t, fmt.Sprintf("HTTP/1.1 %d %s\r\n", status, http.StatusText(status)), line)
			var head []string
			for {
				line, err = r.ReadString('\n')
				require.NoError(t, err)
				if line == "\r\n" {
					break
				}
				head = append(head, strings.TrimSpace(line))
			}
			assert.Contains(t, head, "Upgrade: websocket")
			body := make([]byte, 5)
			_, err = r.Read(body)
			require.NoError(t, err)
			assert.Equal(t, "hello", string(body))

			// Nothing more while the server runs...
			require.NoError(t, conn.SetReadDeadline(time.Now().Add(200*time.Millisecond)))
			_, err = r.ReadByte()
			var netErr net.Error
			require.ErrorAs(t, err, &netErr)
			assert.True(t, netErr.Timeout(), "the connection is open and silent: %v", err)
			require.Eventually(t, func() bool {
				reqs := srv.Requests()
				return len(reqs) == 1 && reqs[0].Status == status
			}, 5*time.Second, 10*time.Millisecond, "the request records the 1xx it got")

			// ...and the connection ends when the server closes.
			require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
			srv.Close()
			_, err = r.ReadByte()
			require.Error(t, err)
			assert.False(t, errors.As(err, &netErr) && netErr.Timeout(), "closed, not timed out: %v", err)
		})
	}
}

// A hand-built 429 without a Date or a Retry-After gets RateLimited's
// Date: package chatwoot waits about a second, not for the real minute.
func TestFaults_A429WithoutHeadersWaitsASecond(t *testing.T) {
	t.Parallel() // waits on the clock, not the CPU
	srv := chatwoottest.NewServer(t)
	srv.Inject(chatwoottest.Fault{Status: http.StatusTooManyRequests, ContentType: "text/plain", Body: "Retry later\n"})
	req, err := http.NewRequest(http.MethodGet, srv.URL+demoPath, nil)
	require.NoError(t, err)
	req.Header.Set("Api-Access-Token", srv.Token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, 429, resp.StatusCode)
	assert.Equal(t, time.Second, chatwootWait(t, resp.Header), "the wait package chatwoot computes from the Date")

	// With a Date of its own, the fault keeps it.
	date := time.Date(2026, 5, 4, 13, 30, 20, 0, time.UTC).Format(http.TimeFormat)
	srv.Inject(chatwoottest.Fault{Status: 429, Header: http.Header{"Date": {date}}})
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, date, resp.Header.Get("Date"))

	// And through the client: one retry, after about a second.
	c, err := srv.Client()
	require.NoError(t, err)
	var info chatwoot.Response
	srv.Inject(chatwoottest.Fault{Status: 429})
	_, err = c.ListContactConversations(context.Background(), chatwoottest.DemoAccountID, chatwoottest.DemoContactID, chatwoot.WithResponseInto(&info))
	require.NoError(t, err)
	assert.Equal(t, 2, info.Attempts)
	assert.Less(t, info.Waited, 2*time.Second+100*time.Millisecond, "a second and its jitter, not the rest of a minute")
}

// chatwootWait is the wait package chatwoot computes after a 429 without
// Retry-After (internal/httpcall, Policy.untilNextWindow, without its jitter): to the end
// of the one-minute window by the reply's Date.
func chatwootWait(t *testing.T, h http.Header) time.Duration {
	t.Helper()
	require.Empty(t, h.Get("Retry-After"))
	date, err := http.ParseTime(h.Get("Date"))
	require.NoError(t, err, "a Date header")
	return time.Minute - time.Duration(date.UnixNano())%time.Minute
}
