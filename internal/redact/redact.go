// Package redact keeps the API token out of every error, log line and
// output, whatever a server echoes back: it finds the token's runs in text,
// in any case, as it is or under up to two layers of JSON, percent and HTML
// escapes, and redacts the words that hold them, in time and memory linear
// in the text.
package redact

import (
	"bytes"
	"fmt"
	"html"
	"math/bits"
	"strings"
	"unicode/utf8"
)

// Redacted stands in for a word that holds a run of the token.
const Redacted = "[REDACTED]"

// MinRun is the shortest run of the token's characters that is redacted
// (a token shorter than that is redacted whole). Any part of the token,
// however a server cut, split or shifted it, is a run of consecutive
// characters of it, so runs are looked for instead of a list of cut forms:
// at most MinRun-1 characters of the token can show in one place. For a
// random 24-character token, a given place of a text starts a 6-character
// run with odds of about 19 in 36^6, and a false positive only hides a word.
const MinRun = 6

// MaxClean is the longest text Clean scans: a longer one is reported not
// clean unscanned, so that a text a server chose costs at most this much.
const MaxClean = 4 << 10

// margin is how far beyond a quoted window Quote scans, so that a word
// that crosses the window's edge is judged whole: more than MinRun
// characters, each under two layers of the longest escapes a server
// sends (&#x0000041; is 11 bytes).
const margin = MinRun * 11 * 11

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

// Scrub returns text with every word that holds a run of the token
// replaced by Redacted. A run is at least MinRun consecutive characters of
// the token, in any ASCII case, in the word as it is or with one or two
// layers of escapes undone, each layer of any set of these kinds (a reader
// may undo some and leave the rest): JSON \uXXXX and \" \\ \/ \b \f \n
// \r \t; percent %XX; HTML numeric references, with or without the ';' and
// with any number of digits; HTML named references (html.UnescapeString's).
// A word is a stretch of the bytes a run can be written with: the token's
// own, ASCII letters and digits, and \ % & # ; (the escapes'); every other
// byte separates words, so the text around a run stays readable. Text
// without a run is returned as it is, and the zero Token returns every
// text as it is.
func (t Token) Scrub(text string) string { return t.render(text, 0, len(text)) }

// Clean reports whether text holds no run of the token (see Scrub). A text
// longer than MaxClean is reported not clean without being scanned.
func (t Token) Clean(text string) bool {
	clean := len(text) <= MaxClean
	if clean {
		t.words(text, func(_, _ int) bool { clean = false; return false })
	}
	return clean
}

// Quote is the one way server text (a body, a header, another package's
// error text) enters an error or a log line: text scrubbed, cut to about n
// bytes around byte offset at, at UTF-8 boundaries, on one line (its
// fields joined by a space). Only the window and a margin on each side
// are scanned, so quoting from a 1 GiB text costs no more than from a
// small one; a word that crosses the window's edge and holds a run is
// redacted whole.
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

// render returns text[lo:hi] with each word of text that holds a run and
// reaches into it replaced by Redacted, and text[lo:hi] itself if none does.
func (t Token) render(text string, lo, hi int) string {
	var b strings.Builder
	at := lo
	t.words(text, func(start, end int) bool {
		if start, end = max(start, lo), min(end, hi); start < end {
			b.Grow(hi - lo) // once: the output is about the text's size
			b.WriteString(text[at:start])
			b.WriteString(Redacted)
			at = end
		}
		return true
	})
	if at == lo {
		return text[lo:hi]
	}
	b.WriteString(text[at:hi])
	return b.String()
}

// words calls found with the span of each word of text that holds a run
// of the token, in order, until it returns false. Words without an escape
// byte are looked at only if the text as it is holds a run somewhere.
func (t Token) words(text string, found func(start, end int) bool) {
	if t == "" {
		return
	}
	var inWord [256]bool
	for _, set := range []string{string(t), `\%&#;`, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"} {
		for i := range len(set) {
			inWord[set[i]] = true
		}
	}
	tok, low := lower(string(t)), lower(text)
	plain := runIn(low, tok)
	if !plain && !strings.ContainsAny(text, `\%&`) {
		return
	}
	for i := 0; i < len(text); {
		j := i
		for j < len(text) && inWord[text[j]] {
			j++
		}
		if plain && runIn(low[i:j], tok) || escapedRun(text[i:j], tok, 2) {
			if !found(i, j) {
				return
			}
		}
		i = j + 1
	}
}

