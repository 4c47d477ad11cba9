package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// exitDrift is the exit status of -check when the reply differs from the spec.
const exitDrift = 3

// checkDrift compares what the server sent with the spec this library
// follows and prints each difference, then a one-line verdict. A new
// Chatwoot release shows up here first: keys and values it added, and
// anything it changed.
func checkDrift(w io.Writer, convs []chatwoot.Conversation, listErr error, redact func(string) string) int {
	safe := func(s string) string { return printable(redact(s)) }
	var decErr *chatwoot.DecodeError
	if errors.As(listErr, &decErr) {
		fmt.Fprintf(w, "violation\t%s\n", safe(decErr.Error()))
		fmt.Fprintln(w, "differs: this library cannot read the reply (see above); please report it with the Chatwoot version")
		return exitDrift
	}
	body := []byte(`{"payload":[`)
	for i := range convs {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, convs[i].RawJSON()...)
	}
	body = append(body, "]}"...)
	diffs, err := chatwoottest.Compare(body)
	if err != nil {
		fmt.Fprintf(w, "chatwoot-conversations: -check: %v\n", err)
		return exitAPIError
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	count := map[chatwoottest.DifferenceKind]int{}
	conversations := map[string]bool{}
	for _, d := range diffs {
		count[d.Kind]++
		conversations[conversationOf(d.Path)] = true
		detail := ""
		if d.Detail != "" {
			detail = ": " + d.Detail
		}
		fmt.Fprintf(tw, "%s\t%s%s\n", d.Kind, safe(d.Path), safe(detail))
	}
	if err := tw.Flush(); err != nil {
		return exitAPIError
	}
	if len(diffs) == 0 {
		fmt.Fprintf(w, "matches: %d conversation(s), every key and value as api/openapi.yaml (Chatwoot 4.0.2 to 4.18) describes\n", len(convs))
		return exitOK
	}
	fmt.Fprintf(w, "differs: %d difference(s) (%d unknown key(s), %d unknown value(s), %d violation(s)) in %d of %d conversation(s); the library keeps them all, but its spec does not describe them: please report them with the Chatwoot version\n",
		len(diffs), count[chatwoottest.UnknownKey], count[chatwoottest.UnknownValue], count[chatwoottest.Violation], len(conversations), len(convs))
	return exitDrift
}

// conversationOf returns "/payload/N" of a path inside conversation N.
func conversationOf(path string) string {
	parts := strings.SplitN(path, "/", 4)
	if len(parts) < 3 {
		return path
	}
	return strings.Join(parts[:3], "/")
}
