// Command chatwoot-conversations lists a Chatwoot contact's conversations.
//
//	go run ./cmd/chatwoot-conversations -demo
//	CHATWOOT_URL=https://app.chatwoot.com CHATWOOT_API_TOKEN=... \
//	    chatwoot-conversations -account 3 -contact 4821 [-o table|json] [-check]
//
// -demo starts a fake Chatwoot server in the process (package chatwoottest)
// and needs no account and no network. The token is read from the
// environment only: a flag would show it to anyone running ps.
//
// -check compares the reply with the spec, key by key, and exits with 3
// when anything differs: how a new Chatwoot release's changes show up.
//
// -serve-demo ADDR serves the demo data as a fake Chatwoot server on ADDR
// (a loopback address, unless -serve-any) until interrupted, and prints the
// CHATWOOT_URL and CHATWOOT_API_TOKEN that reach it: to try this command or
// a job by hand, from another shell. -contacts N serves N contacts, with
// conversations generated from their ids, and -rate-limit N/PERIOD answers
// as Chatwoot's rate limit does, for a job over many contacts.
//
// Everything printed for people is made safe for a terminal (control
// characters and bidirectional overrides are shown escaped) and never holds
// the token, whatever the server sends; -o json is the server's JSON as it
// was sent, with the token redacted the same way. That includes what net/http writes to the standard logger
// ("Unsolicited response received on idle HTTP channel starting with ...",
// which quotes the server's bytes): the command sends it through the same
// scrubbing.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/go-chatwoot/chatwoot-go/gen"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// Exit statuses.
const (
	exitOK       = 0
	exitAPIError = 1 // the request failed: the message says what to check
	exitUsage    = 2 // the command line or environment is wrong
)

