// Package redact keeps the API token out of every error, log line and
// output, whatever a server echoes back: it finds the token's runs in text,
// in any case, as it is or under up to two layers of JSON, percent and HTML
// escapes, and redacts them, in time and memory linear in the text.
package redact

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Redacted stands in for a run of the token wherever it would show.
const Redacted = "[REDACTED]"

// MinRun is the shortest run of the token's characters that is redacted
// (a token shorter than that is redacted whole). Any part of the token,
// however a server cut, split or shifted it, is a run of consecutive
// characters of it, so runs are looked for instead of a list of cut forms:
// at most MinRun-1 characters of the token can show in one place. For a
// random 24-character token, a given place of a text starts a 6-character
// run with odds of about 19 in 36^6, and a false positive only hides a few
// characters of a message.
const MinRun = 6

// MaxClean is the longest text Clean scans: a longer one is reported not
// clean unscanned, so that a text a server chose costs at most this much.
const MaxClean = 4 << 10

// maxEscape is the longest escape, &#x0000041; (seven digits, as browsers
// read them), so a byte two layers down stands for at most maxEscape²
// bytes of the text.
const maxEscape = 11

// margin is how far beyond a quoted window Quote scans: the most text
// MinRun bytes two layers down can stand for, so that a run crossing the
// window's edge is seen whole.
const margin = MinRun * maxEscape * maxEscape

// Token is the API token. It formats as [REDACTED] under every verb (with
// Format, String and GoString), so a %v, %+v or %#v of anything holding it
// cannot print it; string(t) is the one way to the token itself.
type Token string

// Format implements fmt.Formatter: every verb prints Redacted.
func (Token) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, Redacted) }

// String implements fmt.Stringer.
func (Token) String() string { return Redacted }

// GoString implements fmt.GoStringer.
func (Token) GoString() string { return Redacted }

// Scrub returns text with every run of the token in it redacted: runs of
// at least MinRun characters of the token, in any ASCII case (the escapes'
// too: %4a, &#X4A, &AMP;), in text as it is or with one or two layers of
// escapes undone: JSON \uXXXX and \" \\ \/ \b \f \n \r \t; percent %XX;
// HTML &#N; and &#xH; (up to seven digits, with or without the ';') and
// &lt; &gt; &amp; &quot; &apos;. An escape of a character beyond ASCII
// stands for a byte no token holds. A run found under escapes is redacted
// over all the text its escapes take; runs that overlap or touch become
// one Redacted. Text without a run is returned as it is, and the zero
// Token returns every text as it is.
func (t Token) Scrub(text string) string { return t.render(text, 0, len(text)) }

// Clean reports whether text holds no run of the token (see Scrub). A text
// longer than MaxClean is reported not clean without being scanned.
func (t Token) Clean(text string) bool { return len(text) <= MaxClean && t.runs(text) == nil }

// Quote is the one way server text (a body, a header, another package's
// error text) enters an error or a log line: text scrubbed, cut to about n
// bytes around byte offset at, at UTF-8 boundaries, on one line (its
// fields joined by a space). Only the quoted window and a margin on each
// side are scanned, so quoting from a 1 GiB text costs no more than from a
// small one. A run that crosses the window's edge is redacted whole: no
// part of it shows.
func Quote[T ~string | ~[]byte](t Token, text T, at, n int) string {
	lo := max(min(at, len(text))-max(n, 0)/2, 0)
	hi := min(lo+max(n, 0), len(text))
	for lo < hi && !utf8.RuneStart(text[lo]) {
		lo++
	}
	for hi > lo && hi < len(text) && !utf8.RuneStart(text[hi]) {
		hi--
	}
	base := max(lo-margin, 0)
	window := string(text[base:min(hi+margin, len(text))])
	// Scrubbed again once cut and joined: the quote, read on its own, may
	// parse differently from the window it was cut from.
	return t.Scrub(strings.Join(strings.Fields(t.render(window, lo-base, hi-base)), " "))
}

