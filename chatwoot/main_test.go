package chatwoot_test

import (
	"flag"
	"os"
	"testing"
)

// TestMain runs up to 8 parallel tests at once, not GOMAXPROCS: most of
// this package's parallel tests wait on timers and loopback sockets, not
// the CPU (a stalled body, a deadline). An explicit -parallel wins.
func TestMain(m *testing.M) {
	if err := flag.Set("test.parallel", "8"); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}
