package chatwoot_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/go-chatwoot/chatwoot-go/gen"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/api"
	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/jsonvalue"
)

// The invariants of issue D, each attacked by the means the issue lists
// (regressions) and by means it does not (a key spelling, a status, an
// encoding, a cut invented here).

// ---------------------------------------------------------------------
// Helpers.

// noTokenRun fails the test if any text holds a run of
// chatwoot.TokenRunLength characters of token, in any case, as it is or
// with one or two levels of escapes undone.
func noTokenRun(t *testing.T, token, where string, texts ...string) {
	t.Helper()
	for _, text := range texts {
		if run, found := chatwoot.TokenRun(token, text); found {
			t.Errorf("%s: %q shows in %q", where, run, text)
		}
	}
}

// errorTexts is every text err can be shown as: its message and formats,
// those of every error in its chain, and the server-derived fields of the
// client's error types.
func errorTexts(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		out = append(out, e.Error(), fmt.Sprintf("%v|%+v|%#v|%s|%q", e, e, e, e, e))
		switch u := e.(type) { //nolint:errorlint // one node of the chain at a time
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				walk(inner)
			}
		}
	}
	walk(err)
	for e := err; e != nil; e = errors.Unwrap(e) {
		out = append(out, e.Error())
	}
	var apiErr *chatwoot.APIError
	if errors.As(err, &apiErr) {
		out = append(out, apiErr.Message, apiErr.Body, apiErr.ContentType, apiErr.URL, apiErr.RequestID)
	}
	var decErr *chatwoot.DecodeError
	if errors.As(err, &decErr) {
		out = append(out, decErr.Field, decErr.Excerpt, decErr.ContentType, decErr.URL, decErr.RequestID)
		if decErr.Err != nil {
			out = append(out, decErr.Err.Error())
		}
	}
	var redirect *chatwoot.RedirectError
	if errors.As(err, &redirect) {
		out = append(out, redirect.From, redirect.To)
	}
	return out
}

// outcome is what one call gave a program: its error, the Response it
// asked for, and its log lines.
type outcome struct {
	err  error
	resp chatwoot.Response
	log  string
	took time.Duration
}

// texts is every text of the outcome a program may print.
func (o outcome) texts() []string {
	out := append(errorTexts(o.err), o.log, o.resp.RequestID, fmt.Sprintf("%+v", o.resp))
	for k, vs := range o.resp.Header {
		out = append(out, k)
		out = append(out, vs...)
	}
	return out
}

// call makes one call with a text logger and WithResponseInto.
func call(ctx context.Context, c *chatwoot.Client, opts ...chatwoot.Option) outcome {
	var o outcome
	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	start := time.Now()
	_, o.err = c.ListContactConversations(ctx, 3, 4821, append([]chatwoot.Option{chatwoot.WithLogger(logger), chatwoot.WithResponseInto(&o.resp)}, opts...)...)
	o.took, o.log = time.Since(start), log.String()
	return o
}

// tcpServer answers each connection with handle, after reading the
// request. Connections stay open until handle returns or the test ends.
func tcpServer(t *testing.T, handle func(conn net.Conn, req *http.Request)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
			wg.Go(func() {
				defer func() { _ = conn.Close() }()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				handle(conn, req)
			})
		}
	})
	return "http://" + ln.Addr().String()
}

// silent holds a connection open, reading nothing it answers, until the
// client closes it (or the test ends).
func silent(conn net.Conn) { _, _ = io.Copy(io.Discard, conn) }

const healthyReply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 14\r\nConnection: close\r\n\r\n{\"payload\":[]}"

// gzipServer serves body gzip-compressed, as a 200 of JSON.
func gzipServer(t *testing.T, body []byte) (url string, wire int) {
	t.Helper()
	zipped := gzipped(t, body)
	url = serveRaw(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(zipped)
	})
	return url, len(zipped)
}

// items is n copies of item, comma-separated.
func items(item string, n int) string { return strings.TrimSuffix(strings.Repeat(item+",", n), ",") }

// reply wraps the members of one conversation into a reply.
func reply(members string) string { return `{"payload":[{"id":1,` + members + `}]}` }

// ---------------------------------------------------------------------
// 1. Memory follows the bytes, whatever the keys.

const bombItems = 100_000

