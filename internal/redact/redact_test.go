package redact_test

import (
	"encoding/json"
	"fmt"
	"html"
	"maps"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/internal/redact"
)

// token is shaped like Chatwoot's: 24 letters and digits.
const token = "q7Fz2KpW9xLm4RtB8vNc3JdY"

// ---------------------------------------------------------------------
// The reference: the rule, written as plainly as possible and apart from
// the scrubber. Each view of the text is built whole, byte by byte with
// the span of the text each byte stands for; one layer of escapes is
// undone by a regular expression (matched left to right, as a reader
// would) whose matches the standard library decodes.

// escapeRE is every escape of the rule, on lower-cased text.
var escapeRE = regexp.MustCompile(`\\u[0-9a-f]{4}|\\["\\/bfnrt]|%[0-9a-f]{2}|&#x[0-9a-f]+;?|&#[0-9]+;?|&(?:lt|gt|amp|quot|apos);`)

type refByte struct {
	b      byte
	lo, hi int // the span of the original text it stands for
}

// decodeRef is the character an escape stands for, lower-cased; 0 if it
// is beyond ASCII.
func decodeRef(esc string) byte {
	var s string
	switch esc[0] {
	case '\\':
		if err := json.Unmarshal([]byte(`"`+esc+`"`), &s); err != nil {
			panic(err)
		}
	case '%':
		s, _ = url.PathUnescape(esc)
	case '&':
		s = html.UnescapeString(esc)
	}
	if len(s) == 1 && s[0] < 0x80 {
		return strings.ToLower(s)[0]
	}
	return 0
}

// refLayer undoes one layer of escapes of view.
func refLayer(view []refByte) []refByte {
	var s strings.Builder
	for _, c := range view {
		s.WriteByte(c.b)
	}
	var out []refByte
	at := 0
	for _, m := range escapeRE.FindAllStringIndex(s.String(), -1) {
		out = append(out, view[at:m[0]]...)
		out = append(out, refByte{decodeRef(s.String()[m[0]:m[1]]), view[m[0]].lo, view[m[1]-1].hi})
		at = m[1]
	}
	return append(out, view[at:]...)
}

