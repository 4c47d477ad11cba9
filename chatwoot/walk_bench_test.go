package chatwoot

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// BenchmarkWalk is the walk alone (bounds, duplicate keys, the split into
// conversations) over a 200-conversation reply, for profiling it.
func BenchmarkWalk(b *testing.B) {
	body, _ := os.ReadFile("testdata/bench_reply.json")
	var v struct{ Payload []map[string]any }
	_ = json.Unmarshal(body, &v)
	var buf bytes.Buffer
	buf.WriteString(`{"payload":[`)
	for i := 0; i < 200; i++ {
		if i > 0 {
			buf.WriteByte(',')
		}
		c := v.Payload[i%20]
		c["id"] = i + 1
		x, _ := json.Marshal(c)
		buf.Write(x)
	}
	buf.WriteString(`]}`)
	data := buf.Bytes()
	fail := func([]byte, int, string, error) *DecodeError { return &DecodeError{} }
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := splitReply(data, fail, ""); err != nil {
			b.Fatal(err)
		}
	}
}
