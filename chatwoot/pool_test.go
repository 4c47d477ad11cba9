package chatwoot_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingServer serves a 20-conversation reply and counts the connections
// clients open to it.
func countingServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	body := twentyConversations(t)
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

func TestConnections_SequentialCallsReuseOne(t *testing.T) {
	srv, conns := countingServer(t)
	c := newClient(t, srv.URL)
	for range 200 {
		convs, err := c.ListContactConversations(context.Background(), 3, 4821)
		require.NoError(t, err)
		require.Len(t, convs, 20)
	}
	assert.Equal(t, int32(1), conns.Load(), "each body is read to the end and closed, so the connection goes back to the pool")
}

func TestConnections_ConcurrentCallsOpenAtMostOnePerGoroutine(t *testing.T) {
	srv, conns := countingServer(t)
	c := newClient(t, srv.URL)
	var wg sync.WaitGroup
	var failures atomic.Int32
	for range 16 {
		wg.Go(func() {
			for range 25 {
				if convs, err := c.ListContactConversations(context.Background(), 3, 4821); err != nil || len(convs) != 20 {
					failures.Add(1)
				}
			}
		})
	}
	wg.Wait()
	assert.Zero(t, failures.Load())
	assert.LessOrEqual(t, conns.Load(), int32(16), "net/http's default of 2 idle connections per host would open new ones all the time")
}
