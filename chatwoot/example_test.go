package chatwoot_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// List a contact's conversations. Against a real server, pass its address
// and your token: chatwoot.NewClient("https://app.chatwoot.com",
// chatwoot.WithAPIToken(os.Getenv("CHATWOOT_API_TOKEN"))).
func Example() {
	srv := chatwoottest.NewServer(nil) // a fake Chatwoot server, for this example
	defer srv.Close()

	client, err := chatwoot.NewClient(srv.URL, chatwoot.WithAPIToken(srv.Token))
	if err != nil {
		log.Fatal(err)
	}
	convs, err := client.ListContactConversations(context.Background(), 3, 4821)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range convs[:3] {
		fmt.Printf("#%d %s, last activity %s, updated %s\n",
			c.ID, c.Status, c.LastActivityAt, c.UpdatedAt.Time().Format(time.StampMicro))
	}
	// Output:
	// #2101 open, last activity 2026-08-13T06:21:49Z, updated Aug 13 06:21:49.873411
	// #2100 pending, last activity 2026-08-13T05:13:20Z, updated Aug 13 05:13:20.120044
	// #2099 resolved, last activity 2026-08-13T03:00:04Z, updated Aug 13 03:00:04.660012
}

// Errors carry the status and the server's message; errors.Is tells the
// common cases apart.
func Example_errorHandling() {
	srv := chatwoottest.NewServer(nil)
	defer srv.Close()
	client, err := chatwoot.NewClient(srv.URL, chatwoot.WithAPIToken("not-the-token"))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.ListContactConversations(context.Background(), 3, 4821)
	var apiErr *chatwoot.APIError
	switch {
	case errors.Is(err, chatwoot.ErrUnauthorized) && errors.As(err, &apiErr):
		fmt.Printf("unauthorized (%d): %s\n", apiErr.StatusCode, apiErr.Message)
	case errors.Is(err, chatwoot.ErrNotFound):
		fmt.Println("no such account or contact")
	case errors.Is(err, chatwoot.ErrRateLimited):
		fmt.Println("rate limited: try later")
	case err != nil:
		fmt.Println("other error:", err)
	}
	// Output:
	// unauthorized (401): Invalid Access Token
}

// A conversation's assignee is a user or an agent bot.
func ExampleAssigneeOf() {
	srv := chatwoottest.NewServer(nil)
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	convs, err := client.ListContactConversations(context.Background(), chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range convs {
		assignee, err := chatwoot.AssigneeOf(&c)
		switch a := assignee.(type) {
		case chatwoot.Agent:
			fmt.Printf("#%d: agent %s (%s)\n", c.ID, a.AvailableName, a.AvailabilityStatus)
		case chatwoot.AgentBot:
			fmt.Printf("#%d: bot %s\n", c.ID, a.Name)
		case chatwoot.CaptainAssistant:
			fmt.Printf("#%d: Captain %s\n", c.ID, a.Name)
		case nil:
			if err != nil {
				fmt.Printf("#%d: %v\n", c.ID, err)
			}
		}
	}
	// Output:
	// #2101: Captain Acme Helper
	// #2100: bot Triage bot
	// #1600: agent Sam (online)
	// #1543: bot Triage Bot
	// #1542: agent Sam (online)
	// #812: agent Sam (online)
	// #1540: bot Captain
	// #1800: agent Sam (busy)
}

// A message's sender is one of four kinds; activity messages have none.
func ExampleSenderOf() {
	srv := chatwoottest.NewServer(nil)
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	convs, err := client.ListContactConversations(context.Background(), chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range convs[6:11] {
		msg := c.Messages[0]
		sender, err := chatwoot.SenderOf(&msg)
		if err != nil {
			log.Fatal(err)
		}
		switch s := sender.(type) {
		case chatwoot.ContactSender:
			fmt.Printf("#%d: contact %s\n", c.ID, s.Name)
		case chatwoot.UserSender:
			fmt.Printf("#%d: agent %s\n", c.ID, s.AvailableName)
		case chatwoot.AgentBotSender:
			fmt.Printf("#%d: bot %s\n", c.ID, s.Name)
		case chatwoot.CaptainAssistantSender:
			fmt.Printf("#%d: assistant %s\n", c.ID, s.Name)
		case nil:
			fmt.Printf("#%d: no sender (activity)\n", c.ID)
		}
	}
	// Output:
	// #1600: no sender (activity)
	// #1543: no sender (activity)
	// #1542: contact Jane Doe
	// #812: contact Jane Doe
	// #1599: assistant Acme Assistant
}

// Chatwoot sends 0 for a time that never happened; Time returns the zero
// time.Time for it rather than 1970.
func ExampleUnixTime() {
	var neverReplied chatwoot.UnixTime // first_reply_created_at before any reply
	fmt.Println(neverReplied.IsSet(), neverReplied.Time().IsZero(), neverReplied)

	replied := chatwoot.UnixTime(1781683540)
	fmt.Println(replied.IsSet(), replied.Time().Format(time.RFC3339))
	// Output:
	// false true never
	// true 2026-06-17T08:05:40Z
}