// A list the client decodes is counted, under its name spelled exactly
// (escaped or not); under any other spelling it binds to nothing, so it
// is skipped and costs its bytes, and stays in RawJSON. Either way memory
// follows the bytes.
func TestInvariant_MemoryFollowsTheBytesWhateverTheKeys(t *testing.T) {
	many := func(item string) string { return "[" + items(item, bombItems) + "]" }
	bombs := []struct {
		name, body string
		refused    bool
	}{
		{"messages", reply(`"messages":` + many(`{}`)), true},
		{`a JSON-escaped key (\u006dessages)`, reply(`"\u006dessages":` + many(`{}`)), true},
		{"labels", reply(`"labels":` + many(`""`)), true},
		{"sla_events", reply(`"sla_events":` + many(`{}`)), true},
		{"attachments inside a message", reply(`"messages":[{"id":2,"attachments":` + many(`{}`) + `}]`), true},
		{"last_non_activity_message's attachments", reply(`"last_non_activity_message":{"id":2,"attachments":` + many(`{}`) + `}`), true},
		{"a list of nulls (5 bytes, a whole Message each)", reply(`"messages":` + many(`null`)), true},
		{"600 messages in each of 20 conversations", `{"payload":[` + items(`{"id":1,"messages":`+"["+items(`{}`, 600)+"]}", 20) + `]}`, true},
		{"4000 each in labels, messages and sla_events", reply(`"labels":[` + items(`""`, 4000) + `],"messages":[` + items(`{}`, 4000) + `],"sla_events":[` + items(`{}`, 4000) + `]`), true},
		{"payload of tiny conversations", `{"payload":` + many(`{"id":1}`) + `}`, true},
		{"Messages", reply(`"Messages":` + many(`{}`)), false},
		{"MESSAGES", reply(`"MESSAGES":` + many(`{}`)), false},
		{"meſſages (U+017F)", reply(`"meſſages":` + many(`{}`)), false},
		{"Labels", reply(`"Labels":` + many(`""`)), false},
		{"SLA_Events", reply(`"SLA_Events":` + many(`{}`)), false},
		{"Attachments inside a message", reply(`"messages":[{"id":2,"Attachments":` + many(`{}`) + `}]`), false},
		{"the Kelvin sign in fallbacK_title", reply(`"messages":[{"id":2,"attachments":[{"id":3,"fallbac\u212a_title":` + many(`{}`) + `}]}]`), false},
		{`an escaped ſ: \u017fla_events`, reply(`"\u017fla_events":` + many(`{}`)), false},
		{"a list of empty lists under an unknown key", reply(`"x_future":` + many(`[]`)), false},
		{"a message's Conversation.Contact_Inbox", reply(`"messages":[{"id":2,"Conversation":{"Contact_Inbox":` + many(`{}`) + `}}]`), false},
	}
	for _, bomb := range bombs {
		t.Run(bomb.name, func(t *testing.T) {
			url, wire := gzipServer(t, []byte(bomb.body))
			c := newClient(t, url)
			var convs []chatwoot.Conversation
			var err error
			used := memoryUsedBy(func() { convs, err = c.ListContactConversations(context.Background(), 3, 4821) })
			if bomb.refused {
				var decErr *chatwoot.DecodeError
				require.ErrorAs(t, err, &decErr)
				assert.Regexp(t, `more than (10000 items|1000 conversations)`, err.Error())
			} else {
				require.NoError(t, err)
				require.Len(t, convs, 1)
				assert.Len(t, convs[0].RawJSON(), len(bomb.body)-len(`{"payload":[]}`), "kept whole in RawJSON")
			}
			assert.Less(t, used, uint64(4<<20), "allocated")
			t.Logf("%d bytes on the wire, %d decompressed: %.2f MiB allocated", wire, len(bomb.body), float64(used)/(1<<20))
		})
	}
}

// Values kept raw cost their bytes alone: 20 000 items in a jsonb value
// decode, under any spelling of its key.
func TestInvariant_RawValuesAreNotCounted(t *testing.T) {
	big := `{"notes":[` + items("0", 20_000) + `]}`
	for name, body := range map[string]string{
		"custom_attributes":                 reply(`"custom_attributes":` + big),
		"Custom_Attributes":                 reply(`"Custom_Attributes":` + big),
		"a message's content_attributes":    reply(`"messages":[{"id":2,"content_attributes":` + big + `}]`),
		"a message's sender (kept as sent)": reply(`"messages":[{"id":2,"sender":` + big + `}]`),
		"meta.assignee (kept as sent)":      reply(`"meta":{"assignee":` + big + `}`),
	} {
		t.Run(name, func(t *testing.T) {
			url, _ := gzipServer(t, []byte(body))
			convs, err := newClient(t, url).ListContactConversations(context.Background(), 3, 4821)
			require.NoError(t, err)
			require.Len(t, convs, 1)
			assert.Contains(t, string(convs[0].RawJSON()), big)
		})
	}
}

// ---------------------------------------------------------------------
// 2. One rule for names, json/v2's, at every level: a name sent twice in
// one object is refused (which value would be meant?); a name in another
// case binds to nothing and stays in RawJSON.

func TestInvariant_ANameSentTwiceIsRefusedAtEveryLevel(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		field      string // DecodeError.Field: the second name
	}{
		{"the conversation's id", reply(`"id":2`), "/payload/0/id"},
		{"an id spelled once escaped", reply(`"\u0069d":2`), "/payload/0/id"},
		{"a message", reply(`"messages":[{"id":2,"id":3}]`), "/payload/0/messages/0/id"},
		{"an attachment", reply(`"messages":[{"id":2,"attachments":[{"id":1},{"id":2,"file_type":"image","file_type":"audio"}]}]`), "/payload/0/messages/0/attachments/1/file_type"},
		{"the assignee (kept as sent)", reply(`"meta":{"assignee":{"id":7,"name":"Sam","name":"Eve"}}`), "/payload/0/meta/assignee/name"},
		{"a sender (kept as sent)", reply(`"messages":[{"id":2,"sender":{"type":"contact","id":3,"id":4}}]`), "/payload/0/messages/0/sender/id"},
		{"custom_attributes (a jsonvalue.Value)", reply(`"custom_attributes":{"plan":"a","plan":"b"}`), "/payload/0/custom_attributes/plan"},
		{"a voice call (a jsonvalue.Lenient)", reply(`"messages":[{"id":2,"content_type":"voice_call","call":{"id":1,"id":2}}]`), "/payload/0/messages/0/call/id"},
		{"applied_sla", reply(`"applied_sla":{"id":1,"sla_name":"a","sla_name":"b"}`), "/payload/0/applied_sla/sla_name"},
		{"a key no version knows", reply(`"x_future":{"a":1,"a":2}`), "/payload/0/x_future/a"},
		{"payload", `{"payload":[{"id":1}],"payload":[{"id":2}]}`, "/payload"},
		{"error, in a 200 without payload", `{"error":"a","error":"b"}`, "/error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := serveBody(t, 200, "application/json", []byte(tc.body))
			_, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
			var decErr *chatwoot.DecodeError
			require.ErrorAs(t, err, &decErr)
			assert.ErrorContains(t, err, "a key sent twice in one object")
			assert.Equal(t, tc.field, decErr.Field)
			if !strings.HasPrefix(tc.field, "/payload/0") {
				return
			}
			// The same through json.Unmarshal into a Conversation.
			var c chatwoot.Conversation
			err = json.Unmarshal([]byte(tc.body[len(`{"payload":[`):len(tc.body)-2]), &c)
			require.Error(t, err)
			assert.ErrorContains(t, err, "at "+strings.TrimPrefix(tc.field, "/payload/0")+" ")
			assert.Zero(t, c.ID, "nothing decoded")
		})
	}
	// And in the values a program reads on its own.
	var object map[string]jsonvalue.Value
	assert.Error(t, jsonv2.Unmarshal(jsonvalue.Value(`{"a":1,"a":2}`), &object), "a Value read with json/v2")
	var call jsonvalue.Lenient[chatwoot.Call]
	require.NoError(t, json.Unmarshal([]byte(`{"id":1,"id":2}`), &call))
	_, fits := call.Get()
	assert.False(t, fits, "Lenient")
	assert.Error(t, jsonv2.Unmarshal(jsonvalue.Value(`{"id":1,"id":2}`), &chatwoot.Agent{}), "a Value read into a model")
}

