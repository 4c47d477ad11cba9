package main

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// printable makes text from the server (message content written by anyone
// who opens a chat widget, names, labels, error messages) safe to print on
// an agent's terminal: control characters (C0 with tab and newline, DEL,
// C1), bidirectional overrides and isolates, and bytes that are not UTF-8
// are shown escaped (\x1b, \u202e) instead of being obeyed. A terminal then
// cannot be retitled, cleared or made to show text in another order.
func printable(s string) string {
	if !strings.ContainsFunc(s, unsafeRune) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unsafeRune reports whether r would act on a terminal rather than show.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f: // C0, DEL, C1
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c: // bidi
		return true
	}
	return false
}