// render returns text[lo:hi] with each stretch of runs that reaches into
// it replaced by one Redacted, and text[lo:hi] itself if text has no run.
func (t Token) render(text string, lo, hi int) string {
	marked := t.runs(text)
	if marked == nil {
		return text[lo:hi]
	}
	in := func(i int) bool { return marked[i/64]&(1<<(i%64)) != 0 }
	// Walked twice, to measure and then to write: one allocation, of the
	// size of what is returned.
	walk := func(write func(string)) {
		for i := lo; i < hi; {
			j := i + 1
			for j < hi && in(j) == in(i) {
				j++
			}
			if in(i) {
				write(Redacted)
			} else {
				write(text[i:j])
			}
			i = j
		}
	}
	var b strings.Builder
	size := 0
	walk(func(s string) { size += len(s) })
	b.Grow(size)
	walk(func(s string) { b.WriteString(s) })
	return b.String()
}

// span is a part of the text: text[start:end].
type span struct{ start, end int }

// item is a byte of a view of the text (lowered) and the span it stands for.
type item struct {
	b byte
	span
}

// scan finds the runs of a token in a text. It keeps the token's grams
// (runs of need bytes, lowered, packed into a uint64) in a 4096-bit bloom
// filter, so that the common case, a gram of text that is none of them,
// costs a multiply and a load. Its state is all in one value, never behind
// another pointer, so that it stays on the stack.
type scan struct {
	token, text    string
	need, pos, end int // layer 0 reads text[pos:end]
	mask           uint64
	bloom          [64]uint64
	marked         []uint64 // a bit for each byte of text in a run; nil until one is
	layer          [2]layer // one and two layers of escapes undone
}

// layer undoes one layer of escapes of what it reads (the text, or layer
// 0) and scans what it yields. It keeps a ring of the items it looks ahead
// at and one of where its last yields start: a few hundred bytes in all.
type layer struct {
	ahead   [16]item // ahead[i%16] to ahead[(n-1)%16]; an escape takes at most 11
	i, n, k int      // k: how many items it has yielded
	out     item     // the last item yielded
	g       uint64   // its byte and those before it
	starts  [8]int   // where the last items yielded start
}

// runs returns a bitmap of the bytes of text in runs of the token under
// any layer, or nil if there are none. Each view of the text (as it is, one layer down, two layers
// down) is read once, left to right, with each escape decoded as it is
// reached, so nothing is kept per byte of text.
func (t Token) runs(text string) []uint64 {
	if len(t) == 0 {
		return nil
	}
	s := scan{token: string(t), text: text, need: min(MinRun, len(t)), mask: 1<<(8*min(MinRun, len(t))) - 1}
	var g uint64
	for i := range len(t) { // the first need-1 are parts of grams: extra bits, which hit rules out
		g = g<<8 | uint64(lower(t[i]))
		s.bloom[bit(g&s.mask)/64] |= 1 << (bit(g&s.mask) % 64)
	}
	for i := range len(text) {
		if g = g<<8 | uint64(lower(text[i])); i+1 >= s.need && s.hit(g) {
			s.mark(i+1-s.need, i+1)
		}
	}
	// Escapes matter only near a byte that starts one: the layers read
	// each stretch of text holding such bytes less than reach apart, from
	// MinRun-1 bytes before its first (a run into it; these bytes may be
	// the end of the stretch before, and read the same) to reach past its
	// last. Past the last, bytes are themselves under every layer, so an
	// escape two layers down that holds it (&#x0000026;#x0000071;) ends
	// within 2*maxEscape, and a run out of it within MinRun more. Between
	// stretches the text reads the same under every layer, and no escape
	// crosses.
	const reach = 2*maxEscape + MinRun
	for i := 0; i < len(text); i = s.end {
		k := strings.IndexAny(text[i:], `\%&`)
		if k < 0 {
			break
		}
		s.pos, s.end, s.layer = max(0, i+k-(MinRun-1)), min(len(text), i+k+reach), [2]layer{}
		for j := i + k + 1; j < s.end; j++ {
			if seconds[text[j]] != "" {
				s.end = min(len(text), j+reach)
			}
		}
		for s.next(1) {
		}
	}
	return s.marked
}

// lower lowers ASCII letters and keeps every other byte, without a branch
// (in mixed-case text one would be mispredicted often): c-'A' < 26 exactly
// when subtracting 26 more wraps, setting bit 31.
func lower(c byte) byte { return c | byte((uint32(c-'A')-26)>>31)<<5 }

// bit is the bloom filter's bit for gram g.
func bit(g uint64) uint64 { return g * 0x9e3779b97f4a7c15 >> 52 }