// The kinds of escapes a reader may undo: a layer undoes one kind or
// several, and what one leaves alone may hide a run another shows (the
// "sup2" of &sup2, the 4 of &#54 next to %35).
const (
	jsonEscapes = 1 << iota
	percentEscapes
	numericReferences
	namedReferences
)

// escapedRun reports whether a reader that undoes up to layers layers of
// escapes, each of any set of kinds that s holds, sees a run of tok
// (lowered) in s.
func escapedRun(s string, tok []byte, layers int) bool {
	var alone [4]string // s with one kind undone
	held := 0           // the kinds that undo something in s
	for kind, opener := range []string{`\`, "%", "&#", "&"} {
		if layers > 0 && strings.Contains(s, opener) {
			if alone[kind] = unescape(s, 1<<kind); alone[kind] != s {
				held |= 1 << kind
			}
		}
	}
	for kinds := held; kinds > 0; kinds = (kinds - 1) & held { // each non-empty subset
		v := alone[bits.TrailingZeros(uint(kinds))]
		if kinds&(kinds-1) != 0 { // several kinds: not undone yet
			v = unescape(s, kinds)
		}
		if runIn(lower(v), tok) || escapedRun(v, tok, layers-1) {
			return true
		}
	}
	return false
}

// runIn reports whether low (lowered) holds a run of tok (lowered).
func runIn(low, tok []byte) bool {
	need := min(MinRun, len(tok))
	for i := 0; i+need <= len(tok); i++ {
		if bytes.Contains(low, tok[i:i+need]) {
			return true
		}
	}
	return false
}

// lower lowers the ASCII letters of s only, so that every byte keeps its
// place (strings.ToLower would turn the Kelvin sign into a k).
func lower(s string) []byte {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return b
}

// unescape undoes one layer of escapes of the kinds given, left to right
// as a reader would: JSON's, percent's, HTML's numeric references (with or
// without the ';', any number of digits) and its named ones (as
// html.UnescapeString reads them). A character beyond ASCII, which no
// token holds, becomes a 0.
func unescape(s string, kinds int) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c, rest := s[i], s[i+1:]
		v, n := -1, 1
		switch {
		case c == '%' && kinds&percentEscapes != 0:
			if x, k := number(rest[:min(2, len(rest))], 16); k == 2 {
				v, n = x, 3
			}
		case c == '\\' && kinds&jsonEscapes != 0 && len(rest) > 4 && rest[0]|0x20 == 'u':
			if x, k := number(rest[1:5], 16); k == 4 {
				v, n = x, 6
			}
		case c == '\\' && kinds&jsonEscapes != 0 && len(rest) > 0 && strings.IndexByte(`"\/bfnrt`, rest[0]) >= 0:
			v, n = int("\"\\/\b\f\n\r\t"[strings.IndexByte(`"\/bfnrt`, rest[0])]), 2
		case c == '&' && kinds&numericReferences != 0 && len(rest) > 1 && rest[0] == '#':
			base, at := 10, 1
			if rest[1]|0x20 == 'x' {
				base, at = 16, 2
			}
			if x, k := number(rest[at:], base); k > 0 {
				v, n = x, k+1+at
				if i+n < len(s) && s[i+n] == ';' {
					n++
				}
			}
		case c == '&' && kinds&namedReferences != 0 && (len(rest) == 0 || rest[0] != '#'):
			j := strings.IndexFunc(rest, func(r rune) bool {
				return !strings.ContainsRune("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", r)
			})
			if j < 0 {
				j = len(rest)
			} else if rest[j] == ';' {
				j++
			}
			b = append(b, html.UnescapeString(s[i:i+1+j])...)
			i += j
			continue
		}
		if v >= 0 {
			c = byte(min(v, 0x80) % 0x80)
		}
		b = append(b, c)
		i += n - 1
	}
	return string(b)
}

// number reads the digits of base (10 or 16, either case) that s starts
// with: their value, capped beyond Unicode's range, and how many there are.
func number(s string, base int) (v, n int) {
	for ; n < len(s); n++ {
		d := strings.IndexByte("0123456789abcdef0123456789ABCDEF", s[n])
		if d < 0 || d%16 >= base {
			break
		}
		v = min(v*base+d%16, 0x110000)
	}
	return v, n
}
