package chatwoot_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// pacer lets one request through per tick: a token bucket with a burst of
// one. A *rate.Limiter of golang.org/x/time/rate does the same with any
// burst: rate.NewLimiter(45, 10) keeps under Chatwoot's 3000 a minute.
type pacer struct{ tick *time.Ticker }

func (p pacer) Wait(ctx context.Context) error {
	select {
	case <-p.tick.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// runJob lists the conversations of every contact with workers goroutines
// and returns how many each contact has; a contact whose call failed is
// reported with its error, never left out.
func runJob(ctx context.Context, c *chatwoot.Client, account int64, contacts []int64, workers int) (map[int64]int, map[int64]error) {
	var mu sync.Mutex
	counts, failed := map[int64]int{}, map[int64]error{}
	ids := make(chan int64)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for id := range ids {
				convs, err := c.ListContactConversations(ctx, account, id)
				mu.Lock()
				if err != nil {
					failed[id] = err
				} else {
					counts[id] = len(convs)
				}
				mu.Unlock()
			}
		})
	}
	for _, id := range contacts {
		ids <- id
	}
	close(ids)
	wg.Wait()
	return counts, failed
}

// A job over hundreds of contacts, kept under the server's rate limit by a
// limiter that the client consults before every attempt, retries
// included. The fake server limits each client address to 60 requests a
// 100 ms window (Chatwoot's 3000 a minute, 100 times as fast, and as
// strict: a 429 once it is reached) and answers some requests with a 503,
// a reset or a cut body, which the client retries.
func Example_bulkJob() {
	srv := chatwoottest.NewServer(nil, chatwoottest.WithoutSeedData(), chatwoottest.WithRateLimit(60, 100*time.Millisecond))
	defer srv.Close()
	var contacts []int64
	for id := int64(1); id <= 300; id++ {
		srv.AddConversations(1, id, chatwoottest.NewConversation(id, id))
		contacts = append(contacts, id)
	}
	srv.Inject(chatwoottest.Fault{Contact: 7, Status: 503, Body: "busy"},
		chatwoottest.Fault{Contact: 42, Reset: true}, chatwoottest.Fault{Contact: 99, CutAfter: 50})

	tick := time.NewTicker(2 * time.Millisecond) // 50 a window of 100 ms: under 60
	defer tick.Stop()
	client, err := srv.Client(chatwoot.WithRateLimiter(pacer{tick}))
	if err != nil {
		fmt.Println(err)
		return
	}
	counts, failed := runJob(context.Background(), client, 1, contacts, 8)

	limited := 0
	for _, r := range srv.Requests() {
		if r.Status == 429 {
			limited++
		}
	}
	fmt.Printf("%d contacts listed, %d failed, %d requests refused by the rate limit\n", len(counts), len(failed), limited)
	// Output: 300 contacts listed, 0 failed, 0 requests refused by the rate limit
}
