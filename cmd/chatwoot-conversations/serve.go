package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// serveOptions are -serve-demo's -contacts and -rate-limit.
type serveOptions struct {
	contacts  int           // 0: the seed's
	rate      int           // requests a period; 0: no limit
	period    time.Duration // the rate limit's window
	rateAsSet string        // -rate-limit as given
}

// setContacts reads -contacts N.
func (o *serveOptions) setContacts(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > chatwoottest.MaxDemoContacts {
		return fmt.Errorf("write how many contacts to serve, 1 to %d, such as -contacts 500", chatwoottest.MaxDemoContacts)
	}
	o.contacts = n
	return nil
}

// setRateLimit reads -rate-limit N/PERIOD, such as 3000/1m; a PERIOD of a
// bare unit (3000/m) is one of it.
func (o *serveOptions) setRateLimit(v string) error {
	count, per, _ := strings.Cut(v, "/")
	n, errN := strconv.Atoi(count)
	if per != "" && per[0] >= 'a' && per[0] <= 'z' {
		per = "1" + per
	}
	period, errP := time.ParseDuration(per)
	if errN != nil || errP != nil || n < 1 || period <= 0 || period > time.Minute {
		return errors.New("write N/PERIOD: at most N requests (1 or more) from each address per PERIOD (a duration up to 1m), such as 3000/1m (Chatwoot's default) or 50/1s")
	}
	o.rate, o.period, o.rateAsSet = n, period, v
	return nil
}

// serveDemo serves the demo data (chatwoottest's seed, with opts) on addr
// until ctx ends, after printing on stdout what to export to reach it.
// addr must be a loopback address unless anyAddr.
func serveDemo(ctx context.Context, addr string, anyAddr bool, opts serveOptions, stdout, stderr io.Writer,
	say func(io.Writer, string, ...any), usageError func(string, ...any) int,
) int {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usageError("-serve-demo %q: give a host and a port, such as 127.0.0.1:8080 (port 0 for any free one)", addr)
	}
	if !anyAddr && !isLoopbackHost(host) {
		return usageError("-serve-demo %q is not a loopback address: the fake server would be open to other machines; give 127.0.0.1:PORT, [::1]:PORT or localhost:PORT, or add -serve-any to allow it", addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		say(stderr, "chatwoot-conversations: -serve-demo: %v", err)
		return exitAPIError
	}
	tcp, ok := l.Addr().(*net.TCPAddr)
	if !anyAddr && (!ok || !tcp.IP.IsLoopback()) { // "localhost" resolved elsewhere
		_ = l.Close()
		return usageError("-serve-demo %q listens on %s, which is not a loopback address; add -serve-any to allow it", addr, l.Addr())
	}
	options := []chatwoottest.Option{chatwoottest.WithListener(l)}
	if opts.contacts > 0 {
		options = append(options, chatwoottest.WithDemoContacts(opts.contacts))
	}
	if opts.rate > 0 {
		options = append(options, chatwoottest.WithRateLimit(opts.rate, opts.period))
	}
	srv := chatwoottest.NewServer(nil, options...)
	defer srv.Close()
	if v := srv.Violations(); len(v) > 0 {
		say(stderr, "chatwoot-conversations: -serve-demo: the demo data cannot be served: %v", v[0])
		return exitAPIError
	}

	fmt.Fprintf(stdout, "Serving the demo data as a fake Chatwoot server at %s until interrupted (Ctrl-C).\n", srv.URL)
	fmt.Fprintf(stdout, "In another shell:\n")
	fmt.Fprintf(stdout, "  export CHATWOOT_URL=%s CHATWOOT_API_TOKEN=%s\n", srv.URL, srv.Token)
	fmt.Fprintf(stdout, "  chatwoot-conversations -account %d -contact %d\n", chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	contacts := []string{
		fmt.Sprintf("%d (%d conversations)", chatwoottest.DemoContactID, chatwoottest.DemoConversationCount),
		fmt.Sprintf("%d (none)", chatwoottest.NoConversationsContactID),
		fmt.Sprintf("%d (one)", chatwoottest.OneConversationContactID),
		fmt.Sprintf("%d (25, of which the 20 newest are listed)", chatwoottest.ManyConversationsContactID),
	}
	if n := opts.contacts; n > 0 {
		last := chatwoottest.DemoContactID + int64(n) - 1
		if contacts = contacts[:min(n, len(contacts))]; n > len(contacts) {
			contacts = append(contacts, fmt.Sprintf("%d to %d (0 to 25 each, generated from the contact id)", chatwoottest.DemoContactID+int64(len(contacts)), last))
		}
		fmt.Fprintf(stdout, "  for c in $(seq %d %d); do chatwoot-conversations -account %d -contact $c; done\n", chatwoottest.DemoContactID, last, chatwoottest.DemoAccountID)
	}
	fmt.Fprintf(stdout, "Contacts of account %d: %s; of account %d: %d (two).\n", chatwoottest.DemoAccountID, strings.Join(contacts, ", "),
		chatwoottest.OtherAccountID, chatwoottest.OtherAccountContactID)
	if opts.rate > 0 {
		fmt.Fprintf(stdout, "Rate limit: %s from each address; past it, 429 \"Retry later\" until the period ends, as Chatwoot's rack-attack answers.\n", opts.rateAsSet)
	}
	if ok && !tcp.IP.IsLoopback() {
		fmt.Fprintf(stdout, "It listens on %s: from another machine, put this machine's address in CHATWOOT_URL and add -insecure-http (plain http: the token crosses the network in clear).\n", l.Addr())
	}

	<-ctx.Done()
	reqs := srv.Requests()
	limited := ""
	if opts.rate > 0 {
		n := 0
		for _, r := range reqs {
			if r.Status == http.StatusTooManyRequests {
				n++
			}
		}
		limited = fmt.Sprintf(", %d of them refused by the rate limit", n)
	}
	say(stderr, "chatwoot-conversations: -serve-demo: stopped after %d request(s)%s", len(reqs), limited)
	return exitOK
}

// isLoopbackHost reports whether host names this machine only: localhost,
// 127.0.0.0/8 or ::1. An empty host (":8080") is every interface.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