func TestInvariant_AKeyInAnotherCaseBindsToNothing(t *testing.T) {
	for _, tc := range []struct {
		name, members string
		check         func(t *testing.T, c chatwoot.Conversation)
	}{
		{"ID", `"ID":2`, func(t *testing.T, c chatwoot.Conversation) { assert.EqualValues(t, 1, c.ID) }},
		{"Messages", `"Messages":[{"id":9}]`, func(t *testing.T, c chatwoot.Conversation) { assert.Empty(t, c.Messages) }},
		{"STATUS", `"status":"open","STATUS":"resolved"`, func(t *testing.T, c chatwoot.Conversation) {
			assert.Equal(t, gen.ConversationStatusOpen, c.Status)
		}},
		{"laſt_activity_at (U+017F)", `"last_activity_at":1,"laſt_activity_at":2`, func(t *testing.T, c chatwoot.Conversation) { assert.EqualValues(t, 1, c.LastActivityAt) }},
		{"bloc\u212aed (Kelvin sign)", `"meta":{"sender":{"id":5,"blocked":false,"bloc\u212aed":true}}`, func(t *testing.T, c chatwoot.Conversation) { assert.False(t, c.Meta.Sender.Blocked) }},
		{"a message's Id", `"messages":[{"id":2,"Id":3}]`, func(t *testing.T, c chatwoot.Conversation) { assert.EqualValues(t, 2, c.Messages[0].ID) }},
		{"an assignee's NAME", `"meta":{"assignee":{"id":7,"name":"Sam","NAME":"Eve"}}`, func(t *testing.T, c chatwoot.Conversation) {
			a, ok := c.Assignee()
			require.True(t, ok)
			assert.Equal(t, "Sam", a.Name)
			agent, ok := a.Agent()
			require.True(t, ok)
			assert.Equal(t, "Sam", agent.Name)
		}},
		{"a voice call's ID", `"messages":[{"id":2,"content_type":"voice_call","call":{"id":1,"ID":2}}]`, func(t *testing.T, c chatwoot.Conversation) {
			call, ok := c.Messages[0].Call.Get()
			require.True(t, ok)
			assert.EqualValues(t, 1, call.ID)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := reply(tc.members)
			srv, _ := serveBody(t, 200, "application/json", []byte(body))
			convs, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
			require.NoError(t, err)
			require.Len(t, convs, 1)
			tc.check(t, convs[0])
			out, err := json.Marshal(convs[0])
			require.NoError(t, err)
			assert.Equal(t, chatwoot.SameJSON(t, []byte(body[len(`{"payload":[`):len(body)-2])), chatwoot.SameJSON(t, out), "nothing lost")
			diffs, err := chatwoottest.Compare([]byte(body))
			require.NoError(t, err)
			assert.True(t, slices.ContainsFunc(diffs, func(d chatwoottest.Difference) bool { return d.Kind == chatwoottest.UnknownKey }), "-check reports it: %v", diffs)
		})
	}
	// PAYLOAD next to payload binds to nothing either.
	srv, _ := serveBody(t, 200, "application/json", []byte(`{"payload":[{"id":1}],"PAYLOAD":[{"id":2}]}`))
	convs, err := newClient(t, srv.URL).ListContactConversations(context.Background(), 3, 4821)
	require.NoError(t, err)
	require.Len(t, convs, 1)
	assert.EqualValues(t, 1, convs[0].ID)
}

// ---------------------------------------------------------------------
// 3. Every attempt ends by its deadline, whatever follows the status line.

const switching = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\n"

// switchingServer answers 101 and stays silent until healthy is set; then
// it answers a 200. It counts the upgraded connections the client closed.
func switchingServer(t *testing.T, reply101 string) (url string, healthy *atomic.Bool, upgraded, closed *atomic.Int32) {
	healthy, upgraded, closed = new(atomic.Bool), new(atomic.Int32), new(atomic.Int32)
	url = tcpServer(t, func(conn net.Conn, _ *http.Request) {
		if healthy.Load() {
			_, _ = conn.Write([]byte(healthyReply))
			return
		}
		upgraded.Add(1)
		_, _ = conn.Write([]byte(reply101))
		silent(conn)
		closed.Add(1)
	})
	return url, healthy, upgraded, closed
}

func TestInvariant_A101AndSilenceEndsAtOnce(t *testing.T) {
	url, healthy, upgraded, closed := switchingServer(t, switching)
	c := newClient(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second) // a bug would wait for it
	defer cancel()
	outcomes := make([]outcome, 16)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range outcomes {
		wg.Go(func() { outcomes[i] = call(ctx, c) })
	}
	wg.Wait()
	all := time.Since(start)
	var slowest time.Duration
	for _, o := range outcomes {
		var apiErr *chatwoot.APIError
		require.ErrorAs(t, o.err, &apiErr)
		assert.Equal(t, http.StatusSwitchingProtocols, apiErr.StatusCode)
		assert.Equal(t, http.StatusSwitchingProtocols, o.resp.StatusCode)
		slowest = max(slowest, o.took)
	}
	assert.Less(t, all, 2500*time.Millisecond, "16 calls with a 5 s context end at once")
	t.Logf("16 calls on a 101 and silence: the slowest returned after %v, all after %v; %v", slowest, all, outcomes[0].err)
	assert.Eventually(t, func() bool { return closed.Load() == upgraded.Load() }, 2*time.Second, 10*time.Millisecond,
		"the client closed every upgraded connection (%d of %d)", closed.Load(), upgraded.Load())

	// The slots are free: a 17th call, once the server is healthy, goes through.
	healthy.Store(true)
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	o := call(ctx2, c)
	require.NoError(t, o.err)
	t.Logf("the 17th call, to a healthy server: %v", o.took)
}