// hit reports whether the last need bytes of g are a gram of the token;
// the filter rules nearly all out before the token is looked through.
func (s *scan) hit(g uint64) bool {
	if s.bloom[bit(g&s.mask)/64]&(1<<(bit(g&s.mask)%64)) == 0 {
		return false
	}
	for i, t := 0, uint64(0); i < len(s.token); i++ {
		if t = t<<8 | uint64(lower(s.token[i])); i+1 >= s.need && (t^g)&s.mask == 0 {
			return true
		}
	}
	return false
}

// mark marks text[start:end] as in a run. A bitmap, rather than a list of
// spans, takes an eighth of the text at most, whatever the runs, and
// merges those that overlap or touch, whichever view found them.
func (s *scan) mark(start, end int) {
	if s.marked == nil {
		s.marked = make([]uint64, (len(s.text)+63)/64)
	}
	for i := start; i < end; i = i/64*64 + 64 { // a word at a time
		n := min(end, i/64*64+64) - i
		s.marked[i/64] |= (1<<n - 1) << (i % 64) // (1<<64 is 0 for a uint64)
	}
}

// peek returns the byte of the k-th item ahead of layer l, or 0 past the
// end (no escape holds a 0). Layer 0 reads the text where it is; layer 1
// keeps what it reads from layer 0 in its ring.
func (s *scan) peek(l, k int) byte {
	if l == 0 && s.pos+k < s.end {
		return lower(s.text[s.pos+k])
	}
	for d := &s.layer[1]; l == 1; d.n++ {
		if d.n-d.i > k {
			return d.ahead[(d.i+k)%16].b
		} else if !s.next(0) {
			break
		}
		d.ahead[d.n%16] = s.layer[0].out
	}
	return 0
}

// next decodes layer l's next item into its out, marks the run it ends if
// there is one, and reports whether there was an item.
func (s *scan) next(l int) bool {
	d := &s.layer[l]
	c, n := s.peek(l, 0), 1
	if l == 0 && s.pos == s.end || l == 1 && d.n == d.i {
		return false
	} else if seconds[c] != "" {
		c, n = s.unescape(l)
	}
	if d.out = (item{lower(c), span{s.pos, s.pos + n}}); l == 1 {
		d.out.span = span{d.ahead[d.i%16].start, d.ahead[(d.i+n-1)%16].end}
	}
	s.pos += n * (1 - l)
	d.i += n
	d.g = d.g<<8 | uint64(d.out.b)
	d.starts[d.k%8] = d.out.start
	if d.k++; d.k >= s.need && s.hit(d.g) {
		s.mark(d.starts[(d.k-s.need)%8], d.out.end)
	}
	return true
}

// unescape decodes the escape that layer l's items ahead start with, if
// any: it returns the byte it stands for (0 for a character beyond ASCII,
// which no token holds) and how many items it takes; else the first byte
// and 1. The items are lowered, so escapes are read in any case.
func (s *scan) unescape(l int) (byte, int) {
	if c := s.peek(l, 0); strings.IndexByte(seconds[c], s.peek(l, 1)) < 0 {
		return c, 1
	}
	var ahead [maxEscape]byte
	for j := range ahead {
		ahead[j] = s.peek(l, j)
	}
	a := string(ahead[:])
	for _, e := range [...]struct {
		prefix            string
		base, least, most int
	}{{`\u`, 16, 4, 4}, {"%", 16, 2, 2}, {"&#x", 16, 1, 7}, {"&#", 10, 1, 7}} {
		i, j := len(e.prefix), len(e.prefix)
		for strings.HasPrefix(a, e.prefix) && j < i+e.most && strings.IndexByte("0123456789abcdef"[:e.base], a[j]) >= 0 {
			j++
		}
		if j-i >= e.least {
			v, _ := strconv.ParseUint(a[i:j], e.base, 32) // digits only: no error
			if a[0] == '&' && a[j] == ';' {
				j++
			}
			return byte(min(v, 0x80) % 0x80), j // beyond ASCII: 0
		}
	}
	for k, e := range [...]string{`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, "&lt;", "&gt;", "&amp;", "&quot;", "&apos;"} {
		if a[1] == e[1] && strings.HasPrefix(a, e) {
			return "\"\\/\b\f\n\r\t<>&\"'"[k], len(e)
		}
	}
	return a[0], 1
}

// seconds are, for each byte that opens an escape, the bytes that may
// follow it in one: most bytes that open one open none.
var seconds = [256]string{'\\': `u"\/bfnrt`, '%': "0123456789abcdef", '&': "#lgaq"}
