package chatwoottest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/go-chatwoot/chatwoot-go/gen"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// A fake Chatwoot server with realistic data, and a client for it. In a
// test, pass t to NewServer: the server closes when the test ends, and a
// reply that breaks the spec fails the test.
func ExampleNewServer() {
	srv := chatwoottest.NewServer(nil)
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	convs, err := client.ListContactConversations(context.Background(), chatwoottest.DemoAccountID, chatwoottest.OneConversationContactID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(convs), convs[0].Status)
	// Output: 1 resolved
}

// Data of your own: a conversation built from NewConversation, with a
// message from NewMessage.
func ExampleServer_AddConversations() {
	srv := chatwoottest.NewServer(nil, chatwoottest.WithoutSeedData())
	defer srv.Close()
	conv := chatwoottest.NewConversation(42, 900)
	conv.Status = gen.ConversationStatusOpen
	conv.Labels = []string{"vip"}
	msg := chatwoottest.NewMessage(7001, 42, "Where is my order?")
	conv.Messages = []chatwoot.Message{msg}
	conv.LastNonActivityMessage = &msg
	srv.AddConversations(1, 900, conv)

	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	convs, err := client.ListContactConversations(context.Background(), 1, 900)
	if err != nil {
		log.Fatal(err)
	}
	last, _ := convs[0].LastMessage()
	fmt.Println(convs[0].ID, convs[0].Labels, chatwoot.MessageText(&last))
	// Output: 42 [vip] Where is my order?
}

// Faults: one contact's requests fail, every time, while the others work.
func ExampleServer_Inject() {
	srv := chatwoottest.NewServer(nil)
	defer srv.Close()
	client, err := srv.Client(chatwoot.WithMaxRetries(0))
	if err != nil {
		log.Fatal(err)
	}
	srv.Inject(chatwoottest.Fault{Contact: chatwoottest.OneConversationContactID, Times: chatwoottest.Forever,
		Status: 404, ContentType: "application/json", Body: `{"error":"Resource could not be found"}`})

	ctx := context.Background()
	_, err = client.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.OneConversationContactID)
	fmt.Println(errors.Is(err, chatwoot.ErrNotFound))
	_, err = client.ListContactConversations(ctx, chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	fmt.Println(err)
	// Output:
	// true
	// <nil>
}

// Chatwoot's 429 has no Retry-After; the client waits for the rate limit's
// next minute. RateLimited puts that a second away; RateLimitedFor further,
// here past the client's 30 s budget, so the call returns at once and says
// when to come back.
func ExampleRateLimitedFor() {
	srv := chatwoottest.NewServer(nil)
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	srv.Inject(chatwoottest.RateLimitedFor(45 * time.Second))
	_, err = client.ListContactConversations(context.Background(), chatwoottest.DemoAccountID, chatwoottest.DemoContactID)
	var apiErr *chatwoot.APIError
	if errors.As(err, &apiErr) && errors.Is(err, chatwoot.ErrRateLimited) {
		fmt.Println("rate limited; come back in", apiErr.RetryAfter.Truncate(time.Second))
	}
	// Output: rate limited; come back in 45s
}

// A job against Chatwoot's rate limit, in a short window: 5 requests per
// client address per 300 ms. The client waits out each 429 until the fake's
// window ends (the fake's Date header says when), so every call succeeds,
// and Requests shows that no window let more than 5 through.
func ExampleWithRateLimit() {
	const limit, window = 5, 300 * time.Millisecond
	srv := chatwoottest.NewServer(nil, chatwoottest.WithRateLimit(limit, window))
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	answered := 0
	for range 12 {
		if _, err := client.ListContactConversations(context.Background(), chatwoottest.DemoAccountID, chatwoottest.OneConversationContactID); err == nil {
			answered++
		}
	}
	busiest := map[int64]int{}
	most := 0
	for _, r := range srv.Requests() {
		if r.Status == 200 {
			w := r.Time.UnixNano() / int64(window)
			busiest[w]++
			most = max(most, busiest[w])
		}
	}
	fmt.Println("answered:", answered, "most in one window:", most <= limit)
	// Output: answered: 12 most in one window: true
}

// A conversation as a newer Chatwoot may send it: a status and a key that
// api/openapi.yaml does not know yet. It is served as given, while the
// rest of the reply is still validated strictly.
func ExampleServer_AddRawConversation() {
	srv := chatwoottest.NewServer(nil, chatwoottest.WithoutSeedData())
	defer srv.Close()
	conv := chatwoottest.NewConversation(42, 900)
	raw, err := json.Marshal(conv)
	if err != nil {
		log.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		log.Fatal(err)
	}
	fields["status"] = "escalated"              // an enum value the spec does not list
	fields["handoff"] = map[string]any{"to": 7} // a key it does not describe
	raw, err = json.Marshal(fields)
	if err != nil {
		log.Fatal(err)
	}
	srv.AddRawConversation(1, 900, raw)

	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	convs, err := client.ListContactConversations(context.Background(), 1, 900)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(convs[0].ID, convs[0].Status, len(srv.Violations()))
	// Output: 42 escalated 0
}
