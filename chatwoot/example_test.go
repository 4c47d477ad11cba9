package chatwoot_test

import (
	"context"
	"encoding/json"
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

// Who a conversation is assigned to: kind, id and name for every kind
// (a kind this version does not know too), and the full detail by kind.
func ExampleConversation_Assignee() {
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
	for _, c := range convs[:5] {
		a, ok := c.Assignee()
		if !ok {
			fmt.Printf("#%d: unassigned\n", c.ID)
			continue
		}
		fmt.Printf("#%d: %s (%s)", c.ID, a.Name, a.Kind)
		if agent, ok := a.Agent(); ok {
			fmt.Printf(", %s", agent.AvailabilityStatus)
		}
		fmt.Println()
	}
	// Output:
	// #2101: Acme Helper (Captain::Assistant)
	// #2100: Triage bot (AgentBot)
	// #2099: unassigned
	// #1901: unassigned
	// #1900: unassigned
}

// Who sent a message; activity messages have no sender.
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
		msg, _ := c.LatestMessage()
		if s, ok := chatwoot.SenderOf(&msg); ok {
			fmt.Printf("#%d: %s %q: %s\n", c.ID, s.Kind, s.Name, chatwoot.MessagePreview(&msg, 30))
		} else {
			fmt.Printf("#%d: no sender: %s\n", c.ID, chatwoot.MessagePreview(&msg, 30))
		}
	}
	// Output:
	// #1600: no sender: (activity) Conversation was m…
	// #1543: no sender: (activity) Conversation was s…
	// #1542: contact "Jane Doe": Here is the screenshot of the…
	// #812: contact "Jane Doe": Here is the screenshot of the…
	// #1599: captain_assistant "Acme Assistant": Hi! I can help with invoices.
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

// Read a value kept as sent (custom_attributes, content_attributes, …)
// with json.Unmarshal, into the Go type you expect; json.Number keeps an
// integer beyond 2^53 exact.
func ExampleConversation_customAttributes() {
	var c chatwoot.Conversation
	if err := json.Unmarshal([]byte(`{"id":7,"custom_attributes":{"plan":"pro","crm_id":1789234567890123456}}`), &c); err != nil {
		log.Fatal(err)
	}
	var attrs struct {
		Plan  string      `json:"plan"`
		CRMID json.Number `json:"crm_id"`
	}
	if err := json.Unmarshal(c.CustomAttributes, &attrs); err != nil {
		log.Fatal(err)
	}
	fmt.Println(attrs.Plan, attrs.CRMID, c.CustomAttributes.Kind() == '{')
	// Output: pro 1789234567890123456 true
}