// refRuns returns the span of every place that holds MinRun characters of
// tok in text, as it is or under one or two layers of escapes.
func refRuns(tok, text string) [][2]int {
	tok = strings.ToLower(tok)
	need := min(redact.MinRun, len(tok))
	var view []refByte
	for i := range len(text) {
		c := text[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		view = append(view, refByte{c, i, i + 1})
	}
	var runs [][2]int
	for layer := 0; layer <= 2; layer++ {
		for i := 0; i+need <= len(view); i++ {
			var gram []byte
			for _, c := range view[i : i+need] {
				gram = append(gram, c.b)
			}
			if strings.Contains(tok, string(gram)) {
				runs = append(runs, [2]int{view[i].lo, view[i+need-1].hi})
			}
		}
		view = refLayer(view)
	}
	return runs
}

// refScrub redacts each word that holds one of refRuns: a word is a
// stretch of the token's bytes, ASCII letters and digits, and \ % & # ;.
func refScrub(tok, text string) string {
	runs := refRuns(tok, text)
	inWord := func(c byte) bool {
		return strings.IndexByte(tok+`\%&#;`, c) >= 0 || 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9'
	}
	var out strings.Builder
	for i := 0; i <= len(text); {
		j := i
		for j < len(text) && inWord(text[j]) {
			j++
		}
		if slices.ContainsFunc(runs, func(r [2]int) bool { return r[0] < j && r[1] > i }) {
			out.WriteString(redact.Redacted)
		} else {
			out.WriteString(text[i:j])
		}
		if j < len(text) {
			out.WriteByte(text[j])
		}
		i = j + 1
	}
	return out.String()
}

// ---------------------------------------------------------------------
// Readers that undo some kinds of escapes and leave the rest alone: a
// layer may be JSON's, percent's, HTML's numeric or named references, or
// any mix of them. What one reader leaves alone (the "sup2" of &sup2, the
// 4 of &#54) may stand next to what another undoes.

var kindRE = map[byte]string{
	'J': `\\[uU][0-9a-fA-F]{4}|\\["\\/bfnrt]`,
	'P': `%[0-9a-fA-F]{2}`,
	'N': `&#[xX][0-9a-fA-F]+;?|&#[0-9]+;?`,
	'E': `&[A-Za-z0-9]+;?`,
}

// readers are the 15 non-empty sets of kinds, each as a regexp of its
// escapes, matched left to right.
var readers = func() (out []*regexp.Regexp) {
	for m := 1; m < 16; m++ {
		var parts []string
		for i, k := range "JPNE" {
			if m&(1<<i) != 0 {
				parts = append(parts, kindRE[byte(k)])
			}
		}
		out = append(out, regexp.MustCompile(strings.Join(parts, "|")))
	}
	return out
}()

// undo is the text an escape stands for ("\x00" beyond ASCII).
func undo(e string) string {
	switch {
	case e[0] == '&' && len(e) > 1 && e[1] != '#':
		return html.UnescapeString(e)
	case e[0] == '&':
		digits, base := strings.TrimSuffix(e[2:], ";"), 10
		if digits[0]|0x20 == 'x' {
			digits, base = digits[1:], 16
		}
		if v, err := strconv.ParseUint(digits, base, 64); err == nil && v < 0x80 {
			return string(rune(v))
		}
		return "\x00"
	}
	return string([]byte{decodeRef(strings.ToLower(e[:2]) + e[2:])})
}

// readerRun reports whether some reader, in zero, one or two layers, sees
// a run of tok in text.
func readerRun(tok, text string) bool {
	has := func(s string) bool {
		s, tok := strings.ToLower(s), strings.ToLower(tok)
		for i := 0; i+min(redact.MinRun, len(tok)) <= len(tok); i++ {
			if strings.Contains(s, tok[i:i+min(redact.MinRun, len(tok))]) {
				return true
			}
		}
		return false
	}
	if has(text) {
		return true
	}
	for _, r1 := range readers {
		one := r1.ReplaceAllStringFunc(text, undo)
		if has(one) {
			return true
		}
		for _, r2 := range readers {
			if has(r2.ReplaceAllStringFunc(one, undo)) {
				return true
			}
		}
	}
	return false
}

// A reader of some kinds only sees what one of every kind would not: each
// of these holds a run for such a reader, and Scrub redacts it.
func TestScrub_ReadersOfSomeKinds(t *testing.T) {
	tok := redact.Token(token) // q7Fz2KpW9xLm4RtB8vNc3JdY
	for _, text := range []string{
		"&sup2%4BpW9x",                           // percent only: "2KpW9x" (&sup2 is ² to HTML)
		`\u003b8v%4ec3`,                          // percent only: "b8vNc3"
		"&#54Rt%428v",                            // percent only: "4RtB8v"
		"&#11%33&#5%35&#7%30&#12%32&#5%30&#7%35", // percent, then HTML: "q7Fz2K"
		`&#11\u0033&#5\u0035&#7\u0030&#12\u0032&#5\u0030&#7\u0035`, // JSON, then HTML
		`7F\u0026#x7a%32Kp`,   // JSON, then HTML and percent
		"7F&&num;x7a%32%4bp",  // named, then percent and numeric
		"&sup2%254B&#112;W9x", // percent and numeric, then percent
	} {
		require.True(t, readerRun(token, text), text)
		out := tok.Scrub(text)
		assert.Equal(t, redact.Redacted, out, text)
		assert.False(t, tok.Clean(text), text)
		assert.False(t, readerRun(token, redact.Quote(tok, "x "+text+" y", 3, 100)), text)
	}
}

// Random encodings of runs, some characters escaped once or twice, with
// escape-like junk between: no reader sees a run in what Scrub returns.
func TestScrub_NoReaderSeesARun(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	junk := []string{"%", "&", "#", ";", `\`, "u", "x", "0", "3", "amp", "&amp;", "%25", "&#", "&#x", `\u00`, "%2", "&#3", "&#x3", "&sup2", "&not"}
	forms := func(c byte) []string {
		h, d := fmt.Sprintf("%02x", c), strconv.Itoa(int(c))
		return []string{string(c), "%" + h, `\u00` + h, "&#x" + h, "&#x" + h + ";", "&#" + d, "&#" + d + ";", "%25" + h, "%26%23x" + h,
			`\u0025` + h, "&#37;" + h, "&percnt;" + h, "&amp;#" + d, "&#38;#x" + h, `\\u00` + h, `%5Cu00` + h, "&bsol;u00" + h,
			"%&#" + strconv.Itoa(int(h[0])) + ";" + h[1:], "&#" + d[:len(d)-1] + "%3" + d[len(d)-1:]}
	}
	for range 1000 {
		at := rng.IntN(len(token) - 6)
		var b strings.Builder
		for i := at; i < at+6; i++ {
			if rng.IntN(6) == 0 {
				b.WriteString(junk[rng.IntN(len(junk))])
			}
			f := forms(token[i])
			b.WriteString(f[rng.IntN(len(f))])
		}
		out := redact.Token(token).Scrub(b.String())
		require.False(t, readerRun(token, out), "Scrub(%q) = %q", b.String(), out)
	}
}

// ---------------------------------------------------------------------
// The forms a server, a proxy or an encoder may put the token in.

type form struct {
	name   string
	encode func(string) string
}

func eachByte(format string) func(string) string {
	return func(s string) string {
		var b strings.Builder
		for i := range len(s) {
			fmt.Fprintf(&b, format, s[i])
		}
		return b.String()
	}
}

var forms = []form{
	{"as is", func(s string) string { return s }},
	{"upper-cased", strings.ToUpper},
	{"lower-cased", strings.ToLower},
	{"mixed case", func(s string) string {
		b := []byte(s)
		for i := range b {
			if i%2 == 0 {
				b[i] = strings.ToUpper(s[i : i+1])[0]
			} else {
				b[i] = strings.ToLower(s[i : i+1])[0]
			}
		}
		return string(b)
	}},
	{`JSON \u`, eachByte(`\u%04x`)},
	{`JSON \u, upper hex and U`, eachByte(`\U%04X`)},
	{"percent", eachByte("%%%02X")},
	{"percent, lower hex", eachByte("%%%02x")},
	{"HTML decimal", eachByte("&#%d;")},
	{"HTML decimal, no ;", eachByte("&#%d")},
	{"HTML hex", eachByte("&#x%x;")},
	{"HTML hex, upper X, no ;", eachByte("&#X%X")},
	{"HTML, seven digits", eachByte("&#%07d;")},
	{"HTML hex, seven digits, no ;", eachByte("&#x%07x")},
	{`JSON \u, JSON-escaped`, eachByte(`\\u%04x`)},
	{"percent, percent-encoded", eachByte("%%25%02X")},
	{`JSON \u, percent-encoded`, eachByte("%%5Cu%04x")},
	{`percent, JSON-escaped`, eachByte(`\u0025%02x`)},
	{`HTML, JSON-escaped`, eachByte(`\u0026#%d;`)},
	{"HTML, HTML-escaped", eachByte("&amp;#%d;")},
	{"HTML, percent-encoded", eachByte("%%26%%23%d%%3B")},
	{"percent, HTML-escaped", eachByte("&#37;%02x")},
	{"mixed escapes", func(s string) string {
		var b strings.Builder
		for i := range len(s) {
			fmt.Fprintf(&b, []string{"%c", `\u%04x`, "%%%02x", "&#%d;", "&#x%X;", "%%25%02x"}[i%6], s[i])
		}
		return b.String()
	}},
}

// encode puts s in the form named.
func encode(name, s string) string {
	for _, f := range forms {
		if f.name == name {
			return f.encode(s)
		}
	}
	panic("no form " + name)
}

// ---------------------------------------------------------------------

func TestToken_FormatsAsRedacted(t *testing.T) {
	tok := redact.Token(token)
	holder := struct {
		Name  string
		Token redact.Token
		Ptr   *redact.Token
	}{"x", tok, &tok}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s", "%[1]T %[1]v"} {
		for _, v := range []any{tok, holder, &holder, []redact.Token{tok}, map[string]redact.Token{"t": tok}} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, token[:redact.MinRun], "%s of %T", verb, v)
			assert.NotContains(t, strings.ToLower(out), strings.ToLower(token[:redact.MinRun]), "%s of %T", verb, v)
		}
	}
	assert.Equal(t, redact.Redacted, tok.String())
	assert.Equal(t, redact.Redacted, tok.GoString())
	assert.Equal(t, redact.Redacted, fmt.Sprint(tok))
	assert.Equal(t, token, string(tok))
}