const usageText = `Usage: chatwoot-conversations [flags]

Lists a Chatwoot contact's conversations: at most 20, newest activity first.

Try it without an account:
  chatwoot-conversations -demo

Against your server, set the environment, then give the ids:
  export CHATWOOT_URL=https://app.chatwoot.com   # the address you open Chatwoot at
  export CHATWOOT_API_TOKEN=...                   # Profile settings > Access Token
  chatwoot-conversations -account 3 -contact 4821

The ids are in Chatwoot's address bar: .../app/accounts/ACCOUNT/contacts/CONTACT.
The token is read only from the environment: a flag would show it in ps.
A self-hosted server on plain http on another machine needs -insecure-http
(or CHATWOOT_INSECURE_HTTP=1): the token then crosses the network in clear.

What does your server send that this library's spec does not describe?
  chatwoot-conversations -check -account 3 -contact 4821

Serve the demo data on an address of this machine, until interrupted, and
try this command or your own job against it from another shell:
  chatwoot-conversations -serve-demo 127.0.0.1:8080
It prints the CHATWOOT_URL and CHATWOOT_API_TOKEN to export. It listens on
loopback only; -serve-any lets it listen where other machines reach it.
For a job over many contacts, behind Chatwoot's rate limit (3000 requests a
minute from each address, then 429 "Retry later"):
  chatwoot-conversations -serve-demo 127.0.0.1:8080 -contacts 500 -rate-limit 3000/1m

Flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, time.Local)
	stop()
	os.Exit(code)
}

// run is the whole command, with its surroundings passed in for tests. It
// sends the standard logger to stderr through the token's scrubbing (see
// scrubbedLog), and leaves it so: net/http may log after run has returned.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, loc *time.Location) int {
	stderr = &lockedWriter{w: stderr} // the standard logger writes to it from other goroutines
	flags := flag.NewFlagSet("chatwoot-conversations", flag.ContinueOnError)
	flags.SetOutput(io.Discard) // errors are said in one line below; -h prints the usage
	demo := flags.Bool("demo", false, "list a demo contact's conversations from a built-in fake Chatwoot server")
	accountID := flags.Int64("account", 0, "the account id (required without -demo)")
	contactID := flags.Int64("contact", 0, "the contact id (required without -demo)")
	output := flags.String("o", "table", "output: table, or json (the server's {\"payload\": [...]})")
	timeout := flags.Duration("timeout", time.Minute, "give up after this long, retries included")
	check := flags.Bool("check", false, "compare the server's reply with the spec this library follows and list, key by key, what differs (exit status 3 if anything does)")
	insecure := flags.Bool("insecure-http", false, "allow a plain http:// CHATWOOT_URL on another machine (the token crosses the network in clear text); also CHATWOOT_INSECURE_HTTP=1")
	serve := flags.String("serve-demo", "", "serve the demo data as a fake Chatwoot server on `ADDR` (such as 127.0.0.1:8080) until interrupted, printing the CHATWOOT_URL and CHATWOOT_API_TOKEN to use")
	serveAny := flags.Bool("serve-any", false, "let -serve-demo listen on an address other than loopback, where other machines may reach it")
	var demoOpts serveOptions
	flags.Func("contacts", "with -serve-demo: serve `N` contacts of account 3, 4821 to 4821+N-1 (the demo contacts first, then contacts with conversations generated from their ids)", demoOpts.setContacts)
	flags.Func("rate-limit", "with -serve-demo: let each address make at most N requests a PERIOD, given as `N/PERIOD` (such as 3000/1m, Chatwoot's default), and answer the others with rack-attack's 429 until the PERIOD ends", demoOpts.setRateLimit)

	// Every line for people goes through say: the token is redacted (in
	// any form a server or proxy may have echoed it) and control
	// characters are neutralised. -o json is redacted, and escaped as JSON.
	redact := func(s string) string { return s }
	say := func(w io.Writer, format string, a ...any) {
		fmt.Fprintln(w, printable(redact(fmt.Sprintf(format, a...))))
	}
	usageError := func(format string, a ...any) int {
		say(stderr, "chatwoot-conversations: "+format, a...)
		fmt.Fprintln(stderr, "Run chatwoot-conversations -h for help.")
		return exitUsage
	}

	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageText)
			flags.SetOutput(stdout)
			flags.PrintDefaults()
			return exitOK
		}
		return usageError("%v", err)
	}
	if flags.NArg() > 0 {
		return usageError("unexpected argument %q: the ids go in -account and -contact", flags.Arg(0))
	}
	if *output != "table" && *output != "json" {
		return usageError("-o %q: choose table or json", *output)
	}
	set := map[string]bool{}
	flags.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["serve-demo"] {
		for _, name := range []string{"demo", "account", "contact", "o", "timeout", "check", "insecure-http"} {
			if set[name] {
				return usageError("-serve-demo serves the demo data until interrupted; it takes no -%s (run the listing from another shell)", name)
			}
		}
		// Lines from net/http's server go through the scrubbing too, with
		// the token of the environment, should anything echo it.
		log.SetOutput(&scrubbedLog{w: stderr, redact: chatwoot.RedactorFor(getenv("CHATWOOT_API_TOKEN"))})
		return serveDemo(ctx, *serve, *serveAny, demoOpts, stdout, stderr, say, usageError)
	}
	for _, name := range []string{"serve-any", "contacts", "rate-limit"} {
		if set[name] {
			return usageError("-%s goes with -serve-demo ADDR", name)
		}
	}

	var client *chatwoot.Client
	var err error
	var kept *bodyKeeper // with -check: the reply as sent, to compare when it cannot be read
	if *check {
		kept = &bodyKeeper{}
	}
	if *demo {
		srv := chatwoottest.NewServer(nil)
		defer srv.Close()
		if *accountID == 0 {
			*accountID = chatwoottest.DemoAccountID
		}
		if *contactID == 0 {
			*contactID = chatwoottest.DemoContactID
		}
		say(stderr, "demo: contact %d of account %d, from a fake Chatwoot server at %s", *contactID, *accountID, srv.URL)
		client, err = srv.Client(kept.options(srv.URL, false)...)
	} else {
		baseURL, token := getenv("CHATWOOT_URL"), getenv("CHATWOOT_API_TOKEN")
		redact = chatwoot.RedactorFor(token)
		switch {
		case baseURL == "":
			return usageError("CHATWOOT_URL is not set: export CHATWOOT_URL=https://app.chatwoot.com (your server's address), or try -demo")
		case strings.TrimSpace(token) == "":
			return usageError("CHATWOOT_API_TOKEN is not set: export it with the access token from Chatwoot's Profile settings, or try -demo")
		case *accountID < 1 || *contactID < 1:
			return usageError("give -account and -contact, the positive ids in Chatwoot's address bar (.../app/accounts/ACCOUNT/contacts/CONTACT)")
		}
		opts := []chatwoot.Option{chatwoot.WithAPIToken(token), chatwoot.WithUserAgent("chatwoot-conversations")}
		allowPlain := *insecure || getenv("CHATWOOT_INSECURE_HTTP") == "1"
		if allowPlain {
			opts = append(opts, chatwoot.WithInsecureHTTP())
		}
		client, err = chatwoot.NewClient(baseURL, append(opts, kept.options(baseURL, allowPlain)...)...)
	}
	if err != nil {
		if strings.Contains(err.Error(), "WithInsecureHTTP") {
			return usageError("%v\n(for this command: -insecure-http, or CHATWOOT_INSECURE_HTTP=1)", err)
		}
		return usageError("%v", err)
	}
	redact = client.Redact
	log.SetOutput(&scrubbedLog{w: stderr, redact: client.Redact})

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	convs, err := client.ListContactConversations(ctx, *accountID, *contactID)
	if *check && (err == nil || errors.As(err, new(*chatwoot.DecodeError))) {
		return checkDrift(stdout, convs, err, kept.body(), redact)
	}
	if err != nil {
		say(stderr, "chatwoot-conversations: %v", err)
		return exitAPIError
	}
	if *output == "json" {
		err = writeJSON(stdout, convs, redact)
	} else {
		err = writeTable(stdout, convs, loc, redact)
	}
	if err != nil {
		say(stderr, "chatwoot-conversations: writing the output: %v", err)
		return exitAPIError
	}
	return exitOK
}

// writeJSON prints the conversations as the server sent them, indented,
// with the token redacted like every other output: a string that held it
// reads [REDACTED] there. Should redacting break the JSON (a run of the
// token's digits as a bare number), nothing is printed but an error.
func writeJSON(w io.Writer, convs []chatwoot.Conversation, redact func(string) string) error {
	out, err := json.MarshalIndent(map[string][]chatwoot.Conversation{"payload": convs}, "", "  ")
	if err != nil {
		return err
	}
	clean := redact(string(out))
	if !json.Valid([]byte(clean)) {
		return errors.New("the reply holds the API token where redacting it leaves no valid JSON: use -o table, which redacts it")
	}
	_, err = fmt.Fprintln(w, clean)
	return err
}

// writeTable prints one line per conversation, each cell made safe for a
// terminal (see printable) and with the token redacted, times in loc with
// its zone.
func writeTable(w io.Writer, convs []chatwoot.Conversation, loc *time.Location, redact func(string) string) error {
	cell := func(s string) string {
		if s == "" {
			return "-"
		}
		return printable(redact(s))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tPRIORITY\tINBOX\tASSIGNEE\tLABELS\tLAST ACTIVITY\tLATEST MESSAGE")
	for i := range convs {
		c := &convs[i]
		var assignee, latest string
		if a, ok := c.Assignee(); ok {
			switch a.Kind {
			case gen.AssigneeTypeUser:
				assignee = a.Name
			case gen.AssigneeTypeAgentBot:
				assignee = a.Name + " (bot)"
			case gen.AssigneeTypeCaptainAssistant:
				assignee = a.Name + " (assistant)"
			default:
				assignee = a.Name + " (" + string(a.Kind) + ")"
			}
		}
		if m, ok := c.LatestMessage(); ok {
			latest = chatwoot.MessagePreview(&m, 48)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", c.ID, cell(string(c.Status)), cell(string(c.GetPriority())),
			c.InboxID, cell(assignee), cell(strings.Join(c.Labels, ",")),
			c.LastActivityAt.Time().In(loc).Format("2006-01-02 15:04 MST"), cell(latest))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	more := ""
	if chatwoot.MayHaveMore(convs) {
		more = "; this contact may have more"
	}
	_, err := fmt.Fprintf(w, "%d conversation(s); Chatwoot returns at most %d, newest activity first%s.\n", len(convs), chatwoot.MaxConversations, more)
	return err
}
