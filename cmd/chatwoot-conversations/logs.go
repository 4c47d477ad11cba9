package main

import (
	"io"
	"strings"
	"sync"
)

// scrubbedLog is the standard logger's output. net/http writes there, with
// the server's bytes in it ("Unsolicited response received on idle HTTP
// channel starting with ..."), and so may other packages: each entry has
// the token redacted (in any form Redact finds) and is made safe for a
// terminal (see printable) before it reaches w, as one line.
type scrubbedLog struct {
	w      io.Writer
	redact func(string) string
}

// Write writes one log entry, as the log package hands them over.
func (l *scrubbedLog) Write(p []byte) (int, error) {
	line := printable(l.redact(strings.TrimSuffix(string(p), "\n"))) + "\n"
	if _, err := io.WriteString(l.w, line); err != nil {
		return 0, err
	}
	return len(p), nil
}

// lockedWriter serializes writes to w, which the command's own messages
// and the standard logger (from net/http's goroutines) share.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// Write writes p to w, one writer at a time.
func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