// Every run of six characters or more, at every place of the token, in
// every case and form: nothing is left but one Redacted.
func TestScrub_EverySliceInEveryForm(t *testing.T) {
	tok := redact.Token(token)
	for n := redact.MinRun; n <= len(token); n++ {
		for i := 0; i+n <= len(token); i++ {
			for _, f := range forms {
				text := "(" + f.encode(token[i:i+n]) + ")"
				out := tok.Scrub(text)
				assert.Equal(t, "("+redact.Redacted+")", out, "%s of token[%d:%d]: %s", f.name, i, i+n, text)
				assert.Equal(t, refScrub(token, text), out, text)
			}
		}
	}
}

// The whole token, in every form, at the start, at the end, and as all
// of the text (so that an escape ends the text, with no ';' to close it).
func TestScrub_TokenAtStartAndEnd(t *testing.T) {
	tok := redact.Token(token)
	for _, f := range forms {
		enc := f.encode(token)
		assert.Equal(t, redact.Redacted, tok.Scrub(enc), f.name)
		assert.Equal(t, redact.Redacted+" tail", tok.Scrub(enc+" tail"), f.name)
		assert.Equal(t, "head "+redact.Redacted, tok.Scrub("head "+enc), f.name)
	}
}

// The named references and JSON's own escapes stand for characters a
// token of printable ASCII may hold.
func TestScrub_NamedEntitiesAndJSONEscapes(t *testing.T) {
	const special = `a<b>c&d"e'f/g\h`
	tok := redact.Token(special)
	for _, text := range []string{
		`a&lt;b&gt;c&amp;d&quot;e&apos;f/g\h`,
		`A&LT;B&GT;C&AMP;D&QUOT;E&APOS;F/G\H`,
		`a<b>c&d\"e'f\/g\\h`,
		`a&amp;lt;b&amp;gt;c&amp;amp;d&amp;quot;e&amp;apos;f/g\\h`, // HTML, HTML-escaped
		`a\u0026lt;b\u0026gt;c\u0026amp;d\u0026quot;e\u0026apos;f\\/g\\\\h`,
	} {
		assert.Equal(t, "("+redact.Redacted+")", tok.Scrub("("+text+")"), text)
		assert.Equal(t, refScrub(special, "("+text+")"), tok.Scrub("("+text+")"), text)
	}
}