// Other 101s: without Upgrade headers, over HTTP/1.0, followed by a flood
// instead of silence, and through the caller's own http.Client.
func TestInvariant_Other101sEndAtOnce(t *testing.T) {
	t.Parallel() // waits on timers, measures no memory
	for name, tc := range map[string]struct {
		reply string
		opts  []chatwoot.Option
	}{
		"the caller's http.Client{Timeout: 1s}": {switching, []chatwoot.Option{chatwoot.WithHTTPClient(&http.Client{Timeout: time.Second})}},
		"no Upgrade header":                     {"HTTP/1.1 101 Switching Protocols\r\n\r\n", nil},
		"HTTP/1.0":                              {"HTTP/1.0 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\n", nil},
		"then a flood of bytes":                 {switching + strings.Repeat("x", 1<<20), nil},
		"with a Content-Length":                 {"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x\r\nContent-Length: 100000\r\n\r\n", nil},
	} {
		t.Run(name, func(t *testing.T) {
			url, _, _, _ := switchingServer(t, tc.reply)
			c := newClient(t, url, tc.opts...)
			o := call(context.Background(), c, chatwoot.WithTimeout(1500*time.Millisecond))
			require.Error(t, o.err)
			assert.Less(t, o.took, 2500*time.Millisecond)
			t.Logf("%v: %v", o.took, o.err)
		})
	}
}

// stallingServer sends head (a status line and headers, maybe some body),
// then nothing, until the test ends.
func stallingServer(t *testing.T, head string) string {
	return tcpServer(t, func(conn net.Conn, _ *http.Request) {
		_, _ = conn.Write([]byte(head))
		silent(conn)
	})
}

const jsonHead = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"

func TestInvariant_AStalledBodyEndsByTheDeadline(t *testing.T) {
	t.Parallel() // waits on timers, measures no memory
	for name, head := range map[string]string{
		"Content-Length, a part sent":     jsonHead + "Content-Length: 100\r\n\r\n" + `{"payload":[`,
		"Content-Length, nothing sent":    jsonHead + "Content-Length: 100\r\n\r\n",
		"Content-Length over 256 KiB":     jsonHead + "Content-Length: 1000000\r\n\r\n" + `{"payload":[`,
		"chunked, stalled inside a chunk": jsonHead + "Transfer-Encoding: chunked\r\n\r\n40\r\n" + `{"payload":[`,
		"read until close, never closed":  jsonHead + "\r\n" + `{"payload":[`,
		"gzip, stalled inside the stream": jsonHead + "Content-Encoding: gzip\r\nContent-Length: 100\r\n\r\n\x1f\x8b\x08\x00\x00\x00\x00\x00",
		"100 Continue as the last thing":  "HTTP/1.1 100 Continue\r\n\r\n",
		"199 as the last thing":           "HTTP/1.1 199 Whatever\r\n\r\n",
		"103 Early Hints, then silence":   "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n",
		"headers that never end":          jsonHead + "X-Slow: 1\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newClient(t, stallingServer(t, head))
			o := call(context.Background(), c, chatwoot.WithTimeout(300*time.Millisecond))
			require.Error(t, o.err)
			assert.ErrorIs(t, o.err, context.DeadlineExceeded)
			assert.Less(t, o.took, 3*time.Second)
			t.Logf("%v: %v", o.took.Round(time.Millisecond), o.err)
		})
	}
}

// A body that stalls after the client has read what it needs (the start
// of an HTML page, of an error reply) ends by the deadline too, with the
// status's error: the wait is the drain that would let the connection be
// reused.
func TestInvariant_AStalledDrainEndsByTheDeadline(t *testing.T) {
	t.Parallel() // waits on timers, measures no memory
	for name, tc := range map[string]struct {
		head string
		want string
	}{
		"a 200 of HTML, stalled after 5 KiB": {"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>" + strings.Repeat("x", 5<<10), "an HTML page"},
		"a 401, stalled in its body":         {"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"error\":", "401 Unauthorized"},
		"a 503, stalled past the error read": {"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\n" + strings.Repeat("x", 70<<10), "503 Service Unavailable"},
	} {
		t.Run(name, func(t *testing.T) {
			c := newClient(t, stallingServer(t, tc.head))
			// 1 s: the head must arrive within the attempt on a loaded
			// machine (300 ms did not, under -race beside busy processes).
			o := call(context.Background(), c, chatwoot.WithTimeout(time.Second))
			require.Error(t, o.err)
			assert.Contains(t, o.err.Error(), tc.want)
			assert.Less(t, o.took, 5*time.Second)
			t.Logf("%v: %v", o.took.Round(time.Millisecond), o.err)
		})
	}
}

// The caller's context, not WithTimeout, is what ends the stall: the error
// then matches the context's error, as ListContactConversations says.
func TestInvariant_AStalledBodyEndsWithTheContext(t *testing.T) {
	t.Parallel() // waits on timers, measures no memory
	c := newClient(t, stallingServer(t, jsonHead+"Content-Length: 100\r\n\r\n"+`{"payload":[`))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	o := call(ctx, c)
	require.Error(t, o.err)
	assert.Less(t, o.took, 3*time.Second)
	assert.ErrorIs(t, o.err, context.DeadlineExceeded, "%v", o.err)

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	o = call(ctx, c)
	assert.ErrorIs(t, o.err, context.Canceled, "%v", o.err)
}

