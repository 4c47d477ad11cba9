package chatwoot_test

// Three ordinary programs against the fake server, as a new user writes
// them: a support sidebar, a CSV export, and a cron job over many contacts.

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/go-chatwoot/chatwoot-go/gen"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// A support sidebar: the contact's open and pending conversations, with
// assignee, team, labels, waiting time, and the last message and its sender.
func Example_supportSidebar() {
	srv := chatwoottest.NewServer(nil)
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	convs, err := client.ListContactConversations(context.Background(), 3, 4821)
	if err != nil {
		log.Fatal(err)
	}
	now := time.Date(2026, 6, 17, 12, 0, 0, 0, time.UTC) // time.Now() in a real sidebar
	for _, c := range convs {
		if c.Status != gen.ConversationStatusOpen && c.Status != gen.ConversationStatusPending {
			continue
		}
		assignee, team, waiting, last := "unassigned", "-", "-", "-"
		if a, ok := c.Assignee(); ok {
			assignee = a.Name
		}
		if t, ok := c.Team(); ok {
			team = t.Name
		}
		if since, ok := c.WaitingSince.Get(); ok && since.Before(now) {
			waiting = now.Sub(since).Round(time.Minute).String()
		}
		if m, ok := c.LastMessage(); ok {
			who := "someone"
			if s, ok := chatwoot.SenderOf(&m); ok && s.Name != "" {
				who = s.Name
			}
			last = who + ": " + chatwoot.MessagePreview(&m, 24)
		}
		fmt.Printf("#%d %s %s, %s, team %s, labels %v, waiting %s | %s\n",
			c.ID, c.Status, c.GetPriority(), assignee, team, c.Labels, waiting, last)
	}
	if chatwoot.MayHaveMore(convs) {
		fmt.Println("(older conversations not shown)")
	}
	// Output:
	// #2101 open , Acme Helper, team billing, labels [billing], waiting - | Jane Doe: Voice call
	// #2100 pending , Triage bot, team support, labels [], waiting - | -
	// #1901 open , unassigned, team -, labels [], waiting - | someone: Your order has shipped
	// #1700 open , unassigned, team -, labels [], waiting 1h0m0s | Jane Doe: [13 attachments]
	// #1542 open high, Sam, team billing, labels [billing vip], waiting 1h45m0s | Jane Doe: Here is the screenshot …
	// #812 open high, Sam, team billing, labels [billing vip], waiting 1h45m0s | Jane Doe: Here is the screenshot …
	// #1599 open , unassigned, team -, labels [], waiting - | Acme Assistant: Hi! I can help with inv…
	// #1598 open , unassigned, team -, labels [], waiting 2h23m0s | Jane Doe: I have the same question
	// #1540 pending low, Captain, team -, labels [], waiting - | Captain: Bot handoff pending
	// #1800 open medium, Sam, team escalations, labels [], waiting - | Sam: Re: invoice #10023
}

// A CSV export: one row per conversation; times in RFC 3339, and an empty
// cell for a time that never happened.
func Example_csvExport() {
	srv := chatwoottest.NewServer(nil)
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	convs, err := client.ListContactConversations(context.Background(), 3, 4821)
	if err != nil {
		log.Fatal(err)
	}
	w := csv.NewWriter(os.Stdout)
	_ = w.Write([]string{"id", "status", "priority", "assignee", "created_at", "first_reply_at", "labels"})
	for _, c := range convs[13:17] {
		assignee, _ := c.Assignee()
		_ = w.Write([]string{fmt.Sprint(c.ID), string(c.Status), string(c.GetPriority()), assignee.Name,
			c.CreatedAt.Format(time.RFC3339), c.FirstReplyCreatedAt.Format(time.RFC3339), strings.Join(c.Labels, ";")})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// id,status,priority,assignee,created_at,first_reply_at,labels
	// 1540,pending,low,Captain,2026-06-17T08:02:11Z,,
	// 1800,open,medium,Sam,2026-06-17T08:02:11Z,2026-06-17T08:05:40Z,
	// 1801,resolved,,,2026-06-17T08:02:11Z,2026-06-17T08:05:40Z,
	// 1377,resolved,,,2026-05-04T13:30:00Z,,
}

// A cron job over many contacts, with a deadline and a logger, that tells
// a bad token (stop), an unknown contact (skip) and the rate limit (stop,
// and come back when it says) apart.
func Example_cronJob() {
	srv := chatwoottest.NewServer(nil)
	defer srv.Close()
	for id := int64(5000); id < 5050; id++ {
		srv.AddConversations(3, id, chatwoottest.NewConversation(id, id))
	}
	srv.Inject(chatwoottest.Fault{Contact: 5007, Status: 404, ContentType: "application/json", Body: `{"error":"Resource could not be found"}`},
		chatwoottest.Fault{Contact: 5030, Times: chatwoottest.Forever, Status: 429, ContentType: "text/plain", Body: "Retry later\n",
			Header: map[string][]string{"Retry-After": {"600"}}})
	logger := slog.New(slog.NewTextHandler(io.Discard, nil)) // your own logger: one line per attempt
	client, err := srv.Client(chatwoot.WithLogger(logger))
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var done, skipped, total int
	for id := int64(5000); id < 5050; id++ {
		convs, err := client.ListContactConversations(ctx, 3, id)
		var apiErr *chatwoot.APIError
		switch {
		case errors.Is(err, chatwoot.ErrUnauthorized):
			log.Fatal("the token is wrong or revoked: ", err)
		case errors.Is(err, chatwoot.ErrNotFound):
			skipped++
			continue
		case errors.Is(err, chatwoot.ErrRateLimited) && errors.As(err, &apiErr):
			fmt.Printf("rate limited at contact %d: run again in %v\n", id, apiErr.RetryAfter)
		case err != nil:
			log.Fatal(err)
		}
		if err != nil {
			break
		}
		done++
		total += len(convs)
	}
	fmt.Printf("%d contacts read, %d skipped, %d conversations\n", done, skipped, total)
	// Output:
	// rate limited at contact 5030: run again in 10m0s
	// 29 contacts read, 1 skipped, 29 conversations
}