// Invented: HTML's numeric references without their semicolon, which
// browsers (and html.UnescapeString) still decode.
func TestScrub_HTMLReferencesWithoutSemicolons(t *testing.T) {
	tok := redact.Token(token)
	var dec, hex strings.Builder
	for i := range len(token) {
		fmt.Fprintf(&dec, "&#%d", token[i])
		fmt.Fprintf(&hex, "&#x%x", token[i])
	}
	for _, text := range []string{dec.String(), hex.String(), "<title>" + dec.String() + " </title>"} {
		out := tok.Scrub(text)
		assert.NotContains(t, html.UnescapeString(out), token[:redact.MinRun])
		assert.Empty(t, refRuns(token, out), out)
		assert.Contains(t, out, redact.Redacted)
	}
}

// What the rule does not undo stays as it is: a third layer, escapes of
// characters beyond ASCII (whose low byte is a token's character), escapes
// that are none, five characters.
func TestScrub_WhatIsNotARun(t *testing.T) {
	const tok = redact.Token("abcdefghijklmnopqrstuvwx")
	for _, text := range []string{
		"%252561%252562cdef",   // three layers
		`\\\\u0061bcdef`,       // three layers
		"&amp;amp;#97;bcdef",   // three layers
		`\u0161bcdef`,          // U+0161: its low byte is 'a'
		"&#353;bcdef",          // the same
		"&#x10061;bcdef",       // and beyond the BMP
		"%E1bcdef",             // a byte beyond ASCII
		`\x61bcdef \u061bcdef`, // no JSON escape; \u061b is one, beyond ASCII
		"&#xbcdef",             // one hex reference, beyond ASCII
		"%61;bcdef",            // only HTML's references take a ';'
		`\u0061;bcdef`,
		"abcde fghij klmno", "ABCDE", "[REDACTED] x 3cr3t y", "", "&", `\`, "%", "&#", "&#x", `\u00`,
	} {
		assert.Equal(t, text, tok.Scrub(text), text)
		assert.Empty(t, refRuns(string(tok), text), text)
	}
}

// Runs that overlap or touch, as they are or under escapes, become one
// Redacted; runs apart stay apart; a run is cut to six characters at most
// by the rest of the text.
func TestScrub_RunsMergeAndSplit(t *testing.T) {
	tok := redact.Token(token)
	for text, want := range map[string]string{
		token[:10] + token[5:15]:                   redact.Redacted, // overlapping
		token[:10] + token[10:] + token:            redact.Redacted, // touching
		token[:8] + encode("percent", token[8:16]): redact.Redacted, // raw, then escaped
		encode("HTML decimal", token[:9]) + encode(`JSON \u`, token[3:12]) + token[12:16]: redact.Redacted,
		strings.Repeat(token[:7], 3):                     redact.Redacted, // runs that touch
		token[:12] + " " + token[12:]:                    redact.Redacted + " " + redact.Redacted,
		token[:5] + " " + token[5:]:                      token[:5] + " " + redact.Redacted,
		token[:6] + "," + encode("percent", token[6:12]): redact.Redacted + "," + redact.Redacted,
		"x" + token + "y" + token + "z":                  redact.Redacted, // one word
		"x" + token + "," + token + "z":                  redact.Redacted + "," + redact.Redacted,
		// The longest escape two layers down that starts at the last byte
		// to open one: all of it and the run out of it go.
		strings.Repeat("x ", 100) + "&#x0000026;#x0000071;" + token[1:6] + strings.Repeat(" x", 100): strings.Repeat("x ", 100) + redact.Redacted + strings.Repeat(" x", 100),
		// Five bytes as they are, then an escape: the layers read from five
		// bytes before the first escape.
		"(" + token[:5] + encode("percent", token[5:6]) + ")": "(" + redact.Redacted + ")",
	} {
		assert.Equal(t, want, tok.Scrub(text), text)
		assert.Equal(t, refScrub(token, text), tok.Scrub(text), text)
	}
}

// Long texts of words, escapes near and far apart, and parts of tokens in
// every form: the same as the reference, which reads all of every view.
func TestScrub_AgreesWithTheReferenceOnLongTexts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	plain := plainText(1 << 16)
	for range 200 {
		tok := fuzzTokens[rng.IntN(len(fuzzTokens))]
		var text strings.Builder
		for text.Len() < 3000 {
			switch rng.IntN(4) {
			case 0: // plain text, often longer than an escape's reach
				at := rng.IntN(len(plain) - 400)
				text.WriteString(plain[at : at+rng.IntN(400)])
			case 1: // a part of the token
				i := rng.IntN(len(tok))
				text.WriteString(forms[rng.IntN(len(forms))].encode(tok[i : i+1+rng.IntN(len(tok)-i)]))
			case 2: // an escape, or what is not quite one
				text.WriteString([]string{"%", "&", `\`, "%4", "&#", "&#x", `\u00`, "&amp", "%25", `\\`, "&amp;", "%41"}[rng.IntN(12)])
			case 3:
				text.WriteString(forms[rng.IntN(len(forms))].encode(plain[:1+rng.IntN(8)]))
			}
		}
		out := redact.Token(tok).Scrub(text.String())
		require.Empty(t, refRuns(tok, out), "token %q, text %q", tok, text.String())
		if !strings.Contains(text.String(), "&") { // html.UnescapeString reads more than the reference
			require.Equal(t, refScrub(tok, text.String()), out, "token %q, text %q", tok, text.String())
		}
	}
}

// A token shorter than MinRun is redacted whole; the zero Token redacts
// nothing.
func TestScrub_ShortAndZeroToken(t *testing.T) {
	assert.Equal(t, "x "+redact.Redacted+" x", redact.Token("aBc").Scrub("x AbC x"))
	assert.Equal(t, "x-"+redact.Redacted+"-x", redact.Token("aBc").Scrub("x-x%61%62%63x-x"))
	assert.Equal(t, "xabx", redact.Token("aBc").Scrub("xabx"))
	assert.Equal(t, token, redact.Token("").Scrub(token))
	assert.True(t, redact.Token("").Clean(token))
	assert.Equal(t, token, redact.Quote(redact.Token(""), token, 0, 100))
}

// Text without a run is returned as it is, however full of escapes.
func TestScrub_NoRunReturnsTextAsIs(t *testing.T) {
	tok := redact.Token(token)
	for name, text := range escapeTexts(256 << 10) {
		if strings.HasPrefix(name, "token") {
			continue
		}
		require.Empty(t, refRuns(token, text[:4096]), name)
		out := tok.Scrub(text)
		assert.Equal(t, unsafe.StringData(text), unsafe.StringData(out), name)
	}
}

// Whatever the text (plain, full of escapes, of runs, of both), what Scrub
// allocates is linear in it: its output, a lowered copy, and two views of
// each word with escapes.
func TestScrub_MemoryIsLinear(t *testing.T) {
	tok := redact.Token(token)
	escaped := escapeTexts(256 << 10)
	for name, text := range map[string]string{
		"runs, percent-encoded":   escaped["token, percent"],
		"runs, JSON-escaped HTML": escaped["token, HTML, JSON"],
		"short runs":              strings.Repeat(token[3:9]+" ", 256<<10/7),
		"one run":                 plainText(256<<10) + token,
		"escapes, no run":         escaped[`&#x41;`],
		"plain, no run":           escaped["plain"],
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		out := tok.Scrub(text)
		runtime.ReadMemStats(&after)
		assert.LessOrEqual(t, after.TotalAlloc-before.TotalAlloc, uint64(len(out)+12*len(text)+64<<10), name)
	}
}