// The caller's http.Client{Timeout: 1s} ends a stalled body too.
func TestInvariant_AStalledBodyEndsByTheCallersHTTPClientTimeout(t *testing.T) {
	t.Parallel() // waits on timers, measures no memory
	c := newClient(t, stallingServer(t, jsonHead+"Content-Length: 100\r\n\r\n"+`{"payload":[`),
		chatwoot.WithHTTPClient(&http.Client{Timeout: 400 * time.Millisecond}))
	o := call(context.Background(), c)
	require.Error(t, o.err)
	assert.Less(t, o.took, 2500*time.Millisecond)
	t.Logf("%v: %v", o.took.Round(time.Millisecond), o.err)
}

// Statuses nobody listed end at once (or by the deadline) with an error.
func TestInvariant_StatusesNobodyListed(t *testing.T) {
	huge := func(conn net.Conn, head string) { // a body without end
		_, _ = conn.Write([]byte(head))
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for {
			if _, err := conn.Write(chunk); err != nil {
				return
			}
		}
	}
	for name, tc := range map[string]struct {
		handle func(net.Conn)
		status int // the APIError's, or 0 for another error
	}{
		"six 100s": {func(c net.Conn) {
			_, _ = c.Write([]byte(strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", 6)))
			silent(c)
		}, 0},
		"204 with a body": {func(c net.Conn) {
			_, _ = c.Write([]byte("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello"))
			silent(c)
		}, 204},
		"304 with a body": {func(c net.Conn) {
			_, _ = c.Write([]byte("HTTP/1.1 304 Not Modified\r\n\r\n" + strings.Repeat("x", 1000)))
			silent(c)
		}, 304},
		"418 with a huge body": {func(c net.Conn) { huge(c, "HTTP/1.1 418 I'm a teapot\r\nContent-Type: text/plain\r\n\r\n") }, 418},
		"418 announcing 1 TiB": {func(c net.Conn) { huge(c, "HTTP/1.1 418 I'm a teapot\r\nContent-Length: 1099511627776\r\n\r\n") }, 418},
		"599": {func(c net.Conn) {
			_, _ = c.Write([]byte("HTTP/1.1 599 Network Connect Timeout\r\nContent-Length: 0\r\n\r\n"))
			silent(c)
		}, 599},
		"999": {func(c net.Conn) {
			_, _ = c.Write([]byte("HTTP/1.1 999 Nine\r\nContent-Length: 2\r\n\r\nno"))
			silent(c)
		}, 999},
		"a 200 with a 1 TiB body":   {func(c net.Conn) { huge(c, jsonHead+"\r\n{\"payload\":[\"") }, 0},
		"a 200 of HTML without end": {func(c net.Conn) { huge(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><title>") }, 0},
	} {
		t.Run(name, func(t *testing.T) {
			c := newClient(t, tcpServer(t, func(conn net.Conn, _ *http.Request) { tc.handle(conn) }))
			var o outcome
			used := memoryUsedBy(func() { o = call(context.Background(), c, chatwoot.WithTimeout(time.Second)) })
			require.Error(t, o.err)
			assert.Less(t, o.took, 3*time.Second)
			assert.Less(t, used, uint64(40<<20))
			if tc.status != 0 {
				var apiErr *chatwoot.APIError
				require.ErrorAs(t, o.err, &apiErr)
				assert.Equal(t, tc.status, apiErr.StatusCode)
			}
			t.Logf("%v, %.1f MiB: %v", o.took.Round(time.Millisecond), float64(used)/(1<<20), o.err)
		})
	}
	// 103 Early Hints before a good reply is no error at all.
	c := newClient(t, tcpServer(t, func(conn net.Conn, _ *http.Request) {
		_, _ = conn.Write([]byte("HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n" + healthyReply))
	}))
	require.NoError(t, call(context.Background(), c).err)
}

// ---------------------------------------------------------------------
// 4. The token never appears, whatever the server echoes and however.

// tokenCuts are the parts of the token a server may echo: all of it, or
// what is left when it (or a proxy) cut it.
var tokenCuts = map[string]string{
	"whole":                 testToken,
	"first character cut":   testToken[1:],
	"last character cut":    testToken[:len(testToken)-1],
	"three cut at each end": testToken[3 : len(testToken)-3],
}

// echoPlace is where a server puts an echo of the token.
type echoPlace struct {
	name     string
	nameSafe bool // the place is a header name: only forms that may stand there
	serve    func(w http.ResponseWriter, echo string)
}

func jsonReply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func htmlReply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func echoPlaces() []echoPlace {
	var places []echoPlace
	// An HTML <title> longer than 80 bytes, the token across byte 80.
	for _, pad := range []int{0, 62, 70, 79} {
		for _, status := range []int{200, 502} {
			places = append(places, echoPlace{name: fmt.Sprintf("the <title> of a %d, at byte %d", status, pad), serve: func(w http.ResponseWriter, echo string) {
				htmlReply(w, status, "<!DOCTYPE html><html><head><title>"+strings.Repeat("x", pad)+echo+strings.Repeat("y", 40)+"</title></head></html>")
			}})
		}
	}
	// An "error" that is an object, the token across byte 160.
	for _, pad := range []int{0, 140, 150, 159} {
		for _, status := range []int{200, 401} {
			places = append(places, echoPlace{name: fmt.Sprintf(`an "error" object in a %d, at byte %d`, status, pad), serve: func(w http.ResponseWriter, echo string) {
				jsonReply(w, status, `{"error":{"message":"`+strings.Repeat("x", pad)+echo+`","code":1}}`)
			}})
		}
	}
	places = append(places,
		echoPlace{name: "snoozed_until", serve: func(w http.ResponseWriter, echo string) {
			jsonReply(w, 200, reply(`"snoozed_until":"`+echo+`"`))
		}},
		echoPlace{name: "a message's updated_at", serve: func(w http.ResponseWriter, echo string) {
			jsonReply(w, 200, reply(`"messages":[{"id":2,"updated_at":"`+echo+`"}]`))
		}},
		echoPlace{name: "X-Request-Id", serve: func(w http.ResponseWriter, echo string) {
			w.Header().Set("X-Request-Id", echo)
			jsonReply(w, 401, `{"error":"Invalid Access Token"}`)
		}},
		echoPlace{name: "X-Request-Id of a good reply", serve: func(w http.ResponseWriter, echo string) {
			w.Header().Set("X-Request-Id", strings.Repeat("r", 120)+echo)
			jsonReply(w, 200, `{"payload":[]}`)
		}},
		echoPlace{name: "a header's value in a good reply", serve: func(w http.ResponseWriter, echo string) {
			w.Header().Set("X-Echo", "token="+echo)
			jsonReply(w, 200, `{"payload":[]}`)
		}},
		echoPlace{name: "a header's name", nameSafe: true, serve: func(w http.ResponseWriter, echo string) {
			w.Header().Set("X-"+echo, "1")
			jsonReply(w, 200, `{"payload":[]}`)
		}},
		echoPlace{name: "a header's name in an error", nameSafe: true, serve: func(w http.ResponseWriter, echo string) {
			w.Header().Set("X-"+echo, "1")
			jsonReply(w, 404, `{"error":"Resource could not be found"}`)
		}},
		echoPlace{name: "the Content-Type of a 200", serve: func(w http.ResponseWriter, echo string) {
			w.Header().Set("Content-Type", "text/x-"+echo)
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("nope"))
		}},
		// Invented places.
		echoPlace{name: "a Content-Type over 200 bytes", serve: func(w http.ResponseWriter, echo string) {
			w.Header().Set("Content-Type", "text/plain; x="+strings.Repeat("c", 180)+echo)
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte("no"))
		}},
		echoPlace{name: "an errors list, split in two", serve: func(w http.ResponseWriter, echo string) {
			half := len(echo) / 2
			jsonReply(w, 422, `{"errors":["`+echo[:half]+`","`+echo[half:]+`"]}`)
		}},
		echoPlace{name: "a key in broken JSON", serve: func(w http.ResponseWriter, echo string) {
			jsonReply(w, 200, reply(`"`+echo+`":{"x":[}`))
		}},
		echoPlace{name: "a number field's value", serve: func(w http.ResponseWriter, echo string) {
			jsonReply(w, 200, reply(`"inbox_id":"`+strings.Repeat("n", 100)+echo+`"`))
		}},
		echoPlace{name: "the first line of a plain-text 429", serve: func(w http.ResponseWriter, echo string) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Retry-After", echo)
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte("Retry later " + echo + "\nsecond line"))
		}},
		echoPlace{name: "the payload, as a string", serve: func(w http.ResponseWriter, echo string) {
			jsonReply(w, 200, `{"payload":"`+strings.Repeat("p", 90)+echo+`"}`)
		}},
	)
	return places
}

func TestInvariant_TheTokenNeverShows(t *testing.T) {
	t.Parallel() // waits on timers, measures no memory
	var echo atomic.Value
	var serve atomic.Value
	url := serveRaw(t, func(w http.ResponseWriter, _ *http.Request) {
		serve.Load().(func(http.ResponseWriter, string))(w, echo.Load().(string))
	})
	c := newClient(t, url, chatwoot.WithMaxRetries(0))
	cases := 0
	for _, place := range echoPlaces() {
		serve.Store(place.serve)
		for cutName, cut := range tokenCuts {
			for _, form := range chatwoot.TokenForms {
				if place.nameSafe && !form.NameSafe {
					continue
				}
				echo.Store(form.Encode(cut))
				o := call(context.Background(), c)
				noTokenRun(t, testToken, place.name+", "+cutName+", "+form.Name, o.texts()...)
				cases++
			}
		}
	}
	t.Logf("%d echoes, none shows a run of %d characters", cases, chatwoot.TokenRunLength)
}

// The check itself: every form of every cut is a run it finds.
func TestInvariant_TokenRunFindsEveryForm(t *testing.T) {
	for cutName, cut := range tokenCuts {
		for _, form := range chatwoot.TokenForms {
			_, found := chatwoot.TokenRun(testToken, "x"+form.Encode(cut)+"y")
			assert.True(t, found, "%s, %s: %s", cutName, form.Name, form.Encode(cut))
		}
	}
	_, found := chatwoot.TokenRun(testToken, testToken[:chatwoot.TokenRunLength-1]+" "+testToken[chatwoot.TokenRunLength-1:])
	assert.True(t, found)
	_, found = chatwoot.TokenRun(testToken, "[REDACTED] x 3cr3t y")
	assert.False(t, found)
}

// Split across X-Request-Id and Content-Type at every place: no part of
// six characters or more shows.
func TestInvariant_ATokenSplitAcrossTwoHeaders(t *testing.T) {
	var at atomic.Int32
	url := serveRaw(t, func(w http.ResponseWriter, _ *http.Request) {
		k := int(at.Load())
		w.Header().Set("X-Request-Id", testToken[:k])
		w.Header().Set("Content-Type", "text/"+testToken[k:])
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`<html>`))
	})
	c := newClient(t, url)
	for k := 1; k < len(testToken); k++ {
		at.Store(int32(k))
		o := call(context.Background(), c)
		require.Error(t, o.err)
		noTokenRun(t, testToken, fmt.Sprintf("split at %d", k), o.texts()...)
	}
}

