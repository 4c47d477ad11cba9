package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// serveDemo serves the demo data (chatwoottest's seed) on addr until ctx
// ends, after printing on stdout what to export to reach it. addr must be
// a loopback address unless anyAddr.
func serveDemo(ctx context.Context, addr string, anyAddr bool, stdout, stderr io.Writer,
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
	srv := chatwoottest.NewServer(nil, chatwoottest.WithListener(l))
	defer srv.Close()
	if v := srv.Violations(); len(v) > 0 {
		say(stderr, "chatwoot-conversations: -serve-demo: the demo data cannot be served: %v", v[0])
		return exitAPIError
	}

	fmt.Fprintf(stdout, "Serving the demo data as a fake Chatwoot server at %s until interrupted (Ctrl-C).\n", srv.URL)
	fmt.Fprintf(stdout, "In another shell:\n")
	fmt.Fprintf(stdout, "  export CHATWOOT_URL=%s CHATWOOT_API_TOKEN=%s\n", srv.URL, srv.Token)
	fmt.Fprintf(stdout, "  chatwoot-conversations -account %d -contact %d\n", chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	fmt.Fprintf(stdout, "Contacts of account %d: %d (%d conversations), %d (none), %d (one), %d (25, of which the 20 newest are listed); of account %d: %d (two).\n",
		chatwoottest.DemoAccountID, chatwoottest.DemoContactID, chatwoottest.DemoConversationCount,
		chatwoottest.NoConversationsContactID, chatwoottest.OneConversationContactID, chatwoottest.ManyConversationsContactID,
		chatwoottest.OtherAccountID, chatwoottest.OtherAccountContactID)
	if ok && !tcp.IP.IsLoopback() {
		fmt.Fprintf(stdout, "It listens on %s: from another machine, put this machine's address in CHATWOOT_URL and add -insecure-http (plain http: the token crosses the network in clear).\n", l.Addr())
	}

	<-ctx.Done()
	say(stderr, "chatwoot-conversations: -serve-demo: stopped after %d request(s)", len(srv.Requests()))
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