// escapeTexts are texts of about n bytes full of escapes, or of none.
func escapeTexts(n int) map[string]string {
	return map[string]string{
		"plain":             plainText(n),
		`%41`:               strings.Repeat("%41", n/3),
		`&#x41;`:            strings.Repeat("&#x41;", n/6),
		`\u0041`:            strings.Repeat(`\u0041`, n/6),
		`&`:                 strings.Repeat("&", n),
		`\`:                 strings.Repeat(`\`, n),
		`%25`:               strings.Repeat("%25", n/3),
		`&#`:                strings.Repeat("&#", n/2),
		"token, percent":    strings.Repeat(encode("percent", token)+" ", n/(3*len(token)+1)),
		"token, HTML, JSON": strings.Repeat(encode("HTML, JSON-escaped", token)+" ", n/(10*len(token)+1)),
	}
}

// plainText is n bytes of words, no escapes.
func plainText(n int) string {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for b.Len() < n {
		for range 1 + rng.IntN(9) {
			b.WriteByte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[rng.IntN(62)])
		}
		b.WriteString([]string{" ", " ", " ", ", ", ".\n", `":"`}[rng.IntN(6)])
	}
	return b.String()[:n]
}

// escapedText is n bytes of words with a quarter of their bytes escaped,
// in every form.
func escapedText(n int) string {
	rng := rand.New(rand.NewPCG(3, 4))
	plain := plainText(n)
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		if rng.IntN(4) == 0 {
			b.WriteString(forms[4+rng.IntN(len(forms)-5)].encode(plain[i : i+1]))
		} else {
			b.WriteByte(plain[i])
		}
	}
	return b.String()[:n]
}