// Invented places that only a raw server can make: the reason phrase, a
// chunk's size line, a malformed header, a trailer.
func TestInvariant_TheTokenInTheProtocol(t *testing.T) {
	for name, raw := range map[string]string{
		"the reason phrase":        "HTTP/1.1 502 " + testToken + "\r\nContent-Length: 0\r\n\r\n",
		"a chunk's size line":      jsonHead + "Transfer-Encoding: chunked\r\n\r\n" + testToken + "\r\n",
		"a chunk extension":        jsonHead + "Transfer-Encoding: chunked\r\n\r\n5;" + testToken + "\r\n{\"pay\r\n0\r\n\r\n",
		"the status code":          "HTTP/1.1 " + testToken + "\r\n\r\n",
		"the protocol version":     testToken + " 200 OK\r\n\r\n",
		"a header without a colon": "HTTP/1.1 200 OK\r\nX-" + strings.ToUpper(testToken) + "\r\n\r\n",
		"a Content-Length":         "HTTP/1.1 200 OK\r\nContent-Length: " + testToken + "\r\n\r\n",
		"a gzip body's header":     jsonHead + "Content-Encoding: gzip\r\nContent-Length: 19\r\n\r\n" + testToken,
		"a trailer":                jsonHead + "Transfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\ne\r\n{\"payload\":[]}\r\n0\r\nX-T: " + testToken + "\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			c := newClient(t, tcpServer(t, func(conn net.Conn, _ *http.Request) { _, _ = conn.Write([]byte(raw)) }))
			o := call(context.Background(), c)
			noTokenRun(t, testToken, name, o.texts()...)
			t.Logf("%v", o.err)
		})
	}
}

