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
// clients open to it. Gzipped, the reply is compressed and sent in four
// flushed pieces (chunked, no length), as nginx's gzip does.
func countingServer(t *testing.T, zipped bool) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	body := twentyConversations(t)
	if zipped {
		body = gzipped(t, body)
	}
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if !zipped {
			_, _ = w.Write(body)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		for i := range 4 {
			_, _ = w.Write(body[i*len(body)/4 : (i+1)*len(body)/4])
			w.(http.Flusher).Flush()
		}
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
	for name, zipped := range map[string]bool{"plain": false, "gzip, chunked": true} {
		t.Run(name, func(t *testing.T) {
			srv, conns := countingServer(t, zipped)
			c := newClient(t, srv.URL)
			for range 200 {
				convs, err := c.ListContactConversations(context.Background(), 3, 4821)
				require.NoError(t, err)
				require.Len(t, convs, 20)
			}
			// net/http's gzip reading, decompressed to its end, has read
			// the body to its end too.
			assert.Equal(t, int32(1), conns.Load(), "each body is read to the end and closed, so the connection goes back to the pool")
		})
	}
}

func TestConnections_ConcurrentCallsReuseTheirConnections(t *testing.T) {
	srv, conns := countingServer(t, false)
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
	// 16 are kept idle for reuse; racing dials may open a few more. With
	// net/http's default of 2 idle connections per host, most of the 400
	// calls would open a new one.
	assert.LessOrEqual(t, conns.Load(), int32(100))
}