func TestClean(t *testing.T) {
	tok := redact.Token(token)
	clean := plainText(redact.MaxClean)
	require.Empty(t, refRuns(token, clean))
	assert.True(t, tok.Clean(clean))
	assert.True(t, tok.Clean(""))
	assert.False(t, tok.Clean(clean+"x"), "longer than MaxClean")
	assert.False(t, tok.Clean(clean[:100]+token[3:9]))
	assert.False(t, tok.Clean(encode("percent, JSON-escaped", token[10:16])))
	assert.False(t, tok.Clean(clean[:redact.MaxClean-6]+strings.ToUpper(token[18:])))
}

// A quote is cut around at, on one line, at UTF-8 boundaries.
func TestQuote_CutsAWindowOnOneLine(t *testing.T) {
	tok := redact.Token(token)
	text := strings.Repeat("héllo\twörld\n  ", 100)
	for at := -5; at <= len(text)+5; at += 7 {
		for _, n := range []int{0, 1, 2, 5, 40, 401, 5000} {
			out := redact.Quote(tok, text, at, n)
			assert.True(t, utf8.ValidString(out), "at %d, n %d", at, n)
			assert.LessOrEqual(t, len(out), n, "at %d, n %d", at, n)
			assert.NotContains(t, out, "\n")
			assert.NotContains(t, out, "  ")
			assert.Equal(t, out, redact.Quote(tok, []byte(text), at, n))
		}
	}
	assert.Equal(t, "héllo wörld", redact.Quote(tok, text, 0, 13))
	assert.Equal(t, "rld héll", redact.Quote(tok, text, 15, 12))
	assert.Equal(t, "", redact.Quote(tok, "", 3, 10))
	assert.Equal(t, "", redact.Quote(tok, text, 3, -10))
	assert.Equal(t, "a "+redact.Redacted+" b", redact.Quote(tok, "a "+token+" b", 0, 100))
}