// Invented: HTML's numeric references without their semicolon, which
// browsers (and html.UnescapeString) still decode.
func TestInvariant_HTMLReferencesWithoutSemicolons(t *testing.T) {
	var refs strings.Builder
	for i := range len(testToken) {
		fmt.Fprintf(&refs, "&#%d", testToken[i])
	}
	srv, _ := serveBody(t, 502, "text/html", []byte("<html><title>"+refs.String()+" </title></html>"))
	o := call(context.Background(), newClient(t, srv.URL))
	for _, text := range o.texts() {
		run, found := chatwoot.TokenRun(testToken, html.UnescapeString(text))
		assert.False(t, found, "%q shows in %q once HTML-unescaped", run, text)
	}
}

// ---------------------------------------------------------------------
// 5. Nothing panics.

func TestInvariant_UnmarshalJSONNeverPanics(t *testing.T) {
	for _, b := range []string{
		`{"messages":`, `{"labels": `, `{"last_non_activity_message":`, `{"sla_events":`,
		// Invented: the other fields of every kind, cut after the colon,
		// inside a key, inside an escape, and bytes that are no JSON.
		`{"meta":`, `{"applied_sla":`, `{"messages":[{"attachments":`, `{"messages":[{"call":`, `{"custom_attributes":`,
		`{"mess`, `{"\u00`, `{"id":1,"Messages":[`, `{"id":1,"messages":[{"id":2,"Id":`, `{"payload":`, `{"ID"`,
		``, ` `, `{`, `[`, `"`, `{"`, `{"":`, `}`, `nul`, "\xff", `{"id":1}x`, `{"id":1,}`, `[{"id":1}]`,
		strings.Repeat("[", 100_000), `{"x":` + strings.Repeat(`{"x":`, 100_000), `{"messages":` + strings.Repeat("[", 100_000),
	} {
		var c chatwoot.Conversation
		assert.NotPanics(t, func() { _ = c.UnmarshalJSON([]byte(b)) }, "%.40q", b)
		assert.NotPanics(t, func() { _ = json.Unmarshal([]byte(b), &c) }, "%.40q", b)
	}
}

// Every prefix of every fixture, and of every conversation in it.
// Every fixture cut at about 300 places spread over its length (every
// place, for a short one): FuzzConversationUnmarshalJSON searches on.
func TestInvariant_UnmarshalJSONOnPrefixesOfTheFixtures(t *testing.T) {
	prefixes := 0
	cuts := func(n int) []int {
		var at []int
		for i := 0; i < n; i += max(1, n/300) {
			at = append(at, i)
		}
		return at
	}
	for _, name := range api.FixtureNames() {
		body := fixture(t, name)
		var reply struct{ Payload []json.RawMessage }
		require.NoError(t, json.Unmarshal(body, &reply))
		for k, conv := range reply.Payload {
			for _, i := range cuts(len(conv)) {
				var c chatwoot.Conversation
				require.NotPanics(t, func() { _ = c.UnmarshalJSON(conv[:i]) }, "%s, conversation %d, %d bytes", name, k, i)
				prefixes++
			}
			var c chatwoot.Conversation
			require.NoError(t, c.UnmarshalJSON(conv), "%s, conversation %d, whole", name, k)
		}
		for _, i := range cuts(len(body)) {
			var c chatwoot.Conversation
			require.NotPanics(t, func() { _ = c.UnmarshalJSON(body[:i]) }, "%s, %d bytes", name, i)
			prefixes++
		}
	}
	t.Logf("%d prefixes", prefixes)
}

func TestInvariant_HelpersNeverPanicOnNil(t *testing.T) {
	assert.NotPanics(t, func() { assert.Empty(t, chatwoot.MessageText(nil)) })
	assert.NotPanics(t, func() { assert.Empty(t, chatwoot.MessagePreview(nil, 10)) })
	for _, n := range []int{-1, 0, 1, 2} {
		assert.NotPanics(t, func() { _ = chatwoot.MessagePreview(&chatwoot.Message{}, n) }, n)
		assert.NotPanics(t, func() { _ = chatwoot.MessagePreview(nil, n) }, n)
	}
	assert.NotPanics(t, func() { _, _ = chatwoot.SenderOf(nil) })
	assert.NotPanics(t, func() { _ = chatwoot.MayHaveMore(nil) })
	assert.NotPanics(t, func() { _, _ = chatwoot.Retryable(nil) })
	assert.NotPanics(t, func() { _ = chatwoot.RedactorFor("")("x") })

	var nilConv *chatwoot.Conversation
	for name, method := range map[string]func(){
		"LastMessage":   func() { _, _ = nilConv.LastMessage() },
		"LatestMessage": func() { _, _ = nilConv.LatestMessage() },
		"GetPriority":   func() { _ = nilConv.GetPriority() },
		"Team":          func() { _, _ = nilConv.Team() },
		"RawJSON":       func() { assert.Nil(t, nilConv.RawJSON()) },
		"UnmarshalJSON": func() { assert.Error(t, nilConv.UnmarshalJSON([]byte(`{"id":1}`))) },
		"json.Marshal":  func() { assert.Equal(t, "null", string(must(json.Marshal(nilConv)))) },
	} {
		assert.NotPanics(t, method, "(*Conversation)(nil).%s", name)
	}

	var nilClient *chatwoot.Client
	assert.NotPanics(t, func() {
		_, err := nilClient.ListContactConversations(context.Background(), 3, 4821)
		assert.Error(t, err)
	})
	assert.NotPanics(t, func() { assert.Equal(t, "a "+testToken, nilClient.Redact("a "+testToken)) })
	assert.NotPanics(t, func() { _ = nilClient.String() })
	assert.NotPanics(t, func() { _ = fmt.Sprintf("%v %+v %#v %s", nilClient, nilClient, nilClient, nilClient) })
}

func TestInvariant_AssigneeOnANilConversation(t *testing.T) {
	var nilConv *chatwoot.Conversation
	assert.NotPanics(t, func() {
		_, ok := nilConv.Assignee()
		assert.False(t, ok)
	})
}

// ---------------------------------------------------------------------
// What the scrubber costs: redactions in real text that holds no token.

// publishedDocs is Chatwoot's published documentation of the endpoint,
// beside the repository when the team's shared files are there.
const publishedDocs = "../../shared/chatwoot/published-docs.txt"

func TestScrub_FalsePositives(t *testing.T) {
	var corpus strings.Builder
	for _, name := range api.FixtureNames() {
		corpus.Write(fixture(t, name))
	}
	if docs, err := os.ReadFile(publishedDocs); err == nil {
		corpus.Write(docs)
	} else {
		t.Logf("without %s: %v", publishedDocs, err)
	}
	text := corpus.String()
	before := strings.Count(text, "[REDACTED]")
	tokens := 1000
	if testing.Short() {
		tokens = 100
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	rng := rand.New(rand.NewPCG(2026, 12))
	all := make([]string, tokens)
	for k := range all {
		token := make([]byte, 24)
		for i := range token {
			token[i] = alphabet[rng.IntN(len(alphabet))]
		}
		all[k] = string(token)
	}

	// What Redact does, on every token (in parallel: it is the slow part).
	var redactions, hidden, tokensHit atomic.Int64
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for k := next.Add(1) - 1; k < int64(tokens); k = next.Add(1) - 1 {
				c, err := chatwoot.NewClient("https://chat.example.com", chatwoot.WithAPIToken(all[k]))
				if !assert.NoError(t, err) {
					return
				}
				out := c.Redact(text)
				if n := strings.Count(out, "[REDACTED]") - before; n > 0 {
					redactions.Add(int64(n))
					tokensHit.Add(1)
					hidden.Add(int64(len(text) - (len(out) - n*len("[REDACTED]"))))
				}
			}
		})
	}
	wg.Wait()
	t.Logf("%d random 24-character tokens over %d bytes (the %d fixtures and the published docs): Redact made %d redactions in all (%d tokens with any), hiding %d bytes",
		tokens, len(text), len(api.FixtureNames()), redactions.Load(), tokensHit.Load(), hidden.Load())

	// What another run length would cost: places of the text (as it is, in
	// any case) that start a run of n characters of one of the tokens.
	lower := strings.ToLower(text)
	for _, n := range []int{4, 5, 6, 8} {
		grams := map[string]int{}
		for i := 0; i+n <= len(lower); i++ {
			grams[lower[i:i+n]]++
		}
		places := 0
		for _, token := range all {
			token = strings.ToLower(token)
			seen := map[string]bool{}
			for i := 0; i+n <= len(token); i++ {
				if g := token[i : i+n]; !seen[g] {
					seen[g] = true
					places += grams[g]
				}
			}
		}
		t.Logf("runs of %d: %d places over the %d tokens (%.3g per token per MiB)", n, places, tokens, float64(places)/float64(tokens)/(float64(len(text))/(1<<20)))
	}
	assert.Less(t, redactions.Load(), int64(10), "false positives")
}

// contextDeafBody sends its bytes, then blocks until it is closed: a body of
// a transport that does not end reads with the request's context.
type contextDeafBody struct {
	data   []byte
	closed chan struct{}
	once   sync.Once
}

func (b *contextDeafBody) Read(p []byte) (int, error) {
	if len(b.data) > 0 {
		n := copy(p, b.data)
		b.data = b.data[n:]
		return n, nil
	}
	<-b.closed
	return 0, io.ErrUnexpectedEOF
}

func (b *contextDeafBody) Close() error { b.once.Do(func() { close(b.closed) }); return nil }

// A transport other than net/http's may not end a body's reads with the
// context: the client closes the body at the attempt's deadline.
func TestInvariant_AStalledBodyOfAnotherTransportEndsByTheDeadline(t *testing.T) {
	hc := &http.Client{Transport: chatwoot.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, ContentLength: -1,
			Body: &contextDeafBody{data: []byte(`{"payload":[`), closed: make(chan struct{})}, Request: r}, nil
	})}
	c, err := chatwoot.NewClient("https://chat.example.com", chatwoot.WithAPIToken("tok_0123456789abcdef"), chatwoot.WithHTTPClient(hc))
	require.NoError(t, err)
	o := call(context.Background(), c, chatwoot.WithTimeout(200*time.Millisecond), chatwoot.WithMaxRetries(0))
	require.Error(t, o.err)
	assert.ErrorIs(t, o.err, context.DeadlineExceeded)
	assert.Less(t, o.took, 5*time.Second)
}