// A run the window's edge cuts is redacted whole, at either edge, as it is
// or escaped, wherever the edge falls in it: not one character shows.
func TestQuote_RunAcrossTheEdgeIsRedactedWhole(t *testing.T) {
	tok := redact.Token(token)
	// The filler's letters are none of the token's, in any case.
	const filler = "aha hush oh "
	require.False(t, strings.ContainsAny(strings.ToLower(token), filler))
	onlyFiller := func(s string) bool { return strings.Trim(s, "ahuso ") == "" }
	for _, name := range []string{"as is", "mixed case", "percent", "HTML decimal, no ;", `JSON \u, JSON-escaped`, "percent, percent-encoded", "mixed escapes"} {
		enc := encode(name, token)
		text := strings.Repeat(filler, 100) + enc + strings.Repeat(filler, 100)
		start := strings.Index(text, enc)
		for k := 1; k < len(enc); k++ {
			const n = 60
			left := redact.Quote(tok, text, start+k+n/2, n) // the window starts k bytes into enc
			assert.True(t, strings.HasPrefix(left, redact.Redacted) && onlyFiller(left[len(redact.Redacted):]), "%s, %d bytes in: %q", name, k, left)
			right := redact.Quote(tok, text, start+k-n/2, n) // it ends k bytes into enc
			assert.True(t, strings.HasSuffix(right, redact.Redacted) && onlyFiller(right[:len(right)-len(redact.Redacted)]), "%s, %d bytes in: %q", name, k, right)
		}
	}
}

// A quote reads from its own start, which may not be how the text read
// from further back: after a long run of backslashes, whether \u0071 is an
// escape depends on where the reading starts. A quote is scrubbed as it
// reads.
func TestQuote_AQuoteIsScrubbedAsItReads(t *testing.T) {
	tok := redact.Token(token)
	text := strings.Repeat(`\`, 2000) + "u0071" + token[1:6] + " tail"
	for lo := 1950; lo < 1954; lo++ {
		out := redact.Quote(tok, text, lo+50, 100)
		require.True(t, strings.HasPrefix(text[lo:], strings.TrimSuffix(out, redact.Redacted+" tail")), out)
		assert.Empty(t, refRuns(token, out), out)
	}
}

// Quoting from a large text scans a window, not the text: what it
// allocates does not grow with the text.
func TestQuote_ScansOnlyAWindow(t *testing.T) {
	tok := redact.Token(token)
	unit := encode("HTML decimal", token) + " %41 &amp; "
	big := []byte(strings.Repeat(unit, 16<<20/len(unit)))
	require.Greater(t, len(big), 15<<20)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	out := redact.Quote(tok, big, len(big)/2, 400)
	runtime.ReadMemStats(&after)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10))
	assert.Contains(t, out, redact.Redacted)
	assert.Empty(t, refRuns(token, out), out)
	assert.Equal(t, "x", redact.Quote(tok, string(big)+"x", len(big), 1))
}

// Real text (the fixtures, as they are, percent-encoded and JSON-escaped)
// under 100 random tokens: each redaction hides a few characters of a
// message for nothing, so there must be next to none.
func TestScrub_FalsePositives(t *testing.T) {
	files, err := filepath.Glob("../../api/testdata/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var corpus strings.Builder
	for _, name := range files {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		corpus.Write(b)
	}
	raw := corpus.String()
	quoted, err := json.Marshal(raw[:40<<10])
	require.NoError(t, err)
	text := raw + url.QueryEscape(raw[:40<<10]) + string(quoted)
	require.Greater(t, len(text), 190<<10)
	before := strings.Count(text, redact.Redacted)

	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	rng := rand.New(rand.NewPCG(2026, 12))
	redactions := 0
	for range 100 {
		tok := make([]byte, 24)
		for i := range tok {
			tok[i] = alphabet[rng.IntN(len(alphabet))]
		}
		redactions += strings.Count(redact.Token(tok).Scrub(text), redact.Redacted) - before
	}
	t.Logf("100 random tokens over %d bytes: %d redactions", len(text), redactions)
	assert.Less(t, redactions, 10)
}

// ---------------------------------------------------------------------

// fuzzTokens are letters and digits, as Chatwoot's; one with runs that
// repeat, one of hex digits (that escapes next to it may swallow), one of
// the letters escapes are made of.
var fuzzTokens = []string{token, "aaaaaaaaaaaaaaabbbbbbbbb", "deadbeef0123456789abcdef", "u0041amp3Bx26lt25quot5C"}

// FuzzScrub: whatever text surrounds a part of a token, in whatever form
// and case, split in two by whatever text, Scrub's output is the
// reference's, and holds no run under any layer.
func FuzzScrub(f *testing.F) {
	for i := range forms {
		f.Add("<title>"+strings.Repeat("x", 70), "</title>", uint8(i), uint8(i), uint8(0), uint8(0), uint32(0), uint8(0), "", uint8(0))
		f.Add(`{"error":{"message":"`, `"}}`, uint8(i), uint8(i+1), uint8(1), uint8(0), uint32(0), uint8(0), "", uint8(0))
		f.Add(`"snoozed_until":"&#`, `"`, uint8(i), uint8(i+2), uint8(0), uint8(1), uint32(0xffffffff), uint8(7), "%", uint8(100))
		f.Add("X-Request-Id: \\", "", uint8(i), uint8(i+3), uint8(0), uint8(0), uint32(0x5555), uint8(10), "\r\nContent-Type: text/", uint8(100))
	}
	f.Fuzz(func(t *testing.T, prefix, suffix string, form, which, cutStart, cutEnd uint8, caseMask uint32, split uint8, between string, pad uint8) {
		tok := fuzzTokens[int(which)%len(fuzzTokens)]
		piece := []byte(tok[cutStart%8 : len(tok)-int(cutEnd%8)])
		for i := range piece {
			if c := piece[i] | 0x20; caseMask&(1<<(i%32)) != 0 && 'a' <= c && c <= 'z' {
				piece[i] ^= 0x20
			}
		}
		enc := forms[int(form)%len(forms)].encode
		at := int(split) % (len(piece) + 1)
		// pad puts the halves (and the escapes around them) far apart.
		text := prefix + enc(string(piece[:at])) + between + strings.Repeat(" ", 2*int(pad)) + enc(string(piece[at:])) + suffix
		out := redact.Token(tok).Scrub(text)
		if !strings.Contains(text, "&") { // html.UnescapeString reads more references than the reference does
			require.Equal(t, refScrub(tok, text), out, "text %q", text)
		}
		require.Empty(t, refRuns(tok, out), "Scrub(%q) = %q", text, out)
		require.False(t, readerRun(tok, out), "Scrub(%q) = %q", text, out)
	})
}

// FuzzQuote: wherever the window falls, a quote holds no run under any
// layer, and is one line.
func FuzzQuote(f *testing.F) {
	for i := range forms {
		f.Add("lorem ipsum dolor ", " sit amet", uint8(i), uint8(i), 20+i, 16)
		f.Add("&#", `\`, uint8(i), uint8(i+1), 3, 2*i)
	}
	f.Fuzz(func(t *testing.T, prefix, suffix string, form, which uint8, at, n int) {
		tok := fuzzTokens[int(which)%len(fuzzTokens)]
		text := prefix + forms[int(form)%len(forms)].encode(tok) + suffix
		out := redact.Quote(redact.Token(tok), text, at, n%2000)
		require.Empty(t, refRuns(tok, out), "Quote(%q, %d, %d) = %q", text, at, n, out)
		require.False(t, readerRun(tok, out), "Quote(%q, %d, %d) = %q", text, at, n, out)
		require.NotContains(t, out, "\n")
	})
}

// ---------------------------------------------------------------------

func BenchmarkScrub(b *testing.B) {
	tok := redact.Token(token)
	cases := map[string]string{
		"plain 64KiB":   plainText(64 << 10),
		"escaped 64KiB": escapedText(64 << 10),
	}
	for name, text := range escapeTexts(1 << 20) {
		cases[name+" 1MiB"] = text
	}
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		text := cases[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				tok.Scrub(text)
			}
		})
	}
}

func BenchmarkQuote(b *testing.B) {
	tok := redact.Token(token)
	text := []byte(escapedText(1 << 20))
	b.ReportAllocs()
	for b.Loop() {
		redact.Quote(tok, text, len(text)/2, 400)
	}
}
